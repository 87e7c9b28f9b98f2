"""``GET /tickets/export``: exactly the caller's list for the same query, as a file to save."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicetickets.exports import services
from servicetickets.tickets import services as ticket_services
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes import services as type_services
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.exports.conftest import BASIC, RICH_COLUMNS, XLSX, by_number, export, rows
from tests.factories import DeskFactory, TicketTypeFactory, submit
from tests.tickets.lifecycle import Cast, assert_error, ticket_in, upload
from tests.uploads.conftest import PNG


def _numbers(book: Any) -> list[str]:
    return [row[0] for row in rows(book)[1:]]


def _listed(api: Any, user: Any, **params: Any) -> list[str]:
    r = api(user).get("/tickets", {**params, "page_size": 200})
    assert r.status_code == 200, r.content
    return [t["number"] for t in r.json()["results"]]


@pytest.fixture
def spread(cast: Cast) -> dict[str, Ticket]:
    """Tickets in every state, one of another type and one of another desk."""
    people = cast.people
    tickets = {
        state: ticket_in(people, state)
        for state in ("pending", "processing", "to_confirm", "closed_resolved", "closed_rejected")
    }
    tickets["outsiders"] = ticket_in(people, "closed_cancelled", requester=people.outsider)
    tickets["network"] = submit(cast.other_type, people.requester, title="Wi-Fi down")
    facilities = DeskFactory(code="HR", name="People")
    cleaning = TicketTypeFactory(desk=facilities, name="Cleaning", handlers=[people.handler2])
    tickets["facilities"] = submit(cleaning, people.requester, title="Spilled coffee")
    return tickets


def test_the_file_is_an_attachment_named_by_the_day(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)

    r = api(people.site_admin).get("/tickets/export")

    assert r.status_code == 200
    assert r["Content-Type"] == XLSX
    day = timezone.localdate().isoformat()
    assert r["Content-Disposition"] == f'attachment; filename="tickets-{day}.xlsx"'
    assert r["Cache-Control"] == "no-store"


def test_an_empty_list_gives_the_titles_alone(people: People, api: Any) -> None:
    book = export(api, people.site_admin)

    assert rows(book) == [tuple(BASIC)]


def test_signing_in_is_required(db: None, api: Any) -> None:
    assert_error(api(None).get("/tickets/export"), 401)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("requester", {"pending", "processing", "to_confirm", "closed_resolved",
                       "closed_rejected", "network", "facilities"}),
        ("outsider", {"outsiders"}),
        ("other_type_handler", {"network"}),
        ("other_desk_admin", set()),
        ("desk_admin", {"pending", "processing", "to_confirm", "closed_resolved",
                        "closed_rejected", "outsiders", "network"}),
        ("site_admin", {"pending", "processing", "to_confirm", "closed_resolved",
                        "closed_rejected", "outsiders", "network", "facilities"}),
    ],
)  # fmt: skip
def test_each_caller_exports_only_the_tickets_they_may_see(
    cast: Cast, api: Any, spread: dict[str, Ticket], role: str, expected: set[str]
) -> None:
    numbers = set(_numbers(export(api, cast[role])))

    assert numbers == {spread[name].number for name in expected}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"state": "closed"},
        {"state": "closed", "resolution": "rejected"},
        {"requester": "alice"},
        {"processor": "hank"},
        {"q": "wi-fi"},
        {"ordering": "number"},
        {"ordering": "-state"},
        {"ordering": "submitted_at", "state": "pending"},
        {"desk": "first"},
        {"type": "first"},
        {"submitted_from": "2000-01-01", "submitted_to": "2999-12-31"},
        {"submitted_to": "2000-01-01"},
        {"page": 2, "page_size": 1},  # paging is the list's, not the export's
    ],
)
def test_the_export_holds_the_lists_tickets_in_the_lists_order(
    cast: Cast, api: Any, spread: dict[str, Ticket], query: dict[str, Any]
) -> None:
    people = cast.people
    query = dict(query)
    if query.get("desk") == "first":
        query["desk"] = people.desk.pk
    if query.get("type") == "first":
        query["type"] = people.ticket_type.pk
    for user in (people.site_admin, people.requester, people.handler):
        listed = _listed(api, user, **{k: v for k, v in query.items() if k != "page"})

        assert _numbers(export(api, user, **query)) == listed


@pytest.mark.parametrize(
    "query",
    [
        {"state": "bogus"},
        {"ordering": "title"},
        {"requester": "nobody"},
        {"processor": "nobody"},
        {"submitted_from": "yesterday"},
        {"submitted_from": "2026-03-10", "submitted_to": "2026-03-01"},
        {"type": "x"},
        {"type": 999999},
        {"desk": 999999},
        {"q": "x" * 201},
    ],
)
def test_bad_filters_are_refused_like_the_lists(
    people: People, api: Any, query: dict[str, Any]
) -> None:
    listed = api(people.site_admin).get("/tickets", query)
    exported = api(people.site_admin).get("/tickets/export", query)

    assert exported.status_code == 400
    assert (exported.status_code, exported.json()) == (listed.status_code, listed.json())


def test_more_tickets_than_a_direct_download_takes_are_refused(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "DIRECT_MAX_TICKETS", 2)
    tickets = [submit(people.ticket_type, people.requester) for _ in range(3)]

    r = api(people.site_admin).get("/tickets/export")

    assert_error(r, 409, code="conflict")
    assert "POST /api/v1/exports" in r.json()["error"]["message"]
    # Filtered down to the limit, it downloads.
    narrowed = export(api, people.site_admin, submitted_from=tickets[1].submitted_at.isoformat())
    assert _numbers(narrowed) == [tickets[2].number, tickets[1].number]


# --- form columns of one type --------------------------------------------------------------


def test_a_type_the_caller_cannot_see_adds_no_form_columns(
    people: People, api: Any, rich_type: TicketType
) -> None:
    submit(rich_type, people.requester, {"summary": "Mine"})
    type_services.type_unpublish(kind=rich_type)

    book = export(api, people.outsider, type=rich_type.pk)

    assert rows(book) == [tuple(BASIC)]


def test_a_requester_keeps_the_form_columns_of_their_tickets_of_a_deleted_type(
    people: People, api: Any, rich_type: TicketType
) -> None:
    ticket = submit(rich_type, people.requester, {"summary": "Mine", "count": 3})
    type_services.type_delete(kind=rich_type)

    book = export(api, people.requester, type=rich_type.pk)

    assert list(rows(book)[0]) == BASIC + RICH_COLUMNS
    assert by_number(book)[ticket.number]["Count"] == 3


# --- a fixed number of queries -------------------------------------------------------------


def _copies(ticket: Ticket, count: int) -> None:
    """``count`` more tickets like ``ticket`` (same answers, files and table rows)."""
    Ticket.objects.bulk_create(
        [
            Ticket(
                number=f"CP-{Ticket.objects.count() + n:06d}",
                desk_id=ticket.desk_id,
                ticket_type_id=ticket.ticket_type_id,
                form_version=ticket.form_version,
                title=ticket.title,
                data=ticket.data,
                requester_id=ticket.requester_id,
                assignee_id=ticket.assignee_id,
                processed_by_id=ticket.processed_by_id,
                state=ticket.state,
                submitted_at=ticket.submitted_at,
                accepted_at=ticket.accepted_at,
            )
            for n in range(count)
        ]
    )


def _queries(api: Any, user: Any, **params: Any) -> int:
    caller = api(user)
    caller.get("/desks")  # the token's first use, not the export's
    with CaptureQueriesContext(connection) as captured:
        r = caller.get("/tickets/export", params)
        assert r.status_code == 200
        b"".join(r.streaming_content)
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["site_admin", "requester", "handler"])
def test_the_number_of_queries_does_not_grow_with_the_tickets(
    people: People, api: Any, rich_type: TicketType, role: str
) -> None:
    photo = upload(people.requester, "a.png", PNG)
    data = {
        "summary": "Same",
        "photos": [str(photo.pk)],
        "files": [str(upload(people.requester).pk)],
        "parts": [{"part": "x", "qty": 1}],
    }
    first = submit(rich_type, people.requester, data)
    ticket_services.ticket_claim(user=people.handler, ticket_id=first.pk)
    first.refresh_from_db()
    user = {"site_admin": people.site_admin, "requester": people.requester}.get(
        role, people.handler
    )
    _copies(first, 9)

    few = _queries(api, user, type=rich_type.pk)
    _copies(first, 190)
    many = _queries(api, user, type=rich_type.pk)

    assert len(_numbers(export(api, user, type=rich_type.pk))) == 200
    assert few == many
