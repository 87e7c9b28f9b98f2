"""Submitted values shown read-only: every field kind of a ticket's own form version.

:func:`display_view` prepares what ``forms/display.html`` draws (one query for the uploads and
one for the members the values name); :func:`render_display` renders it. The input side of
forms lives in ``forms.widgets`` and ``forms/input_*.html``.

Everything is escaped (autoescape on; the values are user data).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString

from servicetickets.accounts.models import User
from servicetickets.forms.fields import FieldDef, format_number
from servicetickets.uploads.models import Upload


@dataclass(frozen=True)
class FileShown:
    """An uploaded picture or file, linked to its download (404 for whoever may not see it)."""

    id: str
    name: str
    url: str
    is_image: bool
    size: int | None
    missing: bool = False


@dataclass(frozen=True)
class MemberShown:
    username: str
    name: str
    deleted: bool


@dataclass
class ValueShown:
    """One value as drawn: ``kind`` picks the template branch; ``value`` is ready to print
    (text), or a list of texts (multiple choice), files, a member, or a table."""

    kind: str
    value: Any = None
    empty: bool = False


@dataclass
class TableShown:
    columns: list[FieldDef]
    rows: list[list[ValueShown]] = field(default_factory=list)


@dataclass
class FieldShown:
    field: FieldDef
    shown: ValueShown


def upload_url(upload_id: str) -> str:
    """Where a ticket's file is fetched: the uploads API, which checks the viewer again."""
    return reverse("api:download_upload", kwargs={"upload_id": upload_id})


def files_of(ids: Iterable[str]) -> dict[str, FileShown]:
    """The uploads named by ``ids`` as drawn (one query); an id whose row is gone is shown as
    missing rather than hiding that something was attached."""
    wanted = [str(i) for i in ids]
    rows = {str(u.pk): u for u in Upload.objects.filter(pk__in=_valid_uuids(wanted))}
    out: dict[str, FileShown] = {}
    for upload_id in wanted:
        row = rows.get(upload_id)
        if row is None:
            out[upload_id] = FileShown(upload_id, "", "", False, None, missing=True)
        else:
            out[upload_id] = FileShown(
                upload_id, row.name, upload_url(upload_id), row.is_image, row.size
            )
    return out


def _valid_uuids(ids: list[str]) -> list[str]:
    valid = []
    for i in ids:
        try:
            uuid.UUID(i)
        except ValueError:
            continue
        valid.append(i)
    return valid


def _collect(
    fields: Sequence[FieldDef], data: dict[str, Any], uploads: set[str], names: set[str]
) -> None:
    """The upload ids and usernames the values name (to read them in one query each)."""
    for f in fields:
        value = data.get(f.key)
        if value in (None, "", []):
            continue
        if f.kind in ("image", "file") and isinstance(value, list):
            uploads.update(str(v) for v in value)
        elif f.kind == "member" and isinstance(value, str):
            names.add(value)
        elif f.kind == "table" and isinstance(value, list):
            for row in value:
                if isinstance(row, dict):
                    _collect(f.columns, row, uploads, names)


def display_view(fields: Sequence[FieldDef], data: dict[str, Any]) -> list[FieldShown]:
    """Each field of the form in form order with its value as drawn (a field left empty is
    shown empty; a static text shows its text)."""
    upload_ids: set[str] = set()
    usernames: set[str] = set()
    _collect(fields, data, upload_ids, usernames)
    files = files_of(sorted(upload_ids)) if upload_ids else {}
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    return [FieldShown(f, _shown(f, data.get(f.key), files, people)) for f in fields]


def _shown(
    f: FieldDef, value: Any, files: dict[str, FileShown], people: dict[str, User]
) -> ValueShown:
    if f.kind == "note":
        return ValueShown("note", f.help)
    if value is None or value == "" or value == []:
        return ValueShown(f.kind, empty=True)
    kind = f.kind
    if kind in ("image", "file"):
        return ValueShown(kind, [files[str(i)] for i in value if str(i) in files])
    if kind == "member":
        user = people.get(str(value))
        if user is None:
            return ValueShown(kind, MemberShown(str(value), str(value), deleted=True))
        return ValueShown(kind, MemberShown(user.username, user.display_name, not user.is_active))
    if kind == "multiselect":
        return ValueShown(kind, [str(v) for v in value] if isinstance(value, list) else [value])
    if kind == "table":
        table = TableShown(list(f.columns))
        for row in value if isinstance(value, list) else []:
            row = row if isinstance(row, dict) else {}
            table.rows.append([_shown(c, row.get(c.key), files, people) for c in f.columns])
        return ValueShown(kind, table)
    return ValueShown(kind, _text(kind, value))


def _text(kind: str, value: Any) -> str:
    """A simple value as text in the reader's language and time zone."""
    try:
        if kind == "amount" and isinstance(value, int | float):
            return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
        if kind == "number" and isinstance(value, int | float):
            return format_number(value)
        if kind == "date" and isinstance(value, str):
            return date.fromisoformat(value).isoformat()
        if kind == "datetime" and isinstance(value, str):
            moment = datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
        if kind == "daterange" and isinstance(value, list) and len(value) == 2:
            return f"{value[0]} \u2013 {value[1]}"
    except ValueError:
        pass  # stored by an older rule: show it as it is rather than fail the page
    return str(value)


def render_display(fields: Sequence[FieldDef], data: dict[str, Any]) -> SafeString:
    """The read-only form as HTML (escaped), for a page to place with ``{{ … }}``."""
    return SafeString(render_to_string("forms/display.html", {"shown": display_view(fields, data)}))


def render_files(files: Sequence[FileShown]) -> SafeString:
    """Pictures as thumbnails and other files as links (a result's or a comment's files)."""
    return SafeString(render_to_string("forms/display_files.html", {"files": files}))
