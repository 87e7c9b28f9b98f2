// The live preview: the employee's form as it will look, drawn from the designer's state.
// Inputs work (type into them to try the form) but nothing is sent anywhere.
import { h } from "./dom.js";

function optionsOf(field) {
  return field.options.split("\n").map((o) => o.trim()).filter(Boolean);
}

function numberAttrs(field) {
  return {
    type: "number",
    inputMode: "decimal",
    step: field.kind === "amount" ? "0.01" : "any",
    min: field.min === "" ? undefined : field.min,
    max: field.max === "" ? undefined : field.max,
  };
}

/** One input of `field` with the id `id` (also used for a table's cells). */
function control(field, id, strings, described) {
  const common = { id, name: field.key || id, "aria-describedby": described || undefined };
  switch (field.kind) {
    case "textarea":
      return h("textarea", { ...common, rows: 3, maxLength: field.max_length || undefined });
    case "number":
    case "amount":
      return h("input", { ...common, ...numberAttrs(field) });
    case "date":
      return h("input", { ...common, type: "date" });
    case "datetime":
      return h("input", { ...common, type: "datetime-local" });
    case "phone":
      return h("input", { ...common, type: "tel", inputMode: "tel", autocomplete: "tel" });
    case "email":
      return h("input", { ...common, type: "email", autocomplete: "email" });
    case "member":
      return h("input", { ...common, type: "search", placeholder: strings.search_people });
    case "select":
      return h(
        "select",
        common,
        h("option", { value: "" }, strings.choose),
        optionsOf(field).map((o) => h("option", { value: o }, o)),
      );
    case "image":
      return h("input", { ...common, type: "file", accept: "image/*", multiple: true });
    case "file":
      return h("input", { ...common, type: "file", multiple: true });
    default:
      return h("input", { ...common, type: "text", maxLength: field.max_length || undefined });
  }
}

function labelFor(field, id) {
  return h("label", { for: id, className: field.required ? "req" : "" }, field.label);
}

function helpOf(field, id) {
  return field.help ? h("p", { className: "help", id }, field.help) : null;
}

function group(field, id, strings, inner) {
  // Kinds with several inputs are a fieldset whose legend is the label.
  return h(
    "fieldset",
    { className: "field", "aria-describedby": field.help ? `${id}-help` : undefined },
    h("legend", { className: field.required ? "req" : "" }, field.label),
    inner,
    helpOf(field, `${id}-help`),
  );
}

function table(field, id, strings) {
  const columns = field.columns;
  const head = h("tr", {}, columns.map((c) => h("th", { scope: "col", className: c.required ? "req" : "" }, c.label)));
  const row = h(
    "tr",
    {},
    columns.map((c, j) => h("td", {}, c.kind === "multiselect"
      ? h("select", { multiple: true, "aria-label": c.label }, optionsOf(c).map((o) => h("option", {}, o)))
      : (() => { const el = control(c, `${id}-r0-c${j}`, strings); el.setAttribute("aria-label", c.label); return el; })())),
  );
  return group(field, id, strings, [
    h("div", { className: "table-wrap" }, h("table", { className: "table preview-table" }, h("thead", {}, head), h("tbody", {}, row))),
    h("button", { type: "button", className: "btn btn-ghost", disabled: true }, `+ ${strings.add_row}`),
  ]);
}

/** Draw the whole form into `root`. */
export function renderPreview(root, fields, strings) {
  root.replaceChildren();
  if (!fields.length) {
    root.append(h("p", { className: "muted" }, strings.preview_empty));
    return;
  }
  for (const field of fields) {
    const id = `pv-${field.uid}`;
    if (field.kind === "note") {
      root.append(h("div", { className: "field preview-note" }, h("p", { className: "note-title" }, field.label), helpOf(field, `${id}-help`)));
    } else if (field.kind === "multiselect") {
      root.append(group(field, id, strings, optionsOf(field).map((o, i) =>
        h("label", { className: "check" }, h("input", { type: "checkbox", name: field.key, value: o, id: `${id}-${i}` }), o))));
    } else if (field.kind === "daterange") {
      root.append(group(field, id, strings, h("div", { className: "range" },
        h("label", { className: "small" }, strings.from, h("input", { type: "date" })),
        h("label", { className: "small" }, strings.to, h("input", { type: "date" })))));
    } else if (field.kind === "table") {
      root.append(table(field, id, strings));
    } else {
      const help = field.help ? `${id}-help` : "";
      root.append(h("div", { className: "field" }, labelFor(field, id), control(field, id, strings, help), helpOf(field, help)));
    }
  }
}
