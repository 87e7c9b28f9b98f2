"""Form definitions of ticket types: what a field is and how a client's definition is checked.

A form is an ordered list of :class:`FieldDef`. Definitions arrive as JSON from the form
designer (``parse_fields`` checks every rule and names the exact property that breaks it, such
as ``fields[1].columns[0].options``) and are stored as JSON with each form version
(``FieldDef.to_json`` / ``fields_from_json``). Submitted values are checked in
:mod:`servicetickets.forms.values`.

The checks are plain Python rather than a schema library so that every refusal carries the
exact path a designer UI can highlight.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from servicetickets.core.errors import Invalid
from servicetickets.core.text import check_text

FIELD_KINDS: tuple[str, ...] = (
    "text",
    "textarea",
    "number",
    "amount",
    "date",
    "datetime",
    "daterange",
    "select",
    "multiselect",
    "phone",
    "email",
    "member",
    "image",
    "file",
    "note",
    "table",
)

#: Kinds a detail table's columns may have (one value per cell, no uploads, no nesting).
COLUMN_KINDS: frozenset[str] = frozenset(
    {
        "text",
        "textarea",
        "number",
        "amount",
        "date",
        "datetime",
        "select",
        "multiselect",
        "phone",
        "email",
        "member",
    }
)

CHOICE_KINDS: frozenset[str] = frozenset({"select", "multiselect"})
BOUNDED_KINDS: frozenset[str] = frozenset({"number", "amount"})
UPLOAD_KINDS: frozenset[str] = frozenset({"image", "file"})

MAX_FIELDS = 100
MAX_COLUMNS = 20
MAX_OPTIONS = 100
OPTION_LENGTH = 100
KEY_LENGTH = 40
#: Numbers beyond this are refused so that sums and spreadsheet exports stay exact.
NUMBER_LIMIT = 10**15
LABEL_LENGTH = 60
HELP_LENGTH = 500
#: kind -> (default, largest allowed) for ``max_length`` and ``max_files``.
LENGTH_LIMITS: dict[str, tuple[int, int]] = {"text": (200, 500), "textarea": (5000, 5000)}
FILES_LIMITS: dict[str, tuple[int, int]] = {"image": (9, 20), "file": (5, 20)}

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PROPERTIES = frozenset(
    {
        "key",
        "label",
        "kind",
        "required",
        "help",
        "options",
        "min",
        "max",
        "max_length",
        "max_files",
        "columns",
    }
)


@dataclass(frozen=True)
class FieldDef:
    """One field of a form. ``columns`` are the sub-fields of a ``table``."""

    key: str
    label: str
    kind: str
    required: bool = False
    help: str = ""
    options: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    max_files: int | None = None
    columns: tuple[FieldDef, ...] = ()

    @property
    def takes_value(self) -> bool:
        """A ``note`` is static text; every other kind is an input."""
        return self.kind != "note"

    @property
    def length_limit(self) -> int:
        """The longest text accepted (the designer's ``max_length`` or the kind's default)."""
        if self.max_length is not None:
            return self.max_length
        return LENGTH_LIMITS.get(self.kind, LENGTH_LIMITS["text"])[0]

    @property
    def files_limit(self) -> int:
        """The most uploads accepted (the designer's ``max_files`` or the kind's default)."""
        if self.max_files is not None:
            return self.max_files
        return FILES_LIMITS.get(self.kind, FILES_LIMITS["file"])[0]

    def to_json(self) -> dict[str, Any]:
        """The stored form of the field; empty optional properties are left out."""
        out: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "required": self.required,
        }
        if self.help:
            out["help"] = self.help
        if self.options:
            out["options"] = list(self.options)
        for name in ("min", "max", "max_length", "max_files"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.columns:
            out["columns"] = [column.to_json() for column in self.columns]
        return out


def fields_from_json(raw: list[dict[str, Any]]) -> list[FieldDef]:
    """Load definitions stored by ``FieldDef.to_json`` (trusted: no checks)."""
    return [_from_json(item) for item in raw]


def _from_json(item: dict[str, Any]) -> FieldDef:
    return FieldDef(
        key=item["key"],
        label=item["label"],
        kind=item["kind"],
        required=item.get("required", False),
        help=item.get("help", ""),
        options=tuple(item.get("options", ())),
        min=item.get("min"),
        max=item.get("max"),
        max_length=item.get("max_length"),
        max_files=item.get("max_files"),
        columns=tuple(_from_json(column) for column in item.get("columns", ())),
    )


def parse_fields(raw: object, *, path: str = "fields") -> list[FieldDef]:
    """Check a form definition sent by a client and return it as ``FieldDef`` objects.

    Raises ``Invalid`` for the first broken rule, with ``field`` naming the property
    (``fields``, ``fields[3]``, ``fields[3].key``, ``fields[1].columns[0].options``).
    A property sent as ``null`` counts as not sent.
    """
    return _parse_list(raw, path, in_table=False)


def _parse_list(raw: object, path: str, *, in_table: bool) -> list[FieldDef]:
    limit = MAX_COLUMNS if in_table else MAX_FIELDS
    if not isinstance(raw, list):
        raise Invalid(_("Enter a list of fields."), field=path)
    if in_table and not raw:
        raise Invalid(_("Add at least one column."), field=path)
    if len(raw) > limit:
        raise Invalid(_("Add at most %(n)d fields.") % {"n": limit}, field=path)
    result: list[FieldDef] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        field = _parse_field(item, f"{path}[{index}]", in_table=in_table)
        if field.key in seen:
            raise Invalid(_("Another field already uses this key."), field=f"{path}[{index}].key")
        seen.add(field.key)
        result.append(field)
    return result


def _parse_field(item: object, path: str, *, in_table: bool) -> FieldDef:
    if not isinstance(item, dict):
        raise Invalid(_("Each field must be an object."), field=path)
    for name in item:
        if name not in _PROPERTIES:
            raise Invalid(_("Unknown property."), field=f"{path}.{name}")
    given = {name: value for name, value in item.items() if value is not None}

    key = _parse_key(given.get("key"), f"{path}.key")
    label = _parse_text(
        given.get("label"), f"{path}.label", LABEL_LENGTH, required=True, single_line=True
    )
    kind = _parse_kind(given.get("kind"), f"{path}.kind", in_table=in_table)

    required = given.get("required", False)
    if not isinstance(required, bool):
        raise Invalid(_("Must be true or false."), field=f"{path}.required")
    if required and kind == "note":
        raise Invalid(
            _("Description text takes no input, so it cannot be required."),
            field=f"{path}.required",
        )
    help_text = _parse_text(
        given.get("help", ""), f"{path}.help", HELP_LENGTH, required=False, single_line=False
    )

    def only_for(name: str, kinds: frozenset[str] | dict[str, Any], message: str) -> bool:
        if name in given and kind not in kinds:
            raise Invalid(message, field=f"{path}.{name}")
        return kind in kinds

    options: tuple[str, ...] = ()
    if only_for("options", CHOICE_KINDS, _("Only choice fields have options.")):
        options = _parse_options(given.get("options"), f"{path}.options")

    bounds: dict[str, float | None] = {"min": None, "max": None}
    if only_for("min", BOUNDED_KINDS, _("Only number and amount fields have a minimum.")):
        bounds["min"] = _parse_bound(given.get("min"), f"{path}.min")
    if only_for("max", BOUNDED_KINDS, _("Only number and amount fields have a maximum.")):
        bounds["max"] = _parse_bound(given.get("max"), f"{path}.max")
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        raise Invalid(
            _("Must be at least %(min)s.") % {"min": format_number(low)}, field=f"{path}.max"
        )

    max_length = None
    if only_for("max_length", LENGTH_LIMITS, _("Only text fields have a maximum length.")):
        max_length = _parse_limit(
            given.get("max_length"), f"{path}.max_length", LENGTH_LIMITS[kind][1]
        )
    max_files = None
    if only_for(
        "max_files", FILES_LIMITS, _("Only image and attachment fields have a file limit.")
    ):
        max_files = _parse_limit(given.get("max_files"), f"{path}.max_files", FILES_LIMITS[kind][1])

    columns: tuple[FieldDef, ...] = ()
    if only_for("columns", frozenset({"table"}), _("Only tables have columns.")):
        columns = tuple(_parse_list(given.get("columns", []), f"{path}.columns", in_table=True))

    return FieldDef(
        key=key,
        label=label,
        kind=kind,
        required=required,
        help=help_text,
        options=options,
        min=low,
        max=high,
        max_length=max_length,
        max_files=max_files,
        columns=columns,
    )


def _parse_key(value: object, path: str) -> str:
    if value is None:
        raise Invalid(_("This field is required."), field=path)
    if not isinstance(value, str) or not KEY_RE.match(value):
        raise Invalid(
            _(
                "A key starts with a lowercase letter and has only lowercase letters, digits "
                "and underscores, at most %(n)d characters."
            )
            % {"n": KEY_LENGTH},
            field=path,
        )
    return value


def _parse_text(value: object, path: str, limit: int, *, required: bool, single_line: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("Enter text."), field=path)
    value = value.strip()
    check_text(value, field=path, single_line=single_line)
    if required and not value:
        raise Invalid(_("This field is required."), field=path)
    if len(value) > limit:
        raise Invalid(_("Must be at most %(n)d characters.") % {"n": limit}, field=path)
    return value


def _parse_kind(value: object, path: str, *, in_table: bool) -> str:
    if value is None:
        raise Invalid(_("This field is required."), field=path)
    if not isinstance(value, str) or value not in FIELD_KINDS:
        raise Invalid(_("Choose one of the field kinds."), field=path)
    if in_table and value not in COLUMN_KINDS:
        raise Invalid(_("A table column cannot be of this kind."), field=path)
    return value


def _parse_options(value: object, path: str) -> tuple[str, ...]:
    if value is None or value == []:
        raise Invalid(_("Add at least one option."), field=path)
    if not isinstance(value, list):
        raise Invalid(_("Enter a list of options."), field=path)
    if len(value) > MAX_OPTIONS:
        raise Invalid(_("Add at most %(n)d options.") % {"n": MAX_OPTIONS}, field=path)
    options: list[str] = []
    for index, option in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(option, str):
            raise Invalid(_("Enter text."), field=where)
        option = option.strip()
        check_text(option, field=where, single_line=True)
        if not option:
            raise Invalid(_("This field is required."), field=where)
        if len(option) > OPTION_LENGTH:
            raise Invalid(
                _("Must be at most %(n)d characters.") % {"n": OPTION_LENGTH}, field=where
            )
        if option in options:
            raise Invalid(_("Options must be distinct."), field=where)
        options.append(option)
    return tuple(options)


def _parse_bound(value: object, path: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(_("Enter a number."), field=path)
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(_("Enter a number."), field=path)
    if abs(value) > NUMBER_LIMIT:
        raise Invalid(_("Enter a number of at most 15 digits."), field=path)
    return value


def _parse_limit(value: object, path: str, largest: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= largest:
        raise Invalid(
            _("Enter a whole number from %(min)d to %(max)d.") % {"min": 1, "max": largest},
            field=path,
        )
    return value


def format_number(value: float) -> str:
    """``5.0`` as ``5`` and ``2.5`` as ``2.5``, for messages that quote a bound."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
