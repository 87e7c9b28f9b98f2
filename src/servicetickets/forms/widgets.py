"""Form inputs on pages: a type's form as HTML inputs, and a posted form as the ``data`` object
``tickets.services.ticket_submit`` checks.

The page posts plain form fields named after the form keys (``f.<key>``; a detail table's cells
``f.<key>[<row>].<column>``; a date range's ends ``f.<key>.start`` / ``.end``; uploads as one
hidden ``f.<key>`` per upload id). :func:`data_from_post` turns them into the same JSON-like
object the API receives, converting nothing it cannot read: a number that does not parse is
passed on as text, so the one validation in ``forms.values`` refuses it and names the field.

:func:`form_view` builds what the templates draw (``forms/form.html`` and its
``forms/input_*.html``): each field with its input name, id, current value and the service's
error for it, found by the name ``forms.values`` gives errors (``key`` or ``key[row].column``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.http import QueryDict

from servicetickets.forms.fields import FieldDef

PREFIX = "f."
#: The row index placeholder of a detail table's blank row (replaced by the page script).
ROW_PLACEHOLDER = "__i__"

_INT_RE = re.compile(r"^[+-]?\d+$")

#: kind -> (input type, inputmode, autocomplete) for the kinds drawn as one ``<input>``.
_INPUTS: dict[str, tuple[str, str, str]] = {
    "text": ("text", "", ""),
    "number": ("number", "decimal", "off"),
    "amount": ("number", "decimal", "off"),
    "date": ("date", "", "off"),
    "datetime": ("datetime-local", "", "off"),
    "phone": ("tel", "tel", "tel"),
    "email": ("email", "email", "email"),
}
#: Choices drawn as radio buttons up to this many options, as a drop-down beyond.
RADIO_LIMIT = 6


def input_name(key: str) -> str:
    return f"{PREFIX}{key}"


def cell_name(key: str, row: int | str, column: str) -> str:
    return f"{PREFIX}{key}[{row}].{column}"


# --- posted form -> data ------------------------------------------------------------------


def data_from_post(fields: Sequence[FieldDef], post: QueryDict) -> dict[str, Any]:
    """The submission's ``data`` object from a posted page form (see the module docstring)."""
    data: dict[str, Any] = {}
    for definition in fields:
        if not definition.takes_value:
            continue
        name = input_name(definition.key)
        if definition.kind == "table":
            data[definition.key] = _table_from_post(definition, name, post)
        else:
            data[definition.key] = _value_from_post(definition, name, post)
    return data


def _value_from_post(definition: FieldDef, name: str, post: QueryDict) -> Any:
    kind = definition.kind
    if kind in ("number", "amount"):
        return _number(post.get(name, ""))
    if kind == "daterange":
        return [post.get(f"{name}.start", ""), post.get(f"{name}.end", "")]
    if kind == "multiselect":
        return post.getlist(name)
    if kind in ("image", "file"):
        return [item for item in post.getlist(name) if item.strip()]
    return post.get(name, "")


def _number(text: str) -> int | float | str | None:
    """The number typed, or the text itself when it is not one (the service says so)."""
    text = text.strip()
    if not text:
        return None
    if _INT_RE.match(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _table_from_post(definition: FieldDef, name: str, post: QueryDict) -> list[dict[str, Any]]:
    """The table's rows in the order of their indexes (rows removed on the page leave gaps);
    rows left wholly blank are dropped, as a person adding one by mistake would expect."""
    pattern = re.compile(re.escape(name) + r"\[(\d{1,6})\]\.")
    indexes = sorted({int(m.group(1)) for key in post if (m := pattern.match(key))})
    rows: list[dict[str, Any]] = []
    for index in indexes:
        row = {
            column.key: _value_from_post(column, cell_name(definition.key, index, column.key), post)
            for column in definition.columns
            if column.takes_value
        }
        if any(not _blank(value) for value in row.values()):
            rows.append(row)
    return rows


def _blank(value: Any) -> bool:
    if value is None or value == []:
        return True
    return isinstance(value, str) and not value.strip()


# --- data -> what the templates draw ------------------------------------------------------


@dataclass
class Input:
    """One field of the form as drawn: where it posts, what it shows, what went wrong."""

    field: FieldDef
    name: str
    id: str
    value: Any = None
    error: str | None = None
    #: image / attachment: the uploads already made (objects with ``pk``, ``name``, ``size``,
    #: ``is_image``).
    uploads: list[Any] = dc_field(default_factory=list)
    #: detail table: each row's cells, and a blank row for the page script to copy.
    rows: list[Row] = dc_field(default_factory=list)
    blank_row: Row | None = None

    @property
    def template(self) -> str:
        kind = self.field.kind
        if kind in _INPUTS:
            return "forms/input_text.html"
        if kind == "select":
            return "forms/input_select.html"
        if kind in ("image", "file"):
            return "forms/input_upload.html"
        if kind in ("textarea", "daterange", "multiselect", "member", "note", "table"):
            return f"forms/input_{kind}.html"
        return "forms/input_text.html"

    @property
    def input_type(self) -> str:
        return _INPUTS.get(self.field.kind, _INPUTS["text"])[0]

    @property
    def inputmode(self) -> str:
        return _INPUTS.get(self.field.kind, _INPUTS["text"])[1]

    @property
    def autocomplete(self) -> str:
        return _INPUTS.get(self.field.kind, _INPUTS["text"])[2]

    @property
    def step(self) -> str:
        return {"number": "any", "amount": "0.01"}.get(self.field.kind, "")

    @property
    def maxlength(self) -> int | None:
        return self.field.length_limit if self.field.kind in ("text", "textarea") else None

    @property
    def radios(self) -> bool:
        return len(self.field.options) <= RADIO_LIMIT

    @property
    def chosen(self) -> list[str]:
        """The chosen options of a choice field (one for a single choice)."""
        if isinstance(self.value, list):
            return [str(item) for item in self.value]
        return [str(self.value)] if self.value not in (None, "") else []

    @property
    def text(self) -> str:
        """The value as an input's ``value`` attribute shows it."""
        if self.value is None or isinstance(self.value, list | dict):
            return ""
        return str(self.value)

    @property
    def range_start(self) -> str:
        return self._end(0)

    @property
    def range_end(self) -> str:
        return self._end(1)

    def _end(self, index: int) -> str:
        value = self.value
        if isinstance(value, list) and len(value) > index and isinstance(value[index], str):
            return value[index]
        return ""

    @property
    def accept(self) -> str:
        return "image/png,image/jpeg,image/gif,image/webp" if self.field.kind == "image" else ""


@dataclass
class Row:
    index: int | str
    cells: list[Input]
    error: str | None = None

    @property
    def number(self) -> int | str:
        """The row's number as people count (1-based); the placeholder for the blank row."""
        return self.index + 1 if isinstance(self.index, int) else self.index


@dataclass
class FormView:
    inputs: list[Input]
    #: Errors that name no field drawn here (a whole-form error, or a tampered post).
    other_errors: list[str]


UploadLookup = Callable[[list[str]], list[Any]]


def form_view(
    fields: Sequence[FieldDef],
    *,
    data: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    uploads: UploadLookup | None = None,
) -> FormView:
    """The form drawn with ``data`` (as posted) and the service's ``errors`` beside their fields."""
    data = data or {}
    errors = dict(errors or {})
    claimed: set[str] = set()

    def error_for(path: str) -> str | None:
        if path in errors:
            claimed.add(path)
            return errors[path]
        return None

    inputs: list[Input] = []
    for definition in fields:
        key = definition.key
        value = data.get(key)
        widget = Input(
            field=definition,
            name=input_name(key),
            id=f"f-{key}",
            value=value,
            error=error_for(key),
        )
        if definition.kind in ("image", "file") and isinstance(value, list) and uploads:
            widget.uploads = uploads([str(item) for item in value])
        if definition.kind == "table":
            rows = value if isinstance(value, list) else []
            widget.rows = [
                _row(definition, index, row if isinstance(row, dict) else {}, error_for)
                for index, row in enumerate(rows)
            ]
            widget.blank_row = _row(definition, ROW_PLACEHOLDER, {}, lambda path: None)
        inputs.append(widget)
    others = [message for path, message in errors.items() if path not in claimed]
    return FormView(inputs=inputs, other_errors=others)


def _row(
    definition: FieldDef,
    index: int | str,
    values: dict[str, Any],
    error_for: Callable[[str], str | None],
) -> Row:
    key = definition.key
    cells = [
        Input(
            field=column,
            name=cell_name(key, index, column.key),
            id=f"f-{key}-{index}-{column.key}",
            value=values.get(column.key),
            error=error_for(f"{key}[{index}].{column.key}"),
        )
        for column in definition.columns
    ]
    return Row(index=index, cells=cells, error=error_for(f"{key}[{index}]"))
