// Member fields: a combobox that asks GET /api/v1/users?q= as the person types and offers
// the matching people; choosing one puts the username in the input. Works on inputs added
// later (table rows) through delegation. Names are set as text, never HTML.
const DELAY = 200;

function listOf(input) {
  return document.getElementById(input.getAttribute("aria-controls"));
}

function close(input) {
  const list = listOf(input);
  if (list) {
    list.hidden = true;
    list.replaceChildren();
  }
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

function choose(input, option) {
  input.value = option.dataset.username;
  close(input);
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function show(input, users) {
  const list = listOf(input);
  if (!list) return;
  list.replaceChildren();
  users.slice(0, 8).forEach((user, index) => {
    const option = document.createElement("li");
    option.id = `${list.id}-${index}`;
    option.setAttribute("role", "option");
    option.className = "member-option";
    option.dataset.username = user.username;
    const name = document.createElement("span");
    name.textContent = user.name || user.username;
    const handle = document.createElement("span");
    handle.className = "muted small";
    handle.textContent = user.username;
    option.append(name, handle);
    list.append(option);
  });
  const open = users.length > 0;
  list.hidden = !open;
  input.setAttribute("aria-expanded", String(open));
}

function move(input, step) {
  const list = listOf(input);
  if (!list || list.hidden) return;
  const options = Array.from(list.querySelectorAll("[role=option]"));
  if (!options.length) return;
  const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
  const next = (current + step + options.length) % options.length;
  options.forEach((o, i) => o.setAttribute("aria-selected", String(i === next)));
  input.setAttribute("aria-activedescendant", options[next].id);
  options[next].scrollIntoView({ block: "nearest" });
}

async function search(input) {
  const q = input.value.trim();
  if (!q) {
    close(input);
    return;
  }
  const asked = q;
  const url = `${input.dataset.usersUrl}?q=${encodeURIComponent(q)}`;
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const users = await response.json();
    if (input.value.trim() !== asked || document.activeElement !== input) return;
    show(input, users.filter((u) => u.active !== false));
  } catch {
    close(input);
  }
}

export function initMemberPickers(root) {
  const timers = new WeakMap();
  root.addEventListener("input", (event) => {
    const input = event.target.closest?.("[data-member-input]");
    if (!input) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => search(input), DELAY));
  });
  root.addEventListener("keydown", (event) => {
    const input = event.target.closest?.("[data-member-input]");
    if (!input) return;
    if (event.key === "ArrowDown") { event.preventDefault(); move(input, 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(input, -1); }
    else if (event.key === "Escape") close(input);
    else if (event.key === "Enter") {
      const id = input.getAttribute("aria-activedescendant");
      const option = id && document.getElementById(id);
      if (option) { event.preventDefault(); choose(input, option); }
    }
  });
  // pointerdown, not click: it comes before the input's blur closes the list.
  root.addEventListener("pointerdown", (event) => {
    const option = event.target.closest?.(".member-list [role=option]");
    if (!option) return;
    event.preventDefault();
    const input = option.closest("[data-member]")?.querySelector("[data-member-input]");
    if (input) choose(input, option);
  });
  root.addEventListener("focusout", (event) => {
    const input = event.target.closest?.("[data-member-input]");
    if (input) setTimeout(() => close(input), 150);
  });
}
