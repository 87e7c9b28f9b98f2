"""Free-text search of the ticket list (``GET /tickets?q=``): a substring of the number, the
title or any form value (not upload ids), case-insensitive, in any script, kept exact by the
database whatever writes the ticket, and never read as query syntax."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from servicetickets.ops import bulk
from servicetickets.tickets import search
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes import services as type_services
from tests.conftest import People
from tests.factories import TicketTypeFactory, UserFactory, submit
from tests.tickets.lifecycle import upload

#: Every kind of value a form holds that search reads, and a file field it must not.
ORDER_FORM: list[dict[str, Any]] = [
    {"key": "location", "label": "Location", "kind": "text", "required": True},
    {"key": "details", "label": "Details", "kind": "textarea"},
    {"key": "room", "label": "Room", "kind": "select", "options": ["Aurora", "Borealis"]},
    {"key": "extras", "label": "Extras", "kind": "multiselect", "options": ["Beamer", "Coffee"]},
    {"key": "contact", "label": "Contact", "kind": "member"},
    {"key": "quantity", "label": "Quantity", "kind": "number"},
    {
        "key": "items",
        "label": "Items",
        "kind": "table",
        "columns": [
            {"key": "name", "label": "Name", "kind": "text", "required": True},
            {"key": "price", "label": "Price", "kind": "amount"},
        ],
    },
    {"key": "photos", "label": "Photos", "kind": "file"},
]


def _numbers(api: Any, user: Any, q: str, **params: Any) -> set[str]:
    r = api(user).get("/tickets", {"q": q, **params})
    assert r.status_code == 200, r.content
    body = r.json()
    numbers = {t["number"] for t in body["results"]}
    assert body["count"] == len(numbers)
    return numbers


@pytest.fixture
def order_type(people: People) -> Any:
    return TicketTypeFactory(
        desk=people.desk, name="Orders", fields=ORDER_FORM, handlers=[people.handler]
    )


@pytest.fixture
def order(people: People, order_type: Any) -> Ticket:
    UserFactory(username="zhang.wei", name="张伟")
    photo = upload(people.requester)
    data = {
        "location": "Building 7, third floor",
        "details": "打印机卡纸了请尽快处理",
        "room": "Borealis",
        "extras": ["Coffee"],
        "contact": "zhang.wei",
        "quantity": 12,
        "items": [{"name": "Ergonomic chair", "price": 129.5}, {"name": "显示器支架"}],
        "photos": [str(photo.pk)],
    }
    return submit(order_type, people.requester, data=data, title="Office furniture")


@pytest.fixture
def other(people: People) -> Ticket:
    return submit(people.ticket_type, people.requester, data={"summary": "Printer jammed"})


@pytest.mark.parametrize(
    "q",
    [
        "IT-000001",  # the number
        "furniture",  # the title
        "third floor",  # a text, across a space
        "卡纸",  # two characters of Chinese text
        "打印机卡纸",  # more of it
        "Borealis",  # a choice
        "coffee",  # a multiple choice, in another case
        "zhang.wei",  # a member's username
        "12",  # a number
        "Ergonomic",  # a table cell
        "129.5",  # a table cell's amount
        "显示器",  # a table cell in Chinese
        "纸",  # one character
    ],
)
def test_search_finds_the_number_title_and_every_form_value(
    people: People, api: Any, order: Ticket, other: Ticket, q: str
) -> None:
    assert _numbers(api, people.requester, q) == {order.number}


def test_search_matches_case_insensitively_and_trims(
    people: People, api: Any, order: Ticket, other: Ticket
) -> None:
    assert _numbers(api, people.requester, "  PRINTER JAMMED ") == {other.number}
    assert _numbers(api, people.requester, "it-00000") == {order.number, other.number}


def test_upload_ids_are_not_searched(people: People, api: Any, order: Ticket) -> None:
    photo_id = order.data["photos"][0]

    assert _numbers(api, people.requester, photo_id) == set()
    assert _numbers(api, people.requester, photo_id[:8]) == set()


def test_words_that_appear_in_no_ticket_find_nothing(
    people: People, api: Any, order: Ticket, other: Ticket
) -> None:
    assert _numbers(api, people.requester, "floor third") == set()
    assert _numbers(api, people.requester, "Borealis\tCoffee") == set()


@pytest.mark.parametrize(
    "q",
    ['"', '" OR "', "jam*", "NEAR(a b)", "%", "_", "\\", "a%b", "o'clock", "title: x", "^x", "--"],
)
def test_query_syntax_is_taken_literally(people: People, api: Any, other: Ticket, q: str) -> None:
    r = api(people.requester).get("/tickets", {"q": q})

    assert r.status_code == 200, r.content
    assert r.json()["count"] == 0


def test_wildcard_characters_match_only_themselves(people: People, api: Any) -> None:
    percent = submit(people.ticket_type, people.requester, title="Discount 50% off")
    underscore = submit(people.ticket_type, people.requester, title="file_name broken")
    quoted = submit(people.ticket_type, people.requester, title='The "big" screen')

    assert _numbers(api, people.requester, "50%") == {percent.number}
    assert _numbers(api, people.requester, "%") == {percent.number}
    assert _numbers(api, people.requester, "e_n") == {underscore.number}
    assert _numbers(api, people.requester, '"big"') == {quoted.number}


def test_search_never_widens_what_a_caller_sees(people: People, api: Any, order: Ticket) -> None:
    assert _numbers(api, people.outsider, "furniture") == set()
    assert _numbers(api, people.handler, "furniture") == {order.number}


def test_search_combines_with_the_other_filters(
    people: People, api: Any, order: Ticket, other: Ticket
) -> None:
    assert _numbers(api, people.requester, "IT-", type=order.ticket_type_id) == {order.number}
    assert _numbers(api, people.requester, "IT-", state="closed") == set()


def test_search_follows_a_title_changed_by_a_queryset_update(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester, title="Broken chair")

    Ticket.objects.filter(pk=ticket.pk).update(title="Toner empty")

    assert _numbers(api, people.requester, "toner") == {ticket.number}
    assert _numbers(api, people.requester, "chair") == set()


def test_search_follows_form_data_written_directly(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester, title="Desk lamp")

    Ticket.objects.filter(pk=ticket.pk).update(data={"summary": "Paper tray cracked"})

    assert _numbers(api, people.requester, "tray") == {ticket.number}
    assert _numbers(api, people.requester, "jammed") == set()


def test_state_changes_keep_a_ticket_findable(people: People, api: Any, other: Ticket) -> None:
    from servicetickets.tickets import services

    services.ticket_claim(user=people.handler, ticket_id=other.pk)
    services.ticket_complete(user=people.handler, ticket_id=other.pk, note="Fixed")

    assert _numbers(api, people.requester, "jammed") == {other.number}


def test_a_deleted_ticket_leaves_the_search(people: People, api: Any, other: Ticket) -> None:
    Ticket.objects.filter(pk=other.pk).delete()

    with connection.cursor() as cursor:
        cursor.execute(*search.matching_ids(connection.vendor, "jammed"))
        assert cursor.fetchall() == []


def test_tickets_inserted_in_bulk_are_found(people: People, api: Any) -> None:
    """The seed writes tickets with COPY (PostgreSQL) or executemany (SQLite), not the ORM."""
    stamp = bulk.stamper()
    columns = ("number", "desk_id", "ticket_type_id", "form_version", "title", "data")
    columns += ("requester_id", "submitted_at")
    rows = [
        (
            f"IT-9{n:05d}",
            people.desk.pk,
            people.ticket_type.pk,
            1,
            f"Bulk {n}",
            bulk.json_value(Ticket, "data", {"summary": f"会议室投影仪 {n}"}),
            people.requester.pk,
            stamp(1.7e9 + n),
        )
        for n in range(3)
    ]

    bulk.Inserter(Ticket, columns).insert(rows)

    assert _numbers(api, people.requester, "会议室投影仪 1") == {"IT-900001"}
    assert len(_numbers(api, people.requester, "投影仪")) == 3


def test_a_new_form_version_is_searched_by_its_own_fields(
    people: People, api: Any, order_type: Any, order: Ticket
) -> None:
    """A field that becomes a file field in a later version is skipped only in tickets of
    that version."""
    fields = [dict(f) for f in ORDER_FORM if f["key"] != "location"]
    fields.insert(0, {"key": "location", "label": "Location", "kind": "file"})
    fields.append({"key": "where", "label": "Where", "kind": "text", "required": True})
    type_services.type_update(kind=order_type, fields=fields)
    photo = upload(people.requester)
    later = submit(order_type, people.requester, data={"where": "Lab", "location": [str(photo.pk)]})

    assert later.form_version == 2
    assert _numbers(api, people.requester, "Building 7") == {order.number}
    assert _numbers(api, people.requester, str(photo.pk)) == set()
    assert later.number in _numbers(api, people.requester, "Lab")
