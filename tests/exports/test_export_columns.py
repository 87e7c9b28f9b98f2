"""What an export holds (SPEC.md §6): the basic columns for every export, a column per form
field for one type (older versions' fields after the current ones), cells of the right type
(dates in the installation's time zone, hours and numbers as numbers, text as text), detail
tables on a second sheet and files by their names."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from pytest_django.fixtures import Settings

from servicetickets.tickets import services
from servicetickets.tickets.models import State, Ticket
from servicetickets.tickettypes import services as type_services
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.exports.conftest import (
    BASIC,
    RICH_COLUMNS,
    as_excel_shows,
    by_number,
    cells_of,
    export,
    rows,
)
from tests.factories import TicketTypeFactory, submit
from tests.tickets.lifecycle import upload
from tests.uploads.conftest import PNG

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(SHANGHAI).replace(tzinfo=None)


def _close_to(cell: Any, expected: datetime | None) -> bool:
    """A spreadsheet time keeps milliseconds at best."""
    if expected is None:
        return cell is None
    return isinstance(cell, datetime) and abs(cell - expected) < timedelta(milliseconds=2)


def _rich_data(people: People) -> dict[str, Any]:
    photo = upload(people.requester, "printer.png", PNG)
    files = [upload(people.requester, "log.txt"), upload(people.requester, "=cmd.txt")]
    return {
        "summary": "+SUM(A1)",
        "details": "-2 pages\n=1+1",
        "count": -2,
        "cost": 1234.5,
        "day": "2026-03-01",
        "when": "2026-03-01T09:30:00+00:00",
        "stay": ["2026-03-02", "2026-03-05"],
        "room": "B",
        "tools": ["saw", "drill"],
        "phone": "+86 10 1234 5678",
        "mail": "alice@example.com",
        "buddy": "hank",
        "photos": [str(photo.pk)],
        "files": [str(f.pk) for f in files],
        "parts": [
            {"part": "=toner", "qty": 2, "due": "2026-03-09"},
            {"part": "drum"},
        ],
    }


# --- columns ---------------------------------------------------------------------------------


def test_an_export_of_all_types_has_the_basic_columns(people: People, api: Any) -> None:
    other = TicketTypeFactory(desk=people.desk, name="Network", handlers=[people.handler])
    submit(people.ticket_type, people.requester)
    submit(other, people.requester)

    book = export(api, people.site_admin)

    assert list(rows(book)[0]) == BASIC
    assert len(book.worksheets) == 1
    assert {r[1] for r in rows(book)[1:]} == {"Repair", "Network"}


def test_an_export_of_one_type_adds_a_column_per_form_field(
    people: People, api: Any, rich_type: TicketType
) -> None:
    submit(rich_type, people.requester, _rich_data(people))

    book = export(api, people.site_admin, type=rich_type.pk)

    assert list(rows(book)[0]) == BASIC + RICH_COLUMNS


def test_fields_of_older_form_versions_come_after_the_current_ones(
    people: People, api: Any
) -> None:
    kind = TicketTypeFactory(
        desk=people.desk,
        name="Move",
        handlers=[people.handler],
        fields=[
            {"key": "summary", "label": "What", "kind": "text", "required": True},
            {"key": "desk", "label": "Old desk", "kind": "text"},
            {"key": "boxes", "label": "Boxes", "kind": "number"},
        ],
    )
    old = submit(kind, people.requester, {"summary": "Move me", "desk": "D-12", "boxes": 3})
    type_services.type_update(
        kind=kind,
        fields=[
            {"key": "when", "label": "When", "kind": "date"},
            {"key": "summary", "label": "Summary", "kind": "text", "required": True},
        ],
    )
    new = submit(kind, people.requester, {"summary": "Me too", "when": "2026-04-01"})

    book = export(api, people.site_admin, type=kind.pk)

    assert list(rows(book)[0]) == [*BASIC, "When", "Summary", "Old desk", "Boxes"]
    tickets = by_number(book)
    assert {k: tickets[old.number][k] for k in ("When", "Summary", "Old desk", "Boxes")} == {
        "When": None,
        "Summary": "Move me",
        "Old desk": "D-12",
        "Boxes": 3,
    }
    assert tickets[new.number]["When"] == datetime(2026, 4, 1)
    assert tickets[new.number]["Old desk"] is None


# --- values ----------------------------------------------------------------------------------


def test_basic_cells_have_the_right_values_and_types(
    people: People, api: Any, settings: Settings
) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    ticket = submit(people.ticket_type, people.requester, title="Toner")
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done")
    services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="Still broken")
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done now")
    services.ticket_confirm(user=people.requester, ticket_id=ticket.pk, rating=4)
    # Known, distinct durations: accepted 90 minutes and processed 27 hours after submission.
    submitted = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    Ticket.objects.filter(pk=ticket.pk).update(
        submitted_at=submitted,
        accepted_at=submitted + timedelta(minutes=90),
        processed_at=submitted + timedelta(hours=27),
        closed_at=submitted + timedelta(hours=30),
    )
    ticket.refresh_from_db()

    book = export(api, people.site_admin)
    row = by_number(book)[ticket.number]

    assert {k: row[k] for k in BASIC if k not in ("Submitted at", "Accepted at")} == {
        "Number": ticket.number,
        "Type": "Repair",
        "Title": "Toner",
        "State": "Closed",
        "Resolution": "Resolved",
        "Requester": "Alice (alice)",
        "Assignee": "Hank (hank)",
        "Processed by": "Hank (hank)",
        "Processed at": row["Processed at"],
        "Closed at": row["Closed at"],
        "Response time (h)": 1.5,
        "Processing time (h)": 27.0,
        "Return count": 1,
        "Rating": 4,
        "Response due at": None,
        "Processing due at": None,
        "Overdue": False,
    }
    # The installation's wall-clock time (UTC+8): 23:30 UTC is 07:30 the next day.
    assert row["Submitted at"] == datetime(2026, 3, 2, 7, 30)
    for title, moment in [
        ("Accepted at", ticket.accepted_at),
        ("Processed at", ticket.processed_at),
        ("Closed at", ticket.closed_at),
    ]:
        assert _close_to(row[title], _local(moment)), title
    typed = cells_of(book, ticket.number)
    assert typed["Submitted at"].is_date and "hh:mm" in typed["Submitted at"].number_format
    assert typed["Response time (h)"].data_type == "n"
    assert typed["Response time (h)"].number_format == "0.00"
    assert typed["Rating"].data_type == "n" and typed["Return count"].data_type == "n"


def test_sla_columns_show_due_times_and_overdue(people: People, api: Any) -> None:
    r = api(people.admin).patch(f"/types/{people.ticket_type.pk}", {"response_hours": 1})
    assert r.status_code == 200, r.content
    late = submit(people.ticket_type, people.requester)
    Ticket.objects.filter(pk=late.pk).update(
        submitted_at=late.submitted_at - timedelta(hours=3),
        response_due_at=late.submitted_at - timedelta(hours=2),
    )
    on_time = submit(people.ticket_type, people.requester)

    tickets = by_number(export(api, people.site_admin))

    assert tickets[late.number]["Overdue"] is True
    assert tickets[on_time.number]["Overdue"] is False
    assert isinstance(tickets[on_time.number]["Response due at"], datetime)


def test_form_cells_have_the_right_values_and_types(
    people: People, api: Any, rich_type: TicketType, settings: Settings
) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    ticket = submit(rich_type, people.requester, _rich_data(people))

    book = export(api, people.site_admin, type=rich_type.pk)
    row = by_number(book)[ticket.number]

    assert {k: row[k] for k in RICH_COLUMNS} == {
        "Summary": "+SUM(A1)",
        "Details": "-2 pages\n=1+1",
        "Count": -2,
        "Cost": 1234.5,
        "Day": datetime(2026, 3, 1),
        "When": datetime(2026, 3, 1, 17, 30),  # 09:30 UTC in Shanghai
        "Stay (from)": datetime(2026, 3, 2),
        "Stay (to)": datetime(2026, 3, 5),
        "Room": "B",
        "Tools": "saw, drill",
        "Phone": "+86 10 1234 5678",
        "Mail": "alice@example.com",
        "Buddy": "hank",
        "Photos": "printer.png",
        "Files": "log.txt, =cmd.txt",
        "Parts": 2,
    }
    cells = cells_of(book, ticket.number)
    assert [cells[k].data_type for k in ("Summary", "Details", "Files")] == ["s", "s", "s"]
    assert [cells[k].data_type for k in ("Count", "Cost", "Parts")] == ["n", "n", "n"]
    assert cells["Cost"].number_format == "#,##0.00"
    assert cells["Day"].is_date and "hh" not in cells["Day"].number_format


def test_detail_table_rows_are_on_a_second_sheet(
    people: People, api: Any, rich_type: TicketType
) -> None:
    first = submit(rich_type, people.requester, _rich_data(people))
    second = submit(rich_type, people.requester, {"summary": "No parts"})

    book = export(api, people.site_admin, type=rich_type.pk, ordering="number")

    assert book.sheetnames == ["Tickets", "Detail tables"]
    assert rows(book, 1) == [
        ("Number", "Table", "Row", "Part", "Qty", "Due"),
        (first.number, "Parts", 1, "=toner", 2, datetime(2026, 3, 9)),
        (first.number, "Parts", 2, "drum", None, None),
    ]
    assert book.worksheets[1]["D2"].data_type == "s"
    assert by_number(book)[second.number]["Parts"] is None


def test_two_detail_tables_name_their_columns_by_table(people: People, api: Any) -> None:
    column = {"key": "item", "label": "Item", "kind": "text"}
    kind = TicketTypeFactory(
        desk=people.desk,
        name="Order",
        handlers=[people.handler],
        fields=[
            {"key": "summary", "label": "Summary", "kind": "text", "required": True},
            {"key": "buy", "label": "Buy", "kind": "table", "columns": [column]},
            {"key": "ret", "label": "Return", "kind": "table", "columns": [column]},
        ],
    )
    ticket = submit(
        kind, people.requester, {"summary": "x", "buy": [{"item": "pen"}], "ret": [{"item": "ink"}]}
    )

    book = export(api, people.site_admin, type=kind.pk)

    assert rows(book, 1) == [
        ("Number", "Table", "Row", "Buy: Item", "Return: Item"),
        (ticket.number, "Buy", 1, "pen", None),
        (ticket.number, "Return", 1, None, "ink"),
    ]


@pytest.mark.parametrize(
    "title",
    ["=1+1", "+SUM(A1:A9)", "-2", "@x", "\t=x", "\r=x", "  =x", '=HYPERLINK("http://evil","x")'],
)
def test_formula_like_titles_stay_text(people: People, api: Any, title: str) -> None:
    ticket = submit(people.ticket_type, people.requester)
    # Stored as is (submission trims titles; older data or an import may not have been).
    Ticket.objects.filter(pk=ticket.pk).update(title=title)

    book = export(api, people.site_admin)

    cell = cells_of(book, ticket.number)["Title"]
    assert (cell.data_type, as_excel_shows(cell.value)) == ("s", title)


def test_a_deleted_type_is_marked(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester)
    type_services.type_delete(kind=people.ticket_type)

    row = by_number(export(api, people.site_admin))[ticket.number]

    assert row["Type"] == "Repair (deleted)"


def test_titles_and_labels_follow_the_requests_language(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)

    book = export(api, people.site_admin, language="zh-hans")

    with translation.override("zh-hans"):
        pending = str(State.PENDING.label)
        state = translation.pgettext("export column", "State")
    assert pending != "Pending"  # the catalogue has it
    assert rows(book)[1][3] == pending
    assert rows(book)[0][3] == state
