"""Submitted values of a form: check a ticket's ``data`` against its form version.

``clean_data`` returns the normalised values to store (text trimmed, amounts as numbers with at
most two decimals, date-times with their offset, choices in the form's option order) and
raises ``Invalid`` for the first field in form order that breaks a rule, naming it by key or,
in a detail table, by ``key[row].column``. Whatever needs the database (does this user exist,
may the submitter attach these uploads) is asked of a ``DataContext`` the caller supplies, so
this module stays pure and fast to test.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.core.errors import Invalid
from servicetickets.core.text import check_text, one_newline_style
from servicetickets.forms.fields import NUMBER_LIMIT, FieldDef, format_number

MAX_ROWS = 200
EMAIL_LENGTH = 254

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
)
_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]+$")


class DataContext(Protocol):
    """What value checks need to ask of the database."""

    def member_exists(self, username: str) -> bool: ...

    def upload_problem(self, upload_ids: list[str], *, images_only: bool) -> str | None:
        """None when every id is an upload the submitter may attach (and an image, if
        ``images_only``); else a translated message."""
        ...


def clean_data(fields: Sequence[FieldDef], data: object, *, context: DataContext) -> dict[str, Any]:
    """Check a submission's ``data`` object against the form and return the cleaned values.

    Only fields that take a value and were given a non-empty value appear in the result, in
    form order. Keys the form does not know are refused first, then fields in form order.
    """
    if not isinstance(data, dict):
        raise Invalid(_("Enter an object of field values."), field="data")
    return _clean_object(fields, data, prefix="", context=context)


def upload_ids(fields: Sequence[FieldDef], cleaned: dict[str, Any]) -> list[str]:
    """Every upload id the image and attachment fields of ``cleaned`` refer to, once each."""
    ids: list[str] = []
    for field in fields:
        if field.kind in ("image", "file"):
            for upload_id in cleaned.get(field.key, ()):
                if upload_id not in ids:
                    ids.append(upload_id)
    return ids


def _clean_object(
    fields: Sequence[FieldDef], data: dict[Any, Any], *, prefix: str, context: DataContext
) -> dict[str, Any]:
    by_key = {field.key: field for field in fields}
    for key, value in data.items():
        field = by_key.get(key)
        if field is None:
            raise Invalid(_("Unknown field."), field=f"{prefix}{key}")
        if not field.takes_value and not _is_empty(value):
            raise Invalid(_("This field takes no value."), field=f"{prefix}{key}")
    cleaned: dict[str, Any] = {}
    for field in fields:
        if not field.takes_value:
            continue
        path = f"{prefix}{field.key}"
        value = data.get(field.key)
        if field.kind == "daterange" and _is_blank_pair(value):
            value = None
        if _is_empty(value):
            if field.required:
                raise Invalid(_("This field is required."), field=path)
            continue
        cleaned[field.key] = _CLEANERS[field.kind](field, value, path, context)
    return cleaned


def _is_empty(value: object) -> bool:
    if value is None or value == []:
        return True
    return isinstance(value, str) and not value.strip()


def _is_blank_pair(value: object) -> bool:
    """A date range whose two inputs were both left blank, as a form posts it."""
    return isinstance(value, list) and bool(value) and all(_is_empty(item) for item in value)


# --- text ---------------------------------------------------------------------------------


def _clean_text(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    if not isinstance(value, str):
        raise Invalid(_("Enter text."), field=path)
    text = value.strip()
    multi_line = field.kind == "textarea"
    if multi_line:
        text = one_newline_style(text)
    check_text(text, field=path, single_line=not multi_line)
    if len(text) > field.length_limit:
        raise Invalid(
            _("Must be at most %(n)d characters.") % {"n": field.length_limit}, field=path
        )
    return text


def _clean_phone(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    if not isinstance(value, str):
        raise Invalid(_("Enter a phone number."), field=path)
    phone = " ".join(value.split())
    digits = sum(char.isdigit() for char in phone)
    if not _PHONE_RE.match(phone) or not 3 <= digits <= 15:
        raise Invalid(_("Enter a valid phone number."), field=path)
    return phone


def _clean_email(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    if not isinstance(value, str):
        raise Invalid(_("Enter an email address."), field=path)
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(_("Enter a valid email address."), field=path) from None
    if len(email) > EMAIL_LENGTH:
        raise Invalid(_("Must be at most %(n)d characters.") % {"n": EMAIL_LENGTH}, field=path)
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_member(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    if not isinstance(value, str):
        raise Invalid(_("Enter a username."), field=path)
    username = value.strip()
    if not context.member_exists(username):
        raise Invalid(_("Unknown user."), field=path)
    return username


# --- numbers ------------------------------------------------------------------------------


def _clean_number(field: FieldDef, value: object, path: str, context: DataContext) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(_("Enter a number."), field=path)
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(_("Enter a number."), field=path)
    if abs(value) > NUMBER_LIMIT:
        raise Invalid(_("Enter a number of at most 15 digits."), field=path)
    if field.min is not None and value < field.min:
        raise Invalid(
            _("Must be at least %(min)s.") % {"min": format_number(field.min)}, field=path
        )
    if field.max is not None and value > field.max:
        raise Invalid(_("Must be at most %(max)s.") % {"max": format_number(field.max)}, field=path)
    return value


def _clean_amount(field: FieldDef, value: object, path: str, context: DataContext) -> float:
    number = _clean_number(field, value, path, context)
    exponent = Decimal(str(number)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise Invalid(_("Enter an amount with at most 2 decimal places."), field=path)
    if isinstance(number, float):
        return int(number) if number.is_integer() else round(number, 2)
    return number


# --- dates --------------------------------------------------------------------------------


def _parse_date(value: object, path: str) -> date:
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise Invalid(_("Enter a date as YYYY-MM-DD."), field=path)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("Enter a valid date."), field=path) from None


def _clean_date(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    return _parse_date(value, path).isoformat()


def _clean_datetime(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    if not isinstance(value, str) or not _DATETIME_RE.match(value.strip()):
        raise Invalid(_("Enter a date and time in ISO 8601 format."), field=path)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("Enter a valid date and time."), field=path) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment.isoformat()


def _clean_daterange(field: FieldDef, value: object, path: str, context: DataContext) -> list[str]:
    if not isinstance(value, list) or len(value) != 2:
        raise Invalid(_("Enter a date range as [start, end]."), field=path)
    start, end = _parse_date(value[0], path), _parse_date(value[1], path)
    if end < start:
        raise Invalid(_("The end must not be before the start."), field=path)
    return [start.isoformat(), end.isoformat()]


# --- choices ------------------------------------------------------------------------------


def _clean_select(field: FieldDef, value: object, path: str, context: DataContext) -> str:
    if not isinstance(value, str) or value.strip() not in field.options:
        raise Invalid(_("Choose one of the options."), field=path)
    return value.strip()


def _clean_multiselect(
    field: FieldDef, value: object, path: str, context: DataContext
) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise Invalid(_("Choose from the options."), field=path)
    chosen: set[str] = set()
    for item in items:
        if not isinstance(item, str) or item.strip() not in field.options:
            raise Invalid(_("Choose one of the options."), field=path)
        if item.strip() in chosen:
            raise Invalid(_("Choose each option at most once."), field=path)
        chosen.add(item.strip())
    return [option for option in field.options if option in chosen]


# --- uploads and tables -------------------------------------------------------------------


def _clean_uploads(field: FieldDef, value: object, path: str, context: DataContext) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise Invalid(_("Enter a list of upload ids."), field=path)
    ids = [item.strip() for item in value]
    if len(set(ids)) != len(ids):
        raise Invalid(_("Attach each file only once."), field=path)
    if len(ids) > field.files_limit:
        raise Invalid(_("Attach at most %(n)d files.") % {"n": field.files_limit}, field=path)
    problem = context.upload_problem(ids, images_only=field.kind == "image")
    if problem:
        raise Invalid(problem, field=path)
    return ids


def _clean_table(
    field: FieldDef, value: object, path: str, context: DataContext
) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise Invalid(_("Enter a list of rows."), field=path)
    if len(value) > MAX_ROWS:
        raise Invalid(_("Add at most %(n)d rows.") % {"n": MAX_ROWS}, field=path)
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            raise Invalid(_("Each row must be an object."), field=f"{path}[{index}]")
        rows.append(_clean_object(field.columns, row, prefix=f"{path}[{index}].", context=context))
    return rows


_Cleaner = Callable[[FieldDef, object, str, DataContext], Any]
_CLEANERS: dict[str, _Cleaner] = {
    "text": _clean_text,
    "textarea": _clean_text,
    "number": _clean_number,
    "amount": _clean_amount,
    "date": _clean_date,
    "datetime": _clean_datetime,
    "daterange": _clean_daterange,
    "select": _clean_select,
    "multiselect": _clean_multiselect,
    "phone": _clean_phone,
    "email": _clean_email,
    "member": _clean_member,
    "image": _clean_uploads,
    "file": _clean_uploads,
    "table": _clean_table,
}
