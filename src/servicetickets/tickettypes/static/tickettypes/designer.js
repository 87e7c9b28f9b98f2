// The form designer: a palette of field kinds, the form's fields (reordered by drag and drop,
// by touch on the handle, and by keyboard with Move up / Move down), the selected field's
// settings and a live preview. Save posts the whole definition as JSON; the server answers
// the stored form, or an error naming the property (fields[2].options) shown beside its input.
import { announce, csrfToken, fmt, h, indexAt, postJson } from "./dom.js";
import { renderPreview } from "./preview.js";
import { renderSettings, slugKey, uniqueKey } from "./settings.js";

// The submission page's scripts make the preview's tables and member pickers work; loaded
// when present (the preview still draws without them).
const formScripts = Promise.all([import("../forms/table.js"), import("../forms/member.js")])
  .then(([table, member]) => ({ initTables: table.initTables, initMemberPickers: member.initMemberPickers }))
  .catch(() => ({ initTables: () => {}, initMemberPickers: () => {} }));

const root = document.getElementById("designer");
const config = JSON.parse(document.getElementById("designer-config").textContent);
const S = config.strings;
const kindLabels = Object.fromEntries(config.kinds.map((k) => [k.kind, k.label]));
const canvas = document.getElementById("canvas");
const settingsRoot = document.getElementById("settings");
const previewRoot = document.getElementById("preview");
const live = document.getElementById("announce");
const status = document.getElementById("save-status");
const dirtyNote = document.getElementById("dirty");
const saveButton = document.getElementById("save");

let nextUid = 1;
let fields = [];
let selected = null; // uid
let error = null; // {uid, col, prop, message}
let dirty = false;
let dragging = null; // {type: "new", kind} | {type: "move", uid}

const text = (v) => (v === undefined || v === null ? "" : String(v));

/** The designer's state of one stored field (or table column). */
function fromStored(raw) {
  return {
    uid: nextUid++,
    kind: raw.kind,
    label: raw.label,
    key: raw.key,
    required: Boolean(raw.required),
    help: text(raw.help),
    options: (raw.options || []).join("\n"),
    min: text(raw.min),
    max: text(raw.max),
    max_length: text(raw.max_length),
    max_files: text(raw.max_files),
    columns: (raw.columns || []).map(fromStored),
    saved: true,
    keyEdited: false,
  };
}

function blank(kind, siblings) {
  const uid = nextUid++;
  const label = kindLabels[kind];
  const taken = new Set(siblings.map((f) => f.key));
  const field = {
    uid, kind, label, key: uniqueKey(slugKey(label, `${kind}_${uid}`), taken), required: false,
    help: "", options: "", min: "", max: "", max_length: "", max_files: "", columns: [],
    saved: false, keyEdited: false,
  };
  if (kind === "select" || kind === "multiselect") field.options = `${S.option} 1\n${S.option} 2`;
  if (kind === "table") field.columns = [blank("text", [])];
  return field;
}

function number(raw) {
  const value = raw.trim();
  if (value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value; // the server names what it cannot read
}

/** The definition as the service reads it (empty optional properties left out). */
function toJson(field) {
  const out = { key: field.key.trim(), label: field.label, kind: field.kind, required: field.kind === "note" ? false : field.required };
  if (field.help.trim()) out.help = field.help;
  if (field.kind === "select" || field.kind === "multiselect") {
    out.options = field.options.split("\n").map((o) => o.trim()).filter(Boolean);
  }
  for (const name of ["min", "max", "max_length", "max_files"]) {
    const value = number(field[name]);
    if (value !== undefined) out[name] = value;
  }
  if (field.kind === "table") out.columns = field.columns.map(toJson);
  return out;
}

function setDirty(value) {
  dirty = value;
  dirtyNote.textContent = value ? S.unsaved : "";
}

function nameOf(field, index) {
  return field.label.trim() || fmt(S.field_n, { n: index + 1 });
}

/* ---- Canvas ------------------------------------------------------------------------- */

function card(field, index) {
  const name = nameOf(field, index);
  const isSelected = field.uid === selected;
  const hasError = error && error.uid === field.uid;
  const li = h("li", {
    className: `field-card${isSelected ? " selected" : ""}${hasError ? " has-error" : ""}`,
    draggable: true,
    dataset: { uid: String(field.uid) },
  });
  const handle = h("span", { className: "handle", title: S.drag, "aria-hidden": "true" }, "⠿");
  const main = h("button", {
    type: "button", className: "field-main", "aria-pressed": isSelected ? "true" : "false",
    "aria-label": `${name}, ${kindLabels[field.kind]}${field.required ? `, ${S.required}` : ""}. ${S.edit}`,
    onclick: () => select(field.uid),
  },
  h("span", { className: "field-label" }, name, field.required ? h("span", { className: "req-mark", "aria-hidden": "true" }, " *") : null),
  h("span", { className: "field-kind" }, kindLabels[field.kind], " · ", field.key));
  const up = h("button", {
    type: "button", className: "iconbtn move-up", disabled: index === 0,
    "aria-label": `${S.move_up}: ${name}`, title: S.move_up, onclick: () => move(field.uid, -1, true),
  }, "↑");
  const down = h("button", {
    type: "button", className: "iconbtn move-down", disabled: index === fields.length - 1,
    "aria-label": `${S.move_down}: ${name}`, title: S.move_down, onclick: () => move(field.uid, 1, true),
  }, "↓");
  const remove = h("button", {
    type: "button", className: "iconbtn remove", "aria-label": `${S.remove}: ${name}`, title: S.remove,
    onclick: () => removeField(field.uid),
  }, "✕");
  li.append(handle, main, h("span", { className: "field-actions" }, up, down, remove));
  handle.addEventListener("pointerdown", (event) => touchDrag(event, field.uid));
  return li;
}

function renderCanvas() {
  canvas.replaceChildren(...fields.map(card));
  if (!fields.length) canvas.append(h("li", { className: "canvas-empty" }, S.empty));
}

function renderAll({ settings = true } = {}) {
  renderCanvas();
  if (settings) drawSettings();
  refreshPreview();
}

function drawSettings() {
  const field = fields.find((f) => f.uid === selected) || null;
  renderSettings(settingsRoot, field, fields, {
    strings: S,
    kindLabels,
    columnKinds: config.columnKinds,
    limits: config.limits,
    error: error && field && error.uid === field.uid ? error : null,
    newColumn: (f) => blank("text", f.columns),
    changed: ({ redraw = false, focus = null } = {}) => {
      setDirty(true);
      renderCanvas();
      refreshPreview();
      if (redraw) {
        drawSettings();
        const target = focus && settingsRoot.querySelector(focus);
        if (target && !target.disabled) target.focus();
      }
    },
  });
}

/* ---- Preview: the submission page's own templates, drawn by the server from the definition
   being designed; while the definition is not valid yet, an approximate one drawn here. ---- */

let previewTimer = 0;
let previewSeq = 0;

function refreshPreview() {
  window.clearTimeout(previewTimer);
  previewTimer = window.setTimeout(loadPreview, 250);
}

async function loadPreview() {
  const seq = ++previewSeq;
  let html = null;
  try {
    const response = await fetch(root.dataset.previewUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify({ fields: fields.map(toJson) }),
    });
    if (response.ok) html = await response.text();
  } catch {
    html = null;
  }
  if (seq !== previewSeq) return; // a newer change is on its way
  if (html === null) {
    renderPreview(previewRoot, fields, S);
    return;
  }
  // Markup rendered by our server with Django's autoescaping (as htmx swaps it).
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  previewRoot.replaceChildren(...doc.body.childNodes);
  if (!fields.length) previewRoot.append(h("p", { className: "muted" }, S.preview_empty));
  (await formScripts).initTables(previewRoot);
}

function select(uid) {
  selected = uid;
  renderAll();
}

/* ---- Changes ----------------------------------------------------------------------- */

function insert(kind, index) {
  const field = blank(kind, fields);
  fields.splice(index, 0, field);
  selected = field.uid;
  setDirty(true);
  renderAll();
  announce(live, fmt(S.added, { label: field.label, n: index + 1, total: fields.length }));
  return field;
}

function moveTo(uid, index) {
  const from = fields.findIndex((f) => f.uid === uid);
  if (from < 0) return;
  const [field] = fields.splice(from, 1);
  const to = Math.max(0, Math.min(index > from ? index - 1 : index, fields.length));
  fields.splice(to, 0, field);
  if (to !== from) setDirty(true);
  renderAll({ settings: false });
  announce(live, fmt(S.moved, { label: nameOf(field, to), n: to + 1, total: fields.length }));
}

function move(uid, delta, keepFocus) {
  const from = fields.findIndex((f) => f.uid === uid);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= fields.length) return;
  [fields[from], fields[to]] = [fields[to], fields[from]];
  setDirty(true);
  renderAll({ settings: false });
  announce(live, fmt(S.moved, { label: nameOf(fields[to], to), n: to + 1, total: fields.length }));
  if (keepFocus) {
    const cardEl = canvas.querySelector(`[data-uid="${uid}"]`);
    const same = cardEl.querySelector(delta < 0 ? ".move-up" : ".move-down");
    const other = cardEl.querySelector(delta < 0 ? ".move-down" : ".move-up");
    (same.disabled ? other : same).focus();
  }
}

function removeField(uid) {
  const index = fields.findIndex((f) => f.uid === uid);
  const [field] = fields.splice(index, 1);
  if (selected === uid) selected = null;
  if (error && error.uid === uid) error = null;
  setDirty(true);
  renderAll();
  announce(live, fmt(S.removed, { label: nameOf(field, index) }));
  const next = canvas.querySelectorAll(".field-main")[Math.min(index, fields.length - 1)];
  (next || document.querySelector(".palette-item")).focus();
}

/* ---- Drag and drop (HTML5 for mouse; pointer events for touch on the handle) ------------ */

function clearMarks() {
  canvas.querySelectorAll(".drop-before, .drop-after").forEach((el) => el.classList.remove("drop-before", "drop-after"));
  canvas.classList.remove("drop-target");
}

function markAt(clientY) {
  clearMarks();
  canvas.classList.add("drop-target");
  const cards = [...canvas.querySelectorAll(".field-card")];
  const index = indexAt(cards, clientY);
  if (cards.length) {
    if (index < cards.length) cards[index].classList.add("drop-before");
    else cards[cards.length - 1].classList.add("drop-after");
  }
  return index;
}

root.querySelectorAll(".palette-item").forEach((button) => {
  button.addEventListener("click", () => {
    const field = insert(button.dataset.kind, fields.length);
    canvas.querySelector(`[data-uid="${field.uid}"]`)?.scrollIntoView({ block: "nearest" });
  });
  button.addEventListener("dragstart", (event) => {
    dragging = { type: "new", kind: button.dataset.kind };
    event.dataTransfer.effectAllowed = "copy";
    event.dataTransfer.setData("text/plain", `new:${button.dataset.kind}`);
  });
  button.addEventListener("dragend", () => { dragging = null; clearMarks(); });
});

canvas.addEventListener("dragstart", (event) => {
  const li = event.target.closest?.(".field-card");
  if (!li) return;
  dragging = { type: "move", uid: Number(li.dataset.uid) };
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", `move:${li.dataset.uid}`);
  li.classList.add("dragging");
});
canvas.addEventListener("dragend", () => { dragging = null; clearMarks(); });
canvas.addEventListener("dragover", (event) => {
  if (!dragging) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = dragging.type === "new" ? "copy" : "move";
  markAt(event.clientY);
});
canvas.addEventListener("dragleave", (event) => {
  if (!canvas.contains(event.relatedTarget)) clearMarks();
});
canvas.addEventListener("drop", (event) => {
  event.preventDefault();
  const index = markAt(event.clientY);
  clearMarks();
  let what = dragging;
  if (!what) {
    const [type, value] = (event.dataTransfer.getData("text/plain") || "").split(":");
    what = type === "new" ? { type, kind: value } : type === "move" ? { type, uid: Number(value) } : null;
  }
  dragging = null;
  if (!what) return;
  if (what.type === "new" && kindLabels[what.kind]) insert(what.kind, index);
  else if (what.type === "move") moveTo(what.uid, index);
});

/** Touch and pen: drag a field by its handle (the browser's HTML5 drag is mouse-only). */
function touchDrag(event, uid) {
  if (event.pointerType === "mouse") return;
  event.preventDefault();
  const handle = event.currentTarget;
  handle.setPointerCapture(event.pointerId);
  const li = handle.closest(".field-card");
  li.classList.add("dragging");
  let index = null;
  const onMove = (e) => { index = markAt(e.clientY); };
  const end = (drop) => {
    handle.removeEventListener("pointermove", onMove);
    handle.removeEventListener("pointerup", onUp);
    handle.removeEventListener("pointercancel", onCancel);
    clearMarks();
    li.classList.remove("dragging");
    if (drop && index !== null) moveTo(uid, index);
  };
  const onUp = () => end(true);
  const onCancel = () => end(false); // the browser took the gesture: nothing moves
  handle.addEventListener("pointermove", onMove);
  handle.addEventListener("pointerup", onUp);
  handle.addEventListener("pointercancel", onCancel);
}

/* ---- Save ------------------------------------------------------------------------ */

function showError(body) {
  const err = body?.error || { message: S.failed, field: null };
  const match = /^fields\[(\d+)\](?:\.columns\[(\d+)\])?(?:\.(\w+))?/.exec(err.field || "");
  status.replaceChildren(h("p", { className: "alert alert-error", role: "alert" }, err.message));
  if (!match) { error = null; renderAll(); return; }
  const field = fields[Number(match[1])];
  const col = match[2] === undefined ? null : Number(match[2]);
  let prop = match[3] || null;
  if (col !== null && !prop) prop = "label";
  error = { uid: field.uid, col, prop, message: err.message };
  selected = field.uid;
  status.firstChild.prepend(`${nameOf(field, Number(match[1]))}: `);
  renderAll();
  const id = prop ? (col === null ? `#set-${prop}` : `#set-c${col}-${prop}`) : "#set-label";
  const target = settingsRoot.querySelector(id) || settingsRoot.querySelector("input, textarea, select");
  target?.focus();
}

async function save() {
  saveButton.disabled = true;
  status.replaceChildren(h("p", { className: "muted" }, S.saving));
  const result = await postJson(root.dataset.saveUrl, { fields: fields.map(toJson) });
  saveButton.disabled = false;
  if (!result.ok) { showError(result.body); return; }
  const keep = fields.findIndex((f) => f.uid === selected);
  fields = result.body.fields.map(fromStored);
  selected = keep >= 0 && fields[keep] ? fields[keep].uid : null;
  error = null;
  setDirty(false);
  renderAll();
  document.getElementById("version-note").textContent = result.body.versionNote;
  status.replaceChildren(h("p", { className: "alert alert-ok" }, result.body.message));
}

saveButton.addEventListener("click", save);
window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });

fields = JSON.parse(document.getElementById("designer-fields").textContent).map(fromStored);
renderPreview(previewRoot, fields, S);
formScripts.then((scripts) => scripts.initMemberPickers(previewRoot));
renderAll();
