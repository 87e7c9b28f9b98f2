"""The spreadsheet export of hostile tickets: no cell is a formula, text that starts like one
(``=``, ``+``, ``-``, ``@``, tab) is a text cell, and every text reads back exactly as stored."""

from __future__ import annotations

from typing import Any

from tests.exports.conftest import as_excel_shows, export
from tests.security.hostile.payloads import FORMULA_STARTS
from tests.security.hostile.world import HOSTILE_EMAIL, HOSTILE_PHONE, World


def test_the_export_has_no_formulas_and_keeps_every_text(world: World, api: Any) -> None:
    book = export(api, world.admin, type=world.kind.pk)  # with the form's columns
    sheet = book.worksheets[0]
    titles = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}

    assert set(rows) == {t.number for t in world.tickets}
    for sheet_ in book.worksheets:
        for row in sheet_.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)

    label = world.payload.fit(60).strip()
    for ticket in world.tickets:
        # Form columns share the hostile label, so cells are read as a list, not by title.
        shown = [
            as_excel_shows(c.value) if c.data_type == "s" else c.value for c in rows[ticket.number]
        ]
        assert shown[titles.index("Title")] == ticket.title
        assert shown[titles.index("Type")] == world.kind.name
        assert world.payload.text.strip() in shown  # the textarea, whole
        assert HOSTILE_EMAIL in shown
        assert HOSTILE_PHONE in shown
    assert label in titles  # field labels are column titles


def test_formula_like_values_are_text_cells(world: World, api: Any) -> None:
    """Each hostile value that a spreadsheet program would run reaches the file as text."""
    book = export(api, world.admin, type=world.kind.pk)
    formula_like = [
        cell
        for row in book.worksheets[0].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
    ]

    # At least the phone number, the e-mail address and the requester's username.
    assert len(formula_like) >= 3
    assert {cell.data_type for cell in formula_like} == {"s"}
