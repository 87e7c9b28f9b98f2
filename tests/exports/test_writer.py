"""The streaming workbook writer, read back with openpyxl: cells keep their type and value."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from servicetickets.exports import xlsx
from servicetickets.exports.xlsx import AMOUNT, DECIMAL, Column, Workbook, column_letters
from tests.exports.conftest import as_excel_shows, read_xlsx

FORMULA_LIKE = [
    "=1+1",
    "+SUM(A1:A2)",
    "-2",
    "@x",
    "\t=x",
    "\r=x",
    "  =x",
    '=HYPERLINK("http://example.com","click")',
    "=cmd|' /C calc'!A0",
    " +cmd",
    "\t@x",
    "\r-1",
]


def _book(rows: list[list[Any]], columns: list[Column] | None = None) -> Any:
    out = io.BytesIO()
    book = Workbook(out)
    width = max(len(r) for r in rows)
    sheet = book.add_sheet("Sheet", columns or [Column()] * width)
    sheet.header([f"c{i}" for i in range(width)])
    for row in rows:
        sheet.row(row)
    book.close()
    return read_xlsx(out.getvalue())


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_stays_text(text: str) -> None:
    sheet = _book([[text]]).active

    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert as_excel_shows(cell.value) == text


def test_cells_keep_their_types_and_formats() -> None:
    moment, day = datetime(2026, 3, 4, 5, 6, 7), date(2026, 1, 2)
    columns = [Column(), Column(number_style=DECIMAL), Column(number_style=AMOUNT)] + [Column()] * 4
    sheet = _book([[7, 1.23456, 1234.5, moment, day, True, "7"]], columns).active

    integer, hours, amount, when, on, flag, text = sheet[2]
    assert (integer.data_type, integer.value) == ("n", 7)
    assert (hours.data_type, hours.value, hours.number_format) == ("n", 1.23456, "0.00")
    assert (amount.value, amount.number_format) == (1234.5, "#,##0.00")
    assert (when.data_type, when.value) == ("d", moment)
    assert "hh:mm" in when.number_format and "yyyy" in when.number_format
    assert (on.value, on.is_date, "hh" in on.number_format) == (datetime(2026, 1, 2), True, False)
    assert (flag.data_type, flag.value) == ("b", True)
    assert (text.data_type, text.value) == ("s", "7")


def test_markup_quotes_and_other_scripts_come_back_unchanged() -> None:
    values = ["<b>&amp;</b> \"quoted\" 'single'", "工单 ünïcode ✓", "line one\nline two"]
    sheet = _book([values]).active

    assert [c.value for c in sheet[2]] == values


def test_text_shaped_like_cell_markup_stays_text() -> None:
    # XlsxWriter's constant_memory mode would write a "<r>…</r>" string as raw XML.
    values = ["<r>x & y</r>", "<r><t>z</t></r>", "<r></r>"]
    sheet = _book([values]).active

    assert [(c.data_type, c.value) for c in sheet[2]] == [("s", v) for v in values]


def test_empty_values_leave_empty_cells() -> None:
    sheet = _book([["a", None, "", "d"]]).active

    assert [c.value for c in sheet[2]] == ["a", None, None, "d"]


def test_dates_before_excels_calendar_are_written_as_text() -> None:
    sheet = _book([[date(1899, 12, 31), datetime(1850, 1, 2, 3, 4)]]).active

    assert [(c.data_type, c.value) for c in sheet[2]] == [
        ("s", "1899-12-31"),
        ("s", "1850-01-02 03:04"),
    ]


def test_aware_times_are_refused() -> None:
    from datetime import UTC

    book = Workbook(io.BytesIO())
    sheet = book.add_sheet("S", [Column()])
    with pytest.raises(ValueError, match="naive"):
        sheet.row([datetime(2026, 1, 1, tzinfo=UTC)])
    book.abort()


def test_titles_are_bold_frozen_and_filterable() -> None:
    sheet = _book([["a", 1], ["b", 2]]).active

    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"


def test_sheets_keep_their_order_and_get_names_excel_accepts() -> None:
    out = io.BytesIO()
    book = Workbook(out)
    first = book.add_sheet("Tickets", [Column()])
    second = book.add_sheet("Detail: tables? [all]/x" + "y" * 40, [Column()])
    for n in range(3):  # written at the same time, each in order
        first.row([f"t{n}"])
        second.row([f"d{n}"])
    book.close()

    loaded = read_xlsx(out.getvalue())
    assert loaded.sheetnames[0] == "Tickets"
    name = loaded.sheetnames[1]
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert [r[0].value for r in loaded.worksheets[1].iter_rows()] == ["d0", "d1", "d2"]


def test_two_sheets_cannot_share_a_name() -> None:
    book = Workbook(io.BytesIO())
    book.add_sheet("Tickets", [Column()])
    with pytest.raises(ValueError, match="Two sheets"):
        book.add_sheet("tickets", [Column()])
    book.abort()


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters


def test_many_columns_land_in_their_places() -> None:
    values = list(range(60))
    sheet = _book([values]).active

    assert [c.value for c in sheet[2]] == values
    assert sheet.cell(row=2, column=60).coordinate == "BH2"


def _zip64_extra(info: zipfile.ZipInfo) -> bool:
    """Whether the entry carries ZIP64 sizes (extra field 0x0001)."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        if kind == 1:
            return True
        extra = extra[4 + size :]
    return False


def test_only_a_sheet_past_the_zip_limit_is_stored_with_zip64(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The limit is 2 GB; a small one stands in for it (the file must still open).
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)
    out = io.BytesIO()
    book = Workbook(out)
    big, small = book.add_sheet("Big", [Column()]), book.add_sheet("Small", [Column()])
    for n in range(1000):
        big.row([f"row {n}"])
    small.row(["one"])
    book.close()

    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        sheets = [z.getinfo(f"xl/worksheets/sheet{n}.xml") for n in (1, 2)]
    assert [_zip64_extra(info) for info in sheets] == [True, False]
    monkeypatch.undo()
    loaded = read_xlsx(out.getvalue())
    assert loaded.worksheets[0].max_row == 1000


# Every shape of cell an export writes, and text each rule of XlsxWriter's own row writing
# touches: escapes, kept spaces, control characters, ``_xHHHH_`` look-alikes, non-characters.
TRICKY_ROWS: list[list[Any]] = [
    [1, -2.5, 1 / 3, 1e20, 12345678901234567, 0.1 + 0.2, True, False, None, ""],
    [datetime(2026, 3, 4, 5, 6, 7, 890000), date(2026, 1, 2), date(1800, 1, 1), "工单 ✓ 𝄞"],
    ["<b>&amp;</b> \"q\" 'x'", " lead", "trail ", "ends\n", "\tx", "a\nb", "\u00a0nbsp"],
    ["ctl\x01\x1f", "_x0041_ text", "x\ufffe\uffff", "\r=x", "<r>x & y</r>", "<r></r>"],
    FORMULA_LIKE,
    [datetime(2026, 3, 4, 5, 6, 7, 890000), date(2026, 1, 2), "plain", 5, 2.5, " x", True],
    [None, "", None],
    [None, None, 1.5, "", "late start"],
    ["x" * 20000, "long text: measured and cut by XlsxWriter"],
]


def _sheet_xml(monkeypatch: pytest.MonkeyPatch, *, stock: bool) -> dict[str, bytes]:
    quick_rows: list[int] = []
    with monkeypatch.context() as patch:
        store_row = xlsx._FastRowSheet.store_row

        def counted(sheet: Any, row_num: int, *args: Any) -> None:
            quick_rows.append(row_num)
            store_row(sheet, row_num, *args)

        patch.setattr(xlsx._FastRowSheet, "store_row", counted)
        if stock:
            patch.setattr(xlsx._FastRowSheet, "_write_single_row", Worksheet._write_single_row)
            patch.setattr(xlsx.Sheet, "quick_rows", False)
        out = io.BytesIO()
        book = Workbook(out)
        columns = [Column(), Column(number_style=DECIMAL), Column(number_style=AMOUNT)]
        sheets = [book.add_sheet(name, columns + [Column()] * 12) for name in ("One", "Two")]
        for sheet in sheets:
            sheet.header(["a", " b", "c&d"])
        for _ in range(3):  # several rows, the two sheets written in turns
            for row in TRICKY_ROWS:
                for sheet in sheets:
                    sheet.row(row)
        book.close()
    # The quick rows were written (or, for XlsxWriter's own writing, none).
    assert bool(quick_rows) is not stock
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as files:
        return {
            n: files.read(n)
            for n in files.namelist()
            if n.startswith("xl/worksheets/") or n == "xl/styles.xml"
        }


def test_rows_are_written_exactly_as_xlsxwriter_writes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The quick row flush must not change a byte of what XlsxWriter itself would write.
    fast = _sheet_xml(monkeypatch, stock=False)
    stock = _sheet_xml(monkeypatch, stock=True)

    assert len(fast) == 3
    assert fast == stock


def test_the_package_is_compressed_at_the_quick_level() -> None:
    # XlsxWriter's packing runs with the quicker zlib level (a later XlsxWriter whose packing
    # cannot be given it would still write a valid file, only slower: this says so).
    assert xlsx._Book._store_workbook is not xlsxwriter.Workbook._store_workbook
    rows = [[f"text {n} " * 5, n, n / 7] for n in range(2000)]
    sizes = {}
    for level in (1, 9):
        out = io.BytesIO()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(xlsx, "COMPRESS_LEVEL", level)
            book = Workbook(out)
            sheet = book.add_sheet("S", [Column()] * 3)
            for row in rows:
                sheet.row(row)
            book.close()
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as files:
            info = files.getinfo("xl/worksheets/sheet1.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        sizes[level] = info.compress_size
    assert sizes[1] > sizes[9]
    assert read_xlsx(out.getvalue()).active.max_row == 2000
