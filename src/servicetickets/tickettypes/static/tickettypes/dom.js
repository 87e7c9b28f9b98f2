// Small DOM helpers for the admin editors: elements are built with properties and text
// nodes only, never innerHTML, so labels typed by admins can never become markup.

/** Build an element: h("button", {type: "button", className: "btn"}, "Text", child). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name.startsWith("aria-") || name === "role" || name === "for" || name === "list") {
      el.setAttribute(name, value === true ? "true" : String(value));
    } else el[name] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** "%(label)s moved to %(n)s" with values filled in (the server's translated strings). */
export function fmt(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

/** Say something to screen readers through a live region (cleared first so a repeat is read). */
export function announce(region, text) {
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 30);
}

/** The page's CSRF token, for JSON posts. */
export function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

/** POST JSON; resolves to {ok, status, body}. Network failure resolves with status 0. */
export async function postJson(url, payload) {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        Accept: "application/json",
      },
      credentials: "same-origin",
      body: JSON.stringify(payload),
    });
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    return { ok: response.ok, status: response.status, body };
  } catch {
    return { ok: false, status: 0, body: null };
  }
}

/** Index at which to insert among `items` for a pointer at clientY (before the first item
 * whose vertical middle is below the pointer). */
export function indexAt(items, clientY) {
  for (let i = 0; i < items.length; i += 1) {
    const box = items[i].getBoundingClientRect();
    if (clientY < box.top + box.height / 2) return i;
  }
  return items.length;
}
