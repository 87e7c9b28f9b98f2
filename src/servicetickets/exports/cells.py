"""A ticket's stored values as spreadsheet cells.

Each form value becomes a cell by its field's kind (API.md "Values in a ticket's data"):
numbers stay numbers, dates and times become dates in the installation's time zone, choices
and file lists become text. A value that does not have its kind's shape (a field whose kind
changed between form versions, or a value written before a rule existed) is written by its
own shape instead, so nothing is lost: text as text, numbers as numbers. Text is always a text
cell, never a formula (``xlsx`` does that).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import date, datetime, tzinfo

from django.utils import timezone

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_SEPARATOR = ", "

Cell = str | int | float | bool | date | datetime | None


def local_naive(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """An aware time as the wall-clock time of ``zone``, as spreadsheets want it."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # what ``timezone.localtime`` refuses, without its other checks
        raise ValueError("localtime() cannot be applied to a naive datetime")
    return moment.astimezone(zone).replace(tzinfo=None)


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


_SCALARS = frozenset((str, int, float, bool))


def plain(value: object) -> Cell:
    """Any stored value by its own shape: text, a number, or a list of them as text."""
    if value is None or type(value) in _SCALARS or isinstance(value, str | bool | int | float):
        return value  # type: ignore[return-value]  # one of the scalars, checked above
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def number(value: object) -> Cell:
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[return-value]  # checked above
    return value if isinstance(value, int | float) and not isinstance(value, bool) else plain(value)


def day(value: object) -> Cell:
    if isinstance(value, str):
        found = _parse_day(value)
        if found is not None:
            return found
    return plain(value)


@functools.lru_cache(maxsize=4096)
def _parse_day(value: str) -> date | None:
    """A ``YYYY-MM-DD`` day (remembered: an export's days repeat a lot), or None."""
    if _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return None


def range_end(index: int) -> Callable[[object], Cell]:
    """The start (0) or end (1) of a ``[start, end]`` date range."""

    def pick(value: object) -> Cell:
        if isinstance(value, list) and len(value) == 2:
            return day(value[index])
        return plain(value) if index == 0 else None

    return pick


def moment_in(zone: tzinfo) -> Callable[[object], Cell]:
    @functools.lru_cache(maxsize=4096)  # one per export: a time's wall-clock time, remembered
    def local(value: str) -> Cell:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, zone)
        return local_naive(parsed, zone)

    def convert(value: object) -> Cell:
        if isinstance(value, str):
            return local(value)
        return plain(value)

    return convert


def row_count(value: object) -> Cell:
    """A detail table in the main sheet: how many rows it has (they are on the next sheet)."""
    return len(value) if isinstance(value, list) else plain(value)


def file_names(names: dict[str, str]) -> Callable[[object], Cell]:
    """Upload ids as the files' names, looked up in ``names`` (filled per chunk of tickets);
    an id without an upload is left out."""

    def convert(value: object) -> Cell:
        if isinstance(value, list):
            found = [names[item] for item in value if isinstance(item, str) and item in names]
            return LIST_SEPARATOR.join(found)
        return plain(value)

    return convert


def upload_ids(value: object) -> list[str]:
    """The ids an image or attachment value refers to (none for a value of another shape)."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def converter(kind: str, *, zone: tzinfo, names: dict[str, str]) -> Callable[[object], Cell]:
    """How a value of a field of ``kind`` becomes a cell (a date range: see ``range_end``)."""
    if kind in ("number", "amount"):
        return number
    if kind == "date":
        return day
    if kind == "datetime":
        return moment_in(zone)
    if kind in ("image", "file"):
        return file_names(names)
    if kind == "table":
        return row_count
    return plain
