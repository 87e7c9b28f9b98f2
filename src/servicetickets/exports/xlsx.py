"""A streaming ``.xlsx`` writer on XlsxWriter's ``constant_memory`` mode: each row goes to a
temporary file as the next one starts, so memory stays flat whatever the number of rows.

Cells are typed by their Python value, never by their text: a ``str`` is always a text cell
(``write_string``, never ``write``: ``=1+1`` stays the text ``=1+1``, no formula is ever
written), ``int``/``float`` a number, ``bool`` a boolean, ``datetime``/``date`` (naive, already
in the wanted time zone) a date with a date format, ``None``, ``""`` or a non-finite number an
empty cell.

Several sheets may be written at the same time, each in row order; they are zipped on
``close``. Each finished row is turned into XML by ``_FastRowSheet``, XlsxWriter's worksheet
with a quicker row flush for the cells an export writes (same bytes, a fraction of the time).
The temporary files live in a folder of the workbook's own, removed by ``close`` and
``abort`` alike.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

# Excel's limits: longer text is cut, sheet names are at most 31 characters.
MAX_TEXT = 32767
MAX_SHEET_NAME = 31
# Excel's calendar starts in 1900 (and its first two months are off by a day).
_FIRST_DATE = date(1900, 3, 1)
_EPOCH = datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()

# Cell styles, by the numbers ``Column.number_style`` and ``Sheet.row(style=)`` take.
HEADER, DATE, DATETIME, DECIMAL, AMOUNT = 1, 2, 3, 4, 5
_STYLES: dict[int, dict[str, Any]] = {
    HEADER: {"bold": True},
    DATE: {"num_format": "yyyy\\-mm\\-dd"},
    DATETIME: {"num_format": "yyyy\\-mm\\-dd\\ hh:mm"},
    DECIMAL: {"num_format": "0.00"},
    AMOUNT: {"num_format": "#,##0.00"},
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Text XlsxWriter rewrites before writing it (control characters, ``_xHHHH_`` look-alikes,
# non-characters): such a cell takes XlsxWriter's own path.
_NEEDS_ESCAPES = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
# Excel's column names, computed once (all 16,384 of them: a few milliseconds).
_LETTERS = [xl_col_to_name(i) for i in range(16384)]


class _FastRowSheet(Worksheet):
    """XlsxWriter's worksheet with a quicker ``constant_memory`` row flush.

    XlsxWriter writes each finished row cell by cell through general code (a list of
    attributes, their escaping, two regular expressions per text); that was two thirds of an
    export's time. This flush writes the same XML for the cells an export has (text, numbers,
    dates: formatted or not), one ``write`` per row, and hands any other cell (a rich string,
    a boolean, text XlsxWriter must escape, a cell styled by its row or column) to
    XlsxWriter's own ``_write_cell``; rows with row settings or comments are flushed entirely
    by XlsxWriter. ``tests/exports/test_writer.py`` checks the bytes against XlsxWriter's."""

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row_num: int = self.previous_row  # type: ignore[has-type]  # set untyped by XlsxWriter
        cells = self.table.get(row_num)
        if not cells or row_num in self.row_info or row_num in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        self._write_row(row_num, None)
        out: list[str] = []
        line = str(row_num + 1)
        col_info = self.col_info
        letters = _LETTERS
        needs_escapes = _NEEDS_ESCAPES.search
        for col_num in sorted(cells):
            cell = cells[col_num]
            kind: type | None = type(cell)
            cell_format = cell.format
            if cell_format:
                style = f' s="{cell_format._get_xf_index()}"'
            else:
                info = col_info.get(col_num)
                if info is not None and info.column_format is not None:
                    kind = None  # styled by its column: XlsxWriter's path
                style = ""
            if kind is CellStringTuple:
                text = cell.string
                if not needs_escapes(text) and not (
                    text.startswith("<r>") and text.endswith("</r>")
                ):
                    preserve = (
                        ' xml:space="preserve"'
                        if text and (text[0].isspace() or text[-1].isspace())
                        else ""
                    )
                    if "&" in text or "<" in text or ">" in text:
                        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    out.append(
                        f'<c r="{letters[col_num]}{line}"{style} t="inlineStr">'
                        f"<is><t{preserve}>{text}</t></is></c>"
                    )
                    continue
            elif kind is CellNumberTuple or kind is CellDatetimeTuple:
                out.append(f'<c r="{letters[col_num]}{line}"{style}><v>{cell.number:.16G}</v></c>')
                continue
            if out:
                self.fh.write("".join(out))
                out.clear()
            self._write_cell(row_num, col_num, cell)
        out.append("</row>")
        self.fh.write("".join(out))
        self.table.clear()


def _serial(moment: datetime) -> float:
    """Excel's day number of a naive time (what ``write_datetime`` computes, at less cost)."""
    delta = moment - _EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def column_letters(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``."""
    return xl_col_to_name(index)


@dataclass(frozen=True)
class Column:
    """A column's width (in characters) and the style of its numbers (``DECIMAL``, …)."""

    width: float = 14
    number_style: int = 0


class Sheet:
    """One worksheet being written; rows must come in order, each once."""

    def __init__(
        self,
        worksheet: Worksheet,
        columns: Sequence[Column],
        formats: dict[int, Format],
        plain_run: Format,
    ) -> None:
        self.name = worksheet.name
        self._sheet = worksheet
        self._formats = formats
        self._number_formats = [formats.get(c.number_style) for c in columns]
        self._width = len(columns)
        self._rows = 0
        self._plain_run = plain_run
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, column.width)
        worksheet.freeze_panes(1, 0)

    @property
    def rows(self) -> int:
        return self._rows

    def header(self, titles: Sequence[str]) -> None:
        """The first row: bold titles."""
        self.row(list(titles), style=HEADER)

    def row(self, values: Sequence[Any], *, style: int = 0) -> None:
        r = self._rows
        self._rows += 1
        sheet = self._sheet
        # Bound methods, looked up once a row: this loop runs for every cell of the export.
        # XlsxWriter's undecorated writers (what its own ``write`` calls): the public ones only
        # add a check for "A1"-style arguments, a tenth of the time of a cell.
        write_string, write_number = sheet._write_string, sheet._write_number
        text_format = self._formats.get(style)
        number_formats = self._number_formats
        for i, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    if value[:3] == "<r>" and value[-4:] == "</r>":
                        self._rich_lookalike(r, i, value, text_format)
                    else:
                        write_string(r, i, value, text_format)
            elif value is None:
                continue
            elif kind is int or kind is float:
                if math.isfinite(value):
                    write_number(r, i, value, number_formats[i])
            elif kind is bool:
                sheet.write_boolean(r, i, value)
            elif kind is datetime:
                if value.tzinfo is not None:
                    raise ValueError("Convert times to naive local times before writing them.")
                if value.date() < _FIRST_DATE:  # before Excel's calendar: as text
                    write_string(r, i, f"{value:%Y-%m-%d %H:%M}")
                else:
                    write_number(r, i, _serial(value), self._formats[DATETIME])
            elif kind is date:
                if value < _FIRST_DATE:
                    write_string(r, i, f"{value:%Y-%m-%d}")
                else:
                    write_number(r, i, (value - _EPOCH_DATE).days, self._formats[DATE])
            else:
                raise TypeError(f"Cannot write a {kind.__name__} to a cell.")

    def _rich_lookalike(self, r: int, i: int, value: str, text_format: Format | None) -> None:
        """Text shaped ``<r>…</r>``: in ``constant_memory`` mode XlsxWriter takes such a string
        for the XML of a rich string and writes it unescaped, which would spoil the file. As a
        rich string of two plain runs it is escaped like any text and reads back unchanged."""
        if len(value) > MAX_TEXT // 2:  # rich strings are refused, not cut, past the limit
            value = value.encode("utf-16-le")[: MAX_TEXT * 2].decode("utf-16-le", "ignore")
        parts: list[Any] = [value[:1], self._plain_run, value[1:]]
        if text_format is not None:
            parts.append(text_format)
        self._sheet.write_rich_string(r, i, *parts)

    def finish(self) -> None:
        """An auto-filter over the titles and the rows written."""
        if self._rows:
            self._sheet.autofilter(0, 0, self._rows - 1, max(self._width - 1, 0))


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no ``[]:*?/\\``, at most 31 characters."""
    cleaned = _BAD_SHEET_CHARS.sub(" ", name).strip().strip("'")
    return cleaned[:MAX_SHEET_NAME] or "Sheet"


class Workbook:
    """Write sheets to ``target`` (a path or a binary file open for writing).

    ``add_sheet`` gives the sheets in their order. Each is written to a temporary file as its
    rows come (sheets may be written at the same time) and compressed into the zip on
    ``close``; a sheet past the zip's 2 GB limit is stored with ZIP64."""

    def __init__(self, target: str | IO[bytes]) -> None:
        self._folder = tempfile.mkdtemp(prefix="xlsx-")
        self._book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "tmpdir": self._folder,
                # Text stays text: write() is never used, and these keep it so if it were.
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "use_zip64": True,
            },
        )
        # One Format per style for the whole workbook, and a plain run for rich strings.
        self._formats = {n: self._book.add_format(props) for n, props in _STYLES.items()}
        self._plain_run = self._book.add_format()
        self._sheets: list[Sheet] = []

    def add_sheet(self, name: str, columns: Sequence[Column]) -> Sheet:
        name = sheet_name(name)
        if any(s.name.casefold() == name.casefold() for s in self._sheets):
            raise ValueError(f"Two sheets named {name!r}.")
        worksheet = self._book.add_worksheet(name, worksheet_class=_FastRowSheet)
        sheet = Sheet(worksheet, columns, self._formats, self._plain_run)
        self._sheets.append(sheet)
        return sheet

    def close(self) -> None:
        try:
            for sheet in self._sheets:
                sheet.finish()
            self._book.close()
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

    def abort(self) -> None:
        """Give up: free the temporary files; nothing is written to the target."""
        shutil.rmtree(self._folder, ignore_errors=True)
