// Detail tables: add a row by copying the blank row's <template> under a new index, remove a
// row, and keep the visible row numbers counting 1, 2, 3. The server reads rows by index
// and ignores gaps, so indexes are never reused.
const PLACEHOLDER = "__i__";
const ATTRIBUTES = ["id", "name", "for", "aria-describedby", "aria-controls", "aria-labelledby"];

function renumber(box) {
  const label = box.dataset.rowLabel || "{n}";
  box.querySelectorAll("[data-table-rows] > [data-table-row]").forEach((row, index) => {
    const number = row.querySelector("[data-row-number]");
    if (number) number.textContent = label.replace("{n}", String(index + 1));
  });
}

function addRow(box) {
  const blank = box.querySelector("template[data-table-blank]");
  const rows = box.querySelector("[data-table-rows]");
  if (!blank || !rows) return null;
  const index = String(Number(box.dataset.next || 0));
  box.dataset.next = String(Number(index) + 1);
  const fragment = blank.content.cloneNode(true);
  for (const element of fragment.querySelectorAll("*")) {
    for (const attribute of ATTRIBUTES) {
      const value = element.getAttribute(attribute);
      if (value && value.includes(PLACEHOLDER)) {
        element.setAttribute(attribute, value.replaceAll(PLACEHOLDER, index));
      }
    }
  }
  const row = fragment.querySelector("[data-table-row]");
  rows.append(fragment);
  renumber(box);
  return row;
}

export function initTables(form) {
  for (const box of form.querySelectorAll("[data-table]")) {
    box.addEventListener("click", (event) => {
      if (event.target.closest("[data-table-add]")) {
        const row = addRow(box);
        row?.querySelector("input:not([type=hidden]), select, textarea")?.focus();
        return;
      }
      const remove = event.target.closest("[data-table-remove]");
      if (remove) {
        remove.closest("[data-table-row]")?.remove();
        renumber(box);
        box.querySelector("[data-table-add]")?.focus();
      }
    });
  }
}
