"""A streaming ``.xlsx`` writer on XlsxWriter's ``constant_memory`` mode: each row goes to a
temporary file as the next one starts, so memory stays flat whatever the number of rows.

Cells are typed by their Python value, never by their text: a ``str`` is always a text cell
(``write_string``, never ``write``: ``=1+1`` stays the text ``=1+1``, no formula is ever
written), ``int``/``float`` a number, ``bool`` a boolean, ``datetime``/``date`` (naive, already
in the wanted time zone) a date with a date format, ``None``, ``""`` or a non-finite number an
empty cell.

Several sheets may be written at the same time, each in row order; they are zipped on
``close``, at zlib level 1 (``COMPRESS_LEVEL``). A row of the cells an export writes is turned
into XML whole by ``Sheet.row`` and kept by ``_FastRowSheet``, XlsxWriter's worksheet, until
the next row comes; any other row goes through XlsxWriter's own writers and a quicker flush
(same bytes either way, a fraction of the time). The temporary files live in a folder of the
workbook's own, removed by ``close`` and ``abort`` alike.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import types
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
import xlsxwriter.workbook
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
# Text this short cannot pass Excel's limit of 32,767 UTF-16 units (longer text is measured
# and cut by XlsxWriter).
_SHORT_TEXT = MAX_TEXT // 2


class _FastRowSheet(Worksheet):
    """XlsxWriter's worksheet with quicker ``constant_memory`` rows.

    XlsxWriter stores each cell as a tuple (checking the sheet's bounds cell by cell) and
    writes each finished row cell by cell through general code (a list of attributes, their
    escaping, two regular expressions per text); that was most of an export's time. Two
    shortcuts write the same XML:

    - ``store_row``: a whole row already turned into XML by ``Sheet.row`` (text, numbers,
      dates, booleans), kept until the next row comes, like XlsxWriter keeps its cells;
    - the row flush writes the cells an export stores one by one (the titles, and rows with a
      cell the quick path leaves to XlsxWriter) in one ``write`` per row, and hands any other
      cell (a rich string, text XlsxWriter must escape, a cell styled by its column) to
      XlsxWriter's own ``_write_cell``; rows with row settings or comments are flushed
      entirely by XlsxWriter.

    ``tests/exports/test_writer.py`` checks the bytes against XlsxWriter's."""

    _ready: tuple[int, str] | None = None
    _row_tail: str | None = None

    def row_open(self, row_num: int) -> str:
        """The ``<row …>`` tag XlsxWriter writes for a row without row settings."""
        tail = self._row_tail
        if tail is None:
            # XlsxWriter's own tag for the first row, written aside once: all that follows the
            # row number is the same for every such row.
            sheet: Any = self  # XlsxWriter's attributes are untyped
            handle, sheet.fh = sheet.fh, io.StringIO()
            try:
                self._write_row(0, None)
                tag = sheet.fh.getvalue()
            finally:
                sheet.fh = handle
            tail = self._row_tail = tag.removeprefix('<row r="1"')
        return f'<row r="{row_num + 1}"{tail}'

    def store_row(self, row_num: int, first_col: int, last_col: int, xml: str) -> None:
        """A whole row of cells ``first_col`` to ``last_col``, as its XML (``<row>`` included):
        one bounds check for the row, as XlsxWriter does for each of its cells."""
        sheet: Any = self  # XlsxWriter's attributes are untyped
        if row_num > sheet.previous_row:
            self._write_single_row(row_num)
        if sheet.dim_rowmin is None or row_num < sheet.dim_rowmin:
            sheet.dim_rowmin = row_num
        if sheet.dim_rowmax is None or row_num > sheet.dim_rowmax:
            sheet.dim_rowmax = row_num
        if sheet.dim_colmin is None or first_col < sheet.dim_colmin:
            sheet.dim_colmin = first_col
        if sheet.dim_colmax is None or last_col > sheet.dim_colmax:
            sheet.dim_colmax = last_col
        self._ready = (row_num, xml)

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row_num: int = self.previous_row  # type: ignore[has-type]  # set untyped by XlsxWriter
        ready = self._ready
        if ready is not None and ready[0] == row_num:
            self._ready = None
            self.previous_row = current_row_num
            self.fh.write(ready[1])
            self.table.clear()
            return
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


#: zlib's level for the package: 1 compresses a sheet's XML about three times faster than the
#: default 6, for a file about a third larger.
COMPRESS_LEVEL = 1


class _QuickZipFile(zipfile.ZipFile):
    """The zip file XlsxWriter packs the workbook into, at ``COMPRESS_LEVEL``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", COMPRESS_LEVEL)
        super().__init__(*args, **kwargs)


def _with_zip_file(method: Any, zip_file: type[zipfile.ZipFile]) -> Any:
    """``method`` reading ``zip_file`` as its global ``ZipFile``; ``method`` itself when it is
    not a plain function (a later XlsxWriter: packed at the default level, still correct)."""
    code = getattr(method, "__code__", None)
    if code is None or code.co_freevars or method.__defaults__ or method.__kwdefaults__:
        return method
    return types.FunctionType(code, {**method.__globals__, "ZipFile": zip_file}, method.__name__)


class _Book(xlsxwriter.Workbook):
    """XlsxWriter's workbook, packed with ``_QuickZipFile``. XlsxWriter has no option for the
    level: its own packing method runs unchanged, seeing ``_QuickZipFile`` as its ``ZipFile``
    (a copy of the method with that one name changed; XlsxWriter's module is not touched)."""

    _store_workbook = _with_zip_file(xlsxwriter.Workbook._store_workbook, _QuickZipFile)


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
        worksheet: _FastRowSheet,
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
        # The ` s="…"` of each column's numbers and of each style, found on first use (when
        # XlsxWriter would number the format: the styles part stays the same).
        self._number_styles: list[str | None] = [
            None if f is not None else "" for f in self._number_formats
        ]
        self._styles: dict[int, str] = {}
        self._quick = self.quick_rows and all(
            info.column_format is None for info in worksheet.col_info.values()
        )

    #: Rows written by ``_row_xml`` (tests turn it off to compare with XlsxWriter's writing).
    quick_rows = True

    @property
    def rows(self) -> int:
        return self._rows

    def header(self, titles: Sequence[str]) -> None:
        """The first row: bold titles."""
        self.row(list(titles), style=HEADER)

    def row(self, values: Sequence[Any], *, style: int = 0) -> None:
        if style or not self._quick or not self._row_xml(values):
            self._row_by_cell(values, style)
        self._rows += 1

    # A format gets its number (the `s` of its cells) when XlsxWriter first writes a cell of it:
    # until then its rows go through XlsxWriter, so the formats are numbered in the same order.

    def _number_style(self, index: int) -> str | None:
        found = self._number_formats[index]
        if found is not None and found.xf_index is None:
            return None
        style = "" if found is None else f' s="{found.xf_index}"'
        self._number_styles[index] = style
        return style

    def _style(self, number: int) -> str | None:
        index = self._formats[number].xf_index
        if index is None:
            return None
        style = self._styles[number] = f' s="{index}"'
        return style

    def _row_xml(self, values: Sequence[Any]) -> bool:
        """The row's XML in one go, for the worksheet to keep until the next row; False (and
        nothing written) when a cell needs XlsxWriter's own writing: text it must escape or
        cut, text shaped like a rich string, a date outside Excel's calendar, a value of
        another type. Same cells and bytes as ``_row_by_cell`` then XlsxWriter's flush."""
        r = self._rows
        if r >= self._sheet.xls_rowmax or len(values) > self._sheet.xls_colmax:
            return False
        line = str(r + 1)
        letters = _LETTERS
        needs_escapes = _NEEDS_ESCAPES.search
        styles = self._styles
        number_styles = self._number_styles
        out = [""]  # the <row> tag, once the row is known to have cells
        first = -1
        i = -1
        for value in values:
            i += 1
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if (
                    len(value) > _SHORT_TEXT
                    or needs_escapes(value)
                    or (value[:3] == "<r>" and value[-4:] == "</r>")
                ):
                    return False
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                if value[0].isspace() or value[-1].isspace():
                    out.append(
                        f'<c r="{letters[i]}{line}" t="inlineStr">'
                        f'<is><t xml:space="preserve">{value}</t></is></c>'
                    )
                else:
                    out.append(
                        f'<c r="{letters[i]}{line}" t="inlineStr"><is><t>{value}</t></is></c>'
                    )
            elif value is None:
                continue
            elif kind is int or kind is float:
                if not math.isfinite(value):
                    continue
                number_style = number_styles[i]
                if number_style is None:
                    number_style = self._number_style(i)
                    if number_style is None:
                        return False
                out.append(f'<c r="{letters[i]}{line}"{number_style}><v>{value:.16G}</v></c>')
            elif kind is datetime:
                if value.tzinfo is not None:
                    raise ValueError("Convert times to naive local times before writing them.")
                style = styles.get(DATETIME) or self._style(DATETIME)
                if style is None or value.date() < _FIRST_DATE:
                    return False
                out.append(f'<c r="{letters[i]}{line}"{style}><v>{_serial(value):.16G}</v></c>')
            elif kind is date:
                style = styles.get(DATE) or self._style(DATE)
                if style is None or value < _FIRST_DATE:
                    return False
                out.append(
                    f'<c r="{letters[i]}{line}"{style}><v>{(value - _EPOCH_DATE).days:.16G}</v></c>'
                )
            elif kind is bool:
                out.append(f'<c r="{letters[i]}{line}" t="b"><v>{1 if value else 0}</v></c>')
            else:
                return False
            if first < 0:
                first = i
            last = i
        if first < 0:
            return True  # no cells: nothing written, as XlsxWriter writes nothing
        out[0] = self._sheet.row_open(r)
        out.append("</row>")
        self._sheet.store_row(r, first, last, "".join(out))
        return True

    def _row_by_cell(self, values: Sequence[Any], style: int) -> None:
        """The row cell by cell through XlsxWriter's writers (the titles, and rows the quick
        path leaves to it)."""
        r = self._rows
        sheet = self._sheet
        # XlsxWriter's undecorated writers (what its own ``write`` calls): the public ones only
        # add a check for "A1"-style arguments.
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
        self._book = _Book(
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
        assert isinstance(worksheet, _FastRowSheet)
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
