"""Exports read back as a spreadsheet program would: openpyxl on the bytes of the response."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import TicketTypeFactory
from tests.tickets.lifecycle import Cast

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The basic columns of every export, in English.
BASIC = [
    "Number",
    "Type",
    "Title",
    "State",
    "Resolution",
    "Requester",
    "Submitted at",
    "Assignee",
    "Processed by",
    "Accepted at",
    "Processed at",
    "Closed at",
    "Response time (h)",
    "Processing time (h)",
    "Return count",
    "Rating",
    "Response due at",
    "Processing due at",
    "Overdue",
]

#: A form with a field of every kind that takes a value, and a description text.
RICH_FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "intro", "label": "Please read", "kind": "note"},
    {"key": "details", "label": "Details", "kind": "textarea"},
    {"key": "count", "label": "Count", "kind": "number"},
    {"key": "cost", "label": "Cost", "kind": "amount"},
    {"key": "day", "label": "Day", "kind": "date"},
    {"key": "when", "label": "When", "kind": "datetime"},
    {"key": "stay", "label": "Stay", "kind": "daterange"},
    {"key": "room", "label": "Room", "kind": "select", "options": ["A", "B"]},
    {"key": "tools", "label": "Tools", "kind": "multiselect", "options": ["saw", "drill"]},
    {"key": "phone", "label": "Phone", "kind": "phone"},
    {"key": "mail", "label": "Mail", "kind": "email"},
    {"key": "buddy", "label": "Buddy", "kind": "member"},
    {"key": "photos", "label": "Photos", "kind": "image"},
    {"key": "files", "label": "Files", "kind": "file"},
    {
        "key": "parts",
        "label": "Parts",
        "kind": "table",
        "columns": [
            {"key": "part", "label": "Part", "kind": "text"},
            {"key": "qty", "label": "Qty", "kind": "number"},
            {"key": "due", "label": "Due", "kind": "date"},
        ],
    },
]
#: The columns the rich form adds, in form order (no column for the description text).
RICH_COLUMNS = [
    "Summary",
    "Details",
    "Count",
    "Cost",
    "Day",
    "When",
    "Stay (from)",
    "Stay (to)",
    "Room",
    "Tools",
    "Phone",
    "Mail",
    "Buddy",
    "Photos",
    "Files",
    "Parts",
]


@pytest.fixture(autouse=True)
def _export_root(settings: Settings, tmp_path: Path) -> None:
    """Each test's export files in a folder of its own."""
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def cast(people: People) -> Cast:
    return Cast(people)


@pytest.fixture
def rich_type(people: People) -> TicketType:
    return TicketTypeFactory(
        desk=people.desk, name="Rich", fields=RICH_FORM, handlers=[people.handler]
    )


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def as_excel_shows(text: str) -> str:
    """Text of a cell as Excel and LibreOffice show it: OOXML's ``_xHHHH_`` escapes (a
    carriage return is ``_x000D_``) decoded, which openpyxl leaves as they are."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def read_xlsx(content: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def export(api: Any, user: User, *, language: str = "en", **params: Any) -> Workbook:
    """``GET /tickets/export`` as ``user``; the workbook it answers with."""
    caller = api(user)
    r = caller.client.get(
        "/api/v1/tickets/export", params, HTTP_ACCEPT_LANGUAGE=language, **caller.headers
    )
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == XLSX
    return read_xlsx(b"".join(r.streaming_content))


def rows(book: Workbook, sheet: int = 0) -> list[tuple[Any, ...]]:
    """The values of a sheet, titles first."""
    return list(book.worksheets[sheet].iter_rows(values_only=True))


def by_number(book: Workbook) -> dict[str, dict[str, Any]]:
    """The main sheet as ``{number: {title: value}}``."""
    titles, *body = rows(book)
    return {row[0]: dict(zip(titles, row, strict=True)) for row in body}


def cells_of(book: Workbook, number: str) -> dict[str, Any]:
    """The cells (openpyxl ``Cell``: value, type, format) of one ticket's row, by title."""
    sheet = book.worksheets[0]
    titles = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == number)
    return dict(zip(titles, row, strict=True))
