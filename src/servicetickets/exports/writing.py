"""Writing an export: the tickets in chunks, straight into a streaming workbook.

Memory stays flat whatever the number of tickets: the database cursor hands over ``CHUNK``
rows at a time, and the workbook writes each row out as it comes. The queries are a fixed few
for the whole export plus one file-name lookup per chunk when the form has image or attachment
fields; nothing is read per ticket.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from itertools import batched
from typing import IO

from django.utils.translation import pgettext

from servicetickets.exports import cells
from servicetickets.exports.columns import (
    DATA,
    NUMBER,
    ExportColumn,
    Row,
    basic_columns,
    detail_layout,
    field_columns,
)
from servicetickets.exports.selectors import ExportSource
from servicetickets.exports.xlsx import Sheet, Workbook
from servicetickets.forms.fields import UPLOAD_KINDS, FieldDef
from servicetickets.uploads.models import Upload

#: Tickets read and written per round trip (and per file-name lookup).
CHUNK = 2000
#: Upload ids per lookup query (well under SQLite's limit of bound parameters).
NAMES_PER_QUERY = 5000

Progress = Callable[[int], None]


def export_write(
    source: ExportSource,
    target: str | IO[bytes],
    *,
    progress: Progress | None = None,
) -> int:
    """Write ``source`` as an ``.xlsx`` to ``target``; return the number of tickets written.
    ``progress`` is told the count so far after each chunk."""
    names: dict[str, str] = {}
    columns = basic_columns(zone=source.zone, now=source.now)
    tables = [f for f in source.fields if f.kind == "table"]
    upload_keys = [f.key for f in source.fields if f.kind in UPLOAD_KINDS]
    for field in source.fields:
        columns += field_columns(field, zone=source.zone, names=names)

    book = Workbook(target)
    try:
        main = book.add_sheet(pgettext("export sheet", "Tickets"), [c.format for c in columns])
        main.header([c.title for c in columns])
        detail = _DetailSheet(book, tables, source, names) if tables else None
        written = 0
        for chunk in _chunks(source):
            if upload_keys:
                names.clear()
                names.update(_file_names(chunk, upload_keys))
            _write_rows(main, columns, chunk)
            if detail is not None:
                detail.write(chunk)
            written += len(chunk)
            if progress is not None:
                progress(written)
    except BaseException:
        book.abort()
        raise
    book.close()
    return written


def _chunks(source: ExportSource) -> Iterator[tuple[Row, ...]]:
    # One query; PostgreSQL streams it through a server-side cursor, SQLite fetches as it goes.
    yield from batched(source.rows.iterator(chunk_size=CHUNK), CHUNK)


def _write_rows(sheet: Sheet, columns: list[ExportColumn], chunk: Iterable[Row]) -> None:
    # The basic columns read the row; the form fields' columns (all after them) read the data,
    # looked up once per row rather than once per cell.
    split = next((n for n, c in enumerate(columns) if c.field is not None), len(columns))
    readers = [c.value for c in columns[:split]]
    fields = [c.field for c in columns[split:] if c.field is not None]
    if len(fields) != len(columns) - split:  # a basic column among them: each reads the row
        readers, fields = [c.value for c in columns], []
    row_out = sheet.row
    no_data: dict[str, object] = {}
    for row in chunk:
        values = [read(row) for read in readers]
        if fields:
            data = row[DATA]
            get = data.get if isinstance(data, dict) else no_data.get
            for key, convert in fields:
                raw = get(key)
                values.append(None if raw is None else convert(raw))
        row_out(values)


def _file_names(chunk: Iterable[Row], keys: list[str]) -> dict[str, str]:
    """The names of every upload the chunk's image and attachment fields refer to."""
    wanted: set[uuid.UUID] = set()
    for row in chunk:
        data = row[DATA]
        if not isinstance(data, dict):
            continue
        for key in keys:
            for upload_id in cells.upload_ids(data.get(key)):
                try:
                    wanted.add(uuid.UUID(upload_id))
                except ValueError:
                    continue
    names: dict[str, str] = {}
    for ids in batched(sorted(wanted), NAMES_PER_QUERY):
        for pk, name in Upload.objects.filter(pk__in=ids).values_list("pk", "name"):
            names[str(pk)] = name
    return names


class _DetailSheet:
    """The second sheet: one row per row of a detail table, after its ticket's number."""

    def __init__(
        self, book: Workbook, tables: list[FieldDef], source: ExportSource, names: dict[str, str]
    ) -> None:
        self.tables = tables
        self.layout = detail_layout(tables, zone=source.zone, names=names)
        self.sheet = book.add_sheet(pgettext("export sheet", "Detail tables"), self.layout.formats)
        self.sheet.header(self.layout.titles)
        self.width = len(self.layout.titles)

    def write(self, chunk: Iterable[Row]) -> None:
        for row in chunk:
            data = row[DATA]
            if not isinstance(data, dict):
                continue
            for table in self.tables:
                rows = data.get(table.key)
                if not isinstance(rows, list):
                    continue
                start, columns = self.layout.tables[table.key]
                for index, values in enumerate(rows, start=1):
                    if not isinstance(values, dict):
                        continue
                    line: list[cells.Cell] = [None] * self.width
                    line[0], line[1], line[2] = row[NUMBER], table.label, index
                    source = (row[NUMBER], table.label, index, values)
                    for offset, column in enumerate(columns):
                        line[start + offset] = column.value(source)
                    self.sheet.row(line)
