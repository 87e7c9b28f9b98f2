"""The columns of an export: their titles (in the caller's language), widths and values.

Every export has the basic columns of SPEC.md §6 (plus the SLA ones); an export of one ticket
type adds a column per form field: the current version's fields in form order, then fields that
only older versions have (newest version first), so every ticket's answers have a column. Detail
tables get a count in the main sheet and their rows on a second sheet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicetickets.exports import cells
from servicetickets.exports.cells import Cell
from servicetickets.exports.xlsx import AMOUNT, DECIMAL, Column
from servicetickets.forms.fields import FieldDef
from servicetickets.tickets.models import Resolution, State, Ticket

#: What the main query reads of each ticket, in this order (``data`` only for one type).
TICKET_VALUES = (
    "number",
    "ticket_type__name",
    "ticket_type__deleted_at",
    "title",
    "state",
    "resolution",
    "requester__username",
    "requester__name",
    "assignee__username",
    "assignee__name",
    "processed_by__username",
    "processed_by__name",
    "submitted_at",
    "accepted_at",
    "processed_at",
    "closed_at",
    "return_count",
    "rating",
    "response_due_at",
    "processing_due_at",
)
(
    NUMBER,
    TYPE_NAME,
    TYPE_DELETED,
    TITLE,
    STATE,
    RESOLUTION,
    REQUESTER,
    REQUESTER_NAME,
    ASSIGNEE,
    ASSIGNEE_NAME,
    PROCESSOR,
    PROCESSOR_NAME,
    SUBMITTED,
    ACCEPTED,
    PROCESSED,
    CLOSED,
    RETURNS,
    RATING,
    RESPONSE_DUE,
    PROCESSING_DUE,
) = range(len(TICKET_VALUES))
DATA = len(TICKET_VALUES)

Row = tuple[Any, ...]


@dataclass(frozen=True)
class ExportColumn:
    title: str
    format: Column
    value: Callable[[Row], Cell]
    #: A form field's column: its key in the ticket's data and how its value becomes a cell
    #: (``value`` does the same from the row; the writer reads the data once per row instead).
    field: tuple[str, Callable[[object], Cell]] | None = None


def person(username: str | None, name: str | None) -> str | None:
    """``Alice (alice)``: readable, and still unique when two people share a name."""
    if username is None:
        return None
    return f"{name} ({username})" if name and name != username else username


def _time(index: int, zone: tzinfo) -> Callable[[Row], Cell]:
    return lambda row: cells.local_naive(row[index], zone)


def _hours(start: int, end: int) -> Callable[[Row], Cell]:
    return lambda row: cells.hours_between(row[start], row[end])


# Titles have the context "export column", so a translator can word them as headings.


def basic_columns(*, zone: tzinfo, now: datetime) -> list[ExportColumn]:
    states = {value: str(label) for value, label in State.choices}
    resolutions = {value: str(label) for value, label in Resolution.choices}
    deleted = _("%(name)s (deleted)")
    # One ticket reused to ask the model's own rule whether a row is overdue.
    scratch = Ticket()

    def type_name(row: Row) -> Cell:
        name: str = row[TYPE_NAME]
        return deleted % {"name": name} if row[TYPE_DELETED] is not None else name

    def overdue(row: Row) -> Cell:
        scratch.state = row[STATE]
        scratch.response_due_at = row[RESPONSE_DUE]
        scratch.processing_due_at = row[PROCESSING_DUE]
        return scratch.is_overdue(now)

    when, hours = Column(width=17), Column(width=12, number_style=DECIMAL)
    who = Column(width=20)
    return [
        ExportColumn(
            pgettext("export column", "Number"), Column(width=12), lambda row: row[NUMBER]
        ),
        ExportColumn(pgettext("export column", "Type"), Column(width=14), type_name),
        ExportColumn(pgettext("export column", "Title"), Column(width=40), lambda row: row[TITLE]),
        ExportColumn(
            pgettext("export column", "State"),
            Column(width=12),
            lambda row: states.get(row[STATE], row[STATE]),
        ),
        ExportColumn(
            pgettext("export column", "Resolution"),
            Column(width=12),
            lambda row: resolutions.get(row[RESOLUTION], ""),
        ),
        ExportColumn(
            pgettext("export column", "Requester"),
            who,
            lambda row: person(row[REQUESTER], row[REQUESTER_NAME]),
        ),
        ExportColumn(pgettext("export column", "Submitted at"), when, _time(SUBMITTED, zone)),
        ExportColumn(
            pgettext("export column", "Assignee"),
            who,
            lambda row: person(row[ASSIGNEE], row[ASSIGNEE_NAME]),
        ),
        ExportColumn(
            pgettext("export column", "Processed by"),
            who,
            lambda row: person(row[PROCESSOR], row[PROCESSOR_NAME]),
        ),
        ExportColumn(pgettext("export column", "Accepted at"), when, _time(ACCEPTED, zone)),
        ExportColumn(pgettext("export column", "Processed at"), when, _time(PROCESSED, zone)),
        ExportColumn(pgettext("export column", "Closed at"), when, _time(CLOSED, zone)),
        ExportColumn(
            pgettext("export column", "Response time (h)"), hours, _hours(SUBMITTED, ACCEPTED)
        ),
        ExportColumn(
            pgettext("export column", "Processing time (h)"), hours, _hours(SUBMITTED, PROCESSED)
        ),
        ExportColumn(
            pgettext("export column", "Return count"), Column(width=8), lambda row: row[RETURNS]
        ),
        ExportColumn(pgettext("export column", "Rating"), Column(width=8), lambda row: row[RATING]),
        ExportColumn(pgettext("export column", "Response due at"), when, _time(RESPONSE_DUE, zone)),
        ExportColumn(
            pgettext("export column", "Processing due at"), when, _time(PROCESSING_DUE, zone)
        ),
        ExportColumn(pgettext("export column", "Overdue"), Column(width=9), overdue),
    ]


# --- form fields -----------------------------------------------------------------------------


def merged_fields(versions: Sequence[Sequence[FieldDef]]) -> list[FieldDef]:
    """One field per key over a type's form versions, newest first: the newest definition of
    each key, in the newest form's order, then keys only older forms have. A detail table
    likewise gathers its columns over the versions. Description text (``note``) takes no
    value and has no column."""
    merged: dict[str, FieldDef] = {}
    for fields in versions:
        for field in fields:
            if not field.takes_value:
                continue
            known = merged.get(field.key)
            if known is None:
                merged[field.key] = field
            elif known.kind == "table" and field.kind == "table":
                seen = {column.key for column in known.columns}
                extra = tuple(column for column in field.columns if column.key not in seen)
                if extra:
                    merged[field.key] = dataclasses.replace(known, columns=known.columns + extra)
    return list(merged.values())


def _width(field: FieldDef) -> float:
    return {"textarea": 40, "date": 11, "datetime": 17, "table": 8}.get(field.kind, 18)


def _data_value(key: str, convert: Callable[[object], Cell]) -> Callable[[Row], Cell]:
    def value(row: Row) -> Cell:
        data = row[DATA]
        raw = data.get(key) if isinstance(data, dict) else None
        return None if raw is None else convert(raw)

    return value


def field_columns(
    field: FieldDef, *, zone: tzinfo, names: dict[str, str], source: int = DATA
) -> list[ExportColumn]:
    """The column(s) of one field, reading ``row[source]`` (the data, or a detail table's row)."""
    number_style = AMOUNT if field.kind == "amount" else 0
    if field.kind == "daterange":
        starts, ends = cells.range_end(0), cells.range_end(1)
        return [
            ExportColumn(
                _("%(label)s (from)") % {"label": field.label},
                Column(width=11),
                _read(source, field.key, starts),
                _field(source, field.key, starts),
            ),
            ExportColumn(
                _("%(label)s (to)") % {"label": field.label},
                Column(width=11),
                _read(source, field.key, ends),
                _field(source, field.key, ends),
            ),
        ]
    convert = cells.converter(field.kind, zone=zone, names=names)
    return [
        ExportColumn(
            field.label,
            Column(width=_width(field), number_style=number_style),
            _read(source, field.key, convert),
            _field(source, field.key, convert),
        )
    ]


def _field(
    source: int, key: str, convert: Callable[[object], Cell]
) -> tuple[str, Callable[[object], Cell]] | None:
    return (key, convert) if source == DATA else None


def _read(source: int, key: str, convert: Callable[[object], Cell]) -> Callable[[Row], Cell]:
    if source == DATA:
        return _data_value(key, convert)

    def value(row: Row) -> Cell:
        raw = row[source].get(key)
        return None if raw is None else convert(raw)

    return value


# --- the detail-table sheet ------------------------------------------------------------------

#: A row of the detail sheet: (ticket number, table label, row number, the row's values).
DETAIL_NUMBER, DETAIL_TABLE, DETAIL_ROW, DETAIL_VALUES = range(4)


@dataclass(frozen=True)
class DetailLayout:
    """The second sheet: number, table, row, then each table's columns side by side."""

    titles: list[str]
    formats: list[Column]
    # Per table key: where its columns start, and the columns reading a row of it.
    tables: dict[str, tuple[int, list[ExportColumn]]]


def detail_layout(
    tables: Sequence[FieldDef], *, zone: tzinfo, names: dict[str, str]
) -> DetailLayout:
    titles = [
        pgettext("export column", "Number"),
        pgettext("export column", "Table"),
        pgettext("export column", "Row"),
    ]
    formats = [Column(width=12), Column(width=16), Column(width=6)]
    placed: dict[str, tuple[int, list[ExportColumn]]] = {}
    for table in tables:
        columns: list[ExportColumn] = []
        for sub in table.columns:
            columns += field_columns(sub, zone=zone, names=names, source=DETAIL_VALUES)
        placed[table.key] = (len(titles), columns)
        for column in columns:
            title = column.title
            if len(tables) > 1:
                title = _("%(table)s: %(column)s") % {"table": table.label, "column": title}
            titles.append(title)
            formats.append(column.format)
    return DetailLayout(titles=titles, formats=formats, tables=placed)
