// The settings panel of the selected field: label, key, required, help and the constraints
// of its kind (options, min/max, max length, max files, a detail table's columns).
import { h } from "./dom.js";

const CHOICE = new Set(["select", "multiselect"]);
const BOUNDED = new Set(["number", "amount"]);
const LENGTH = new Set(["text", "textarea"]);
const FILES = new Set(["image", "file"]);

/** A key from a label: lowercase ASCII letters, digits, underscores, starting with a letter. */
export function slugKey(label, fallback) {
  let key = label.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^[^a-z]+/, "").replace(/_+$/, "").slice(0, 40)
    .replace(/_+$/, "");
  return key || fallback;
}

/** `base`, or `base_2`, `base_3`… so it differs from every key in `taken`. */
export function uniqueKey(base, taken) {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `_${n}`;
    const key = base.slice(0, 40 - suffix.length) + suffix;
    if (!taken.has(key)) return key;
  }
}

function errorFor(ctx, col, prop) {
  const e = ctx.error;
  return e && e.col === col && e.prop === prop ? e.message : "";
}

/** A labelled input bound to `obj[prop]`. */
function input(ctx, obj, prop, label, { col = null, type = "text", help = "", required = false, attrs = {}, onInput } = {}) {
  const id = col === null ? `set-${prop}` : `set-c${col}-${prop}`;
  const message = errorFor(ctx, col, prop);
  const described = [help ? `${id}-help` : "", `${id}-error`].filter(Boolean).join(" ");
  const tag = type === "textarea" ? "textarea" : "input";
  const el = h(tag, {
    id,
    value: obj[prop] ?? "",
    "aria-describedby": described,
    "aria-invalid": message ? "true" : undefined,
    dataset: { prop, col: col === null ? "" : String(col) },
    ...(tag === "input" ? { type } : { rows: 4 }),
    ...attrs,
  });
  el.addEventListener("input", () => {
    obj[prop] = el.value;
    onInput?.(el.value);
    ctx.changed();
  });
  return h(
    "div",
    { className: `field${message ? " has-error" : ""}` },
    h("label", { for: id, className: required ? "req" : "" }, label),
    el,
    help ? h("p", { className: "help", id: `${id}-help` }, help) : null,
    h("p", { className: "field-error", id: `${id}-error` }, message),
  );
}

function checkbox(ctx, obj, prop, label, col = null) {
  const id = col === null ? `set-${prop}` : `set-c${col}-${prop}`;
  const el = h("input", { type: "checkbox", id, checked: Boolean(obj[prop]) });
  el.addEventListener("change", () => { obj[prop] = el.checked; ctx.changed(); });
  const message = errorFor(ctx, col, prop);
  return h("div", { className: "field" },
    h("label", { className: "check", for: id }, el, label),
    message ? h("p", { className: "field-error", id: `${id}-error` }, message) : null);
}

/** Label and key inputs; the key follows the label until edited or saved. */
function naming(ctx, obj, col, siblings) {
  const s = ctx.strings;
  let keyInput;
  const label = input(ctx, obj, "label", obj.kind === "note" ? s.note_text : s.label, {
    col, required: true, attrs: { maxLength: ctx.limits.label },
    onInput: (value) => {
      if (obj.saved || obj.keyEdited) return;
      const taken = new Set(siblings.filter((f) => f !== obj).map((f) => f.key));
      obj.key = uniqueKey(slugKey(value, `${obj.kind}_${obj.uid}`), taken);
      if (keyInput) keyInput.value = obj.key;
    },
  });
  const key = input(ctx, obj, "key", s.key, {
    col, required: true, help: obj.saved ? s.key_locked : s.key_help,
    attrs: { maxLength: ctx.limits.key, pattern: "[a-z][a-z0-9_]*", spellcheck: false, autocapitalize: "off" },
    onInput: () => { obj.keyEdited = true; },
  });
  keyInput = key.querySelector("input");
  return [label, key];
}

/** The constraint inputs of a field's kind (shared by fields and table columns). */
function constraints(ctx, obj, col) {
  const s = ctx.strings;
  const out = [];
  if (CHOICE.has(obj.kind)) {
    out.push(input(ctx, obj, "options", s.options, { col, type: "textarea", required: true }));
  }
  if (BOUNDED.has(obj.kind)) {
    out.push(h("div", { className: "pair" },
      input(ctx, obj, "min", s.min, { col, type: "number", attrs: { step: "any" } }),
      input(ctx, obj, "max", s.max, { col, type: "number", attrs: { step: "any" } })));
  }
  if (LENGTH.has(obj.kind)) {
    out.push(input(ctx, obj, "max_length", s.max_length, {
      col, type: "number",
      attrs: { min: 1, max: ctx.limits.length[obj.kind], placeholder: String(ctx.limits.lengthDefault[obj.kind]) },
    }));
  }
  if (FILES.has(obj.kind)) {
    out.push(input(ctx, obj, "max_files", s.max_files, {
      col, type: "number",
      attrs: { min: 1, max: ctx.limits.files[obj.kind], placeholder: String(ctx.limits.filesDefault[obj.kind]) },
    }));
  }
  return out;
}

function columnEditor(ctx, field, column, j) {
  const s = ctx.strings;
  const cols = field.columns;
  const name = column.label || `${s.column} ${j + 1}`;
  const kindId = `set-c${j}-kind`;
  const kind = h("select", { id: kindId }, ctx.columnKinds.map((k) =>
    h("option", { value: k, selected: k === column.kind }, ctx.kindLabels[k])));
  kind.addEventListener("change", () => { column.kind = kind.value; ctx.changed({ redraw: true }); });
  const move = (delta) => {
    const to = j + delta;
    [cols[j], cols[to]] = [cols[to], cols[j]];
    ctx.changed({ redraw: true, focus: `[data-col-move="${to}:${delta}"]` });
  };
  return h("fieldset", { className: "column" },
    h("legend", {}, `${s.column} ${j + 1}`),
    naming(ctx, column, j, cols),
    h("div", { className: "field" }, h("label", { for: kindId }, s.kind), kind),
    checkbox(ctx, column, "required", s.required, j),
    constraints(ctx, column, j),
    h("div", { className: "row" },
      h("button", { type: "button", className: "btn btn-ghost", disabled: j === 0, dataset: { colMove: `${j}:-1` },
        "aria-label": `${s.move_up}: ${name}`, onclick: () => move(-1) }, "↑"),
      h("button", { type: "button", className: "btn btn-ghost", disabled: j === cols.length - 1, dataset: { colMove: `${j}:1` },
        "aria-label": `${s.move_down}: ${name}`, onclick: () => move(1) }, "↓"),
      h("button", { type: "button", className: "btn btn-ghost", "aria-label": `${s.remove}: ${name}`,
        onclick: () => { cols.splice(j, 1); ctx.changed({ redraw: true }); } }, s.remove)));
}

/** Draw the settings of `field` (or the hint when none is selected) into `root`. */
export function renderSettings(root, field, fields, ctx) {
  const s = ctx.strings;
  root.replaceChildren();
  if (!field) {
    root.append(h("p", { className: "muted" }, s.no_field));
    return;
  }
  const col = null;
  root.append(h("p", { className: "chip" }, ctx.kindLabels[field.kind]));
  if (ctx.error && ctx.error.col === null && !ctx.error.prop) {
    root.append(h("p", { className: "alert alert-error", role: "alert" }, ctx.error.message));
  }
  root.append(...naming(ctx, field, col, fields));
  if (field.kind !== "note") root.append(checkbox(ctx, field, "required", s.required));
  root.append(input(ctx, field, "help", s.help, { type: "textarea", attrs: { maxLength: ctx.limits.help } }));
  root.append(...constraints(ctx, field, col));
  if (field.kind === "table") {
    const wrap = h("fieldset", { className: "columns" }, h("legend", {}, s.columns));
    const message = errorFor(ctx, null, "columns");
    if (message) wrap.append(h("p", { className: "field-error", id: "set-columns-error" }, message));
    field.columns.forEach((column, j) => wrap.append(columnEditor(ctx, field, column, j)));
    wrap.append(h("button", {
      type: "button", className: "btn", id: "add-column",
      onclick: () => { field.columns.push(ctx.newColumn(field)); ctx.changed({ redraw: true, focus: `#set-c${field.columns.length - 1}-label` }); },
    }, `+ ${s.add_column}`));
    root.append(wrap);
  }
}
