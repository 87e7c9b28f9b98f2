// The desk's menu editor: entries (links to published types) and one level of groups. Reorder
// by dragging an item's handle (mouse, touch or pen), or by keyboard with Move up / Move down / into the group above
// / out of the group (focus stays on the moved item; a live region says where it went).
// Save posts the whole menu as JSON; the server's error names the entry and is shown beside it.
import { announce, fmt, h, indexAt, postJson } from "../tickettypes/dom.js";

const config = JSON.parse(document.getElementById("menu-config").textContent);
const S = config.strings;
const tree = document.getElementById("menu-tree");
const live = document.getElementById("announce");
const status = document.getElementById("save-status");
const dirtyNote = document.getElementById("dirty");
const saveButton = document.getElementById("save");
const typeNames = new Map(config.types.map((t) => [t.id, t.name]));

let nextUid = 1;
let entries = [];
let error = null; // {uid, prop, message}
let dragging = null; // uid
let dirty = false;

function fromStored(raw) {
  return {
    uid: nextUid++, label: raw.label, type_id: raw.type_id,
    group: raw.type_id === null, children: (raw.children || []).map(fromStored),
  };
}

function toJson(item) {
  return item.group
    ? { label: item.label, type_id: null, children: item.children.map(toJson) }
    : { label: item.label, type_id: item.type_id, children: [] };
}

function setDirty(value) {
  dirty = value;
  dirtyNote.textContent = value ? S.unsaved : "";
}

/** The list holding `uid`, its index there and the group it is in (null at the top). */
function locate(uid) {
  for (let i = 0; i < entries.length; i += 1) {
    if (entries[i].uid === uid) return { list: entries, index: i, parent: null };
    const j = entries[i].children.findIndex((c) => c.uid === uid);
    if (j >= 0) return { list: entries[i].children, index: j, parent: entries[i] };
  }
  return null;
}

/* ---- Drawing -------------------------------------------------------------------------- */

function typeSelect(item) {
  const id = `m-${item.uid}-type`;
  const options = config.types.map((t) => h("option", { value: String(t.id), selected: t.id === item.type_id }, t.name));
  if (item.type_id !== null && !typeNames.has(item.type_id)) {
    options.unshift(h("option", { value: String(item.type_id), selected: true }, S.unpublished));
  }
  const select = h("select", { id, "aria-label": `${S.type}: ${item.label}` }, options);
  select.addEventListener("change", () => { item.type_id = Number(select.value); setDirty(true); });
  return select;
}

function row(item, index, list, parent) {
  const name = item.label || (item.group ? S.group : S.entry);
  const btn = (cls, label, text, onclick, disabled = false) =>
    h("button", { type: "button", className: `iconbtn ${cls}`, "aria-label": `${label}: ${name}`, title: label, disabled, onclick }, text);
  const prev = index > 0 ? list[index - 1] : null;
  const labelId = `m-${item.uid}-label`;
  const labelInput = h("input", {
    id: labelId, value: item.label, maxLength: config.labelMax,
    "aria-label": `${item.group ? S.group : S.entry} ${S.label}`,
    "aria-invalid": error && error.uid === item.uid && error.prop === "label" ? "true" : undefined,
    "aria-describedby": `m-${item.uid}-error`,
  });
  labelInput.addEventListener("input", () => { item.label = labelInput.value; setDirty(true); });
  const message = error && error.uid === item.uid ? error.message : "";
  const handle = h("span", { className: "handle", draggable: true, title: S.drag, "aria-hidden": "true" }, "⠿");
  const actions = h("span", { className: "menu-actions" },
    btn("move-up", S.move_up, "↑", () => move(item.uid, -1, "move-up"), index === 0),
    btn("move-down", S.move_down, "↓", () => move(item.uid, 1, "move-down"), index === list.length - 1),
    !item.group && !parent ? btn("into", S.into_group, "→", () => into(item.uid), !(prev && prev.group)) : null,
    parent ? btn("out", S.out_of_group, "←", () => out(item.uid)) : null,
    btn("remove", S.remove, "✕", () => remove(item.uid)),
  );
  const li = h("li", { className: `menu-item${item.group ? " is-group" : ""}${message ? " has-error" : ""}`, dataset: { uid: String(item.uid) } },
    h("div", { className: "menu-row" },
      handle,
      h("span", { className: "menu-kind chip" }, item.group ? S.group : S.entry),
      h("span", { className: "menu-inputs" }, labelInput, item.group ? null : typeSelect(item)),
      actions),
    h("p", { className: "field-error", id: `m-${item.uid}-error` }, message));
  handle.addEventListener("dragstart", (event) => {
    dragging = item.uid;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(item.uid));
    event.dataTransfer.setDragImage(li, 20, 20);
    li.classList.add("dragging");
  });
  handle.addEventListener("dragend", () => { dragging = null; li.classList.remove("dragging"); clearMarks(); });
  handle.addEventListener("pointerdown", (event) => touchDrag(event, item.uid, li));
  if (item.group) {
    const sub = h("ol", { className: "menu-children", dataset: { group: String(item.uid) } });
    item.children.forEach((child, j) => sub.append(row(child, j, item.children, item)));
    if (!item.children.length) sub.append(h("li", { className: "menu-empty muted small" }, S.empty_group));
    dropZone(sub, item);
    li.append(sub);
  }
  return li;
}

function render() {
  tree.replaceChildren(...entries.map((item, i) => row(item, i, entries, null)));
  if (!entries.length) tree.append(h("li", { className: "menu-empty muted" }, S.empty));
}

/* ---- Keyboard moves -------------------------------------------------------------------- */

function focusItem(uid, cls) {
  const li = tree.querySelector(`[data-uid="${uid}"]`);
  const button = li?.querySelector(`:scope > .menu-row .${cls}`);
  (button && !button.disabled ? button : li?.querySelector(":scope > .menu-row input"))?.focus();
}

function said(item) {
  const at = locate(item.uid);
  announce(live, fmt(S.moved, { label: item.label, n: at.index + 1, total: at.list.length }));
}

function move(uid, delta, cls) {
  const at = locate(uid);
  const to = at.index + delta;
  if (to < 0 || to >= at.list.length) return;
  [at.list[at.index], at.list[to]] = [at.list[to], at.list[at.index]];
  setDirty(true);
  render();
  said(at.list[to]);
  focusItem(uid, cls);
}

function into(uid) {
  const at = locate(uid);
  const group = at.list[at.index - 1];
  if (at.parent || !group || !group.group) return;
  const [item] = at.list.splice(at.index, 1);
  group.children.push(item);
  setDirty(true);
  render();
  announce(live, fmt(S.moved_in, { label: item.label, group: group.label }));
  focusItem(uid, "out");
}

function out(uid) {
  const at = locate(uid);
  if (!at.parent) return;
  const [item] = at.list.splice(at.index, 1);
  entries.splice(entries.indexOf(at.parent) + 1, 0, item);
  setDirty(true);
  render();
  announce(live, fmt(S.moved_out, { label: item.label, group: at.parent.label }));
  focusItem(uid, "into");
}

function remove(uid) {
  const at = locate(uid);
  const [item] = at.list.splice(at.index, 1);
  if (error && error.uid === uid) error = null;
  setDirty(true);
  render();
  announce(live, fmt(S.removed, { label: item.label }));
  (tree.querySelector("input") || document.getElementById("add-label") || saveButton).focus();
}

/* ---- Drag and drop -------------------------------------------------------------------- */

function clearMarks() {
  document.querySelectorAll(".drop-before, .drop-after, .drop-target").forEach((el) =>
    el.classList.remove("drop-before", "drop-after", "drop-target"));
}

const zones = new WeakMap(); // a list element -> its group (null for the top level)

/** May the dragged item go into `group`'s children (groups hold entries, one level)? */
function allowedIn(group) {
  if (dragging === null) return false;
  const at = locate(dragging);
  return !group || (!at.list[at.index].group && at.list[at.index] !== group);
}

function markIn(listEl, clientY) {
  clearMarks();
  listEl.classList.add("drop-target");
  const cards = [...listEl.querySelectorAll(":scope > .menu-item")];
  const i = indexAt(cards, clientY);
  if (cards.length) (i < cards.length ? cards[i] : cards[cards.length - 1]).classList.add(i < cards.length ? "drop-before" : "drop-after");
}

function dropIn(listEl, clientY) {
  const group = zones.get(listEl);
  const target = group ? group.children : entries;
  let index = indexAt([...listEl.querySelectorAll(":scope > .menu-item")], clientY);
  const at = locate(dragging);
  if (at.list === target && at.index < index) index -= 1;
  const [item] = at.list.splice(at.index, 1);
  target.splice(index, 0, item);
  dragging = null;
  clearMarks();
  setDirty(true);
  render();
  said(item);
}

/** Dropping into `listEl` (the top level, or a group's children) at the mouse pointer. */
function dropZone(listEl, group) {
  zones.set(listEl, group);
  listEl.addEventListener("dragover", (event) => {
    if (!allowedIn(group)) return;
    event.preventDefault();
    event.stopPropagation();
    markIn(listEl, event.clientY);
  });
  listEl.addEventListener("drop", (event) => {
    if (!allowedIn(group)) return;
    event.preventDefault();
    event.stopPropagation();
    dropIn(listEl, event.clientY);
  });
}

/** The drop zone under a touch point, if the dragged item may go there. */
function zoneAt(x, y) {
  let el = document.elementFromPoint(x, y)?.closest("ol");
  while (el && !zones.has(el)) el = el.parentElement?.closest("ol");
  return el && allowedIn(zones.get(el)) ? el : null;
}

/** Touch and pen: drag an item by its handle (the browser's HTML5 drag is mouse-only). */
function touchDrag(event, uid, li) {
  if (event.pointerType === "mouse") return;
  event.preventDefault();
  const handle = event.currentTarget;
  handle.setPointerCapture(event.pointerId);
  dragging = uid;
  li.classList.add("dragging");
  let last = null;
  const onMove = (e) => {
    // Near the screen's top or bottom edge, scroll so a long menu can be crossed.
    if (e.clientY < 48) window.scrollBy(0, -16);
    else if (e.clientY > window.innerHeight - 48) window.scrollBy(0, 16);
    last = { zone: zoneAt(e.clientX, e.clientY), y: e.clientY };
    if (last.zone) markIn(last.zone, last.y); else clearMarks();
  };
  const end = (drop) => {
    handle.removeEventListener("pointermove", onMove);
    handle.removeEventListener("pointerup", onUp);
    handle.removeEventListener("pointercancel", onCancel);
    li.classList.remove("dragging");
    if (drop && last?.zone) dropIn(last.zone, last.y);
    dragging = null;
    clearMarks();
  };
  const onUp = () => end(true);
  const onCancel = () => end(false); // the browser took the gesture: nothing moves
  handle.addEventListener("pointermove", onMove);
  handle.addEventListener("pointerup", onUp);
  handle.addEventListener("pointercancel", onCancel);
}

/* ---- Adding and saving ------------------------------------------------------------------ */

const addType = document.getElementById("add-type");
const addLabel = document.getElementById("add-label");
let labelTouched = false;
addLabel?.addEventListener("input", () => { labelTouched = true; });
addType?.addEventListener("change", () => {
  if (!labelTouched) addLabel.value = typeNames.get(Number(addType.value)) || "";
});
document.getElementById("add-entry")?.addEventListener("click", () => {
  const label = addLabel.value.trim() || typeNames.get(Number(addType.value)) || "";
  const item = { uid: nextUid++, label, type_id: Number(addType.value), group: false, children: [] };
  entries.push(item);
  setDirty(true);
  render();
  announce(live, fmt(S.added, { label }));
});
document.getElementById("add-group").addEventListener("click", () => {
  const input = document.getElementById("group-label");
  const label = input.value.trim();
  if (!label) { input.focus(); return; }
  entries.push({ uid: nextUid++, label, type_id: null, group: true, children: [] });
  input.value = "";
  setDirty(true);
  render();
  announce(live, fmt(S.added, { label }));
});

function showError(body) {
  const err = body?.error || { message: S.failed, field: null };
  status.replaceChildren(h("p", { className: "alert alert-error", role: "alert" }, err.message));
  const match = /^entries\[(\d+)\](?:\.children\[(\d+)\])?(?:\.(\w+))?/.exec(err.field || "");
  error = null;
  if (match) {
    const top = entries[Number(match[1])];
    const item = match[2] === undefined ? top : top?.children[Number(match[2])];
    if (item) error = { uid: item.uid, prop: match[3] || "label", message: err.message };
  }
  render();
  if (error) tree.querySelector(`#m-${error.uid}-${error.prop === "type_id" ? "type" : "label"}`)?.focus()
    ?? tree.querySelector(`#m-${error.uid}-label`)?.focus();
}

saveButton.addEventListener("click", async () => {
  saveButton.disabled = true;
  status.replaceChildren(h("p", { className: "muted" }, S.saving));
  const result = await postJson(tree.dataset.saveUrl, { entries: entries.map(toJson) });
  saveButton.disabled = false;
  if (!result.ok) { showError(result.body); return; }
  entries = result.body.entries.map(fromStored);
  error = null;
  setDirty(false);
  render();
  status.replaceChildren(h("p", { className: "alert alert-ok" }, result.body.message));
});
window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });

dropZone(tree, null);
entries = config.entries.map(fromStored);
render();
if (config.add !== null) addLabel?.focus();
