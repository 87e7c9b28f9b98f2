"""The ticket list: ``GET /tickets`` with its filters, ordering and pagination. Every caller
sees only the tickets they may see (the visibility rules themselves: ``test_visibility``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, submit
from tests.tickets.lifecycle import Cast, assert_error, ticket_in


def _list(api: Any, user: Any, **params: Any) -> dict[str, Any]:
    r = api(user).get("/tickets", params)
    assert r.status_code == 200, r.content
    body: dict[str, Any] = r.json()
    return body


def _numbers(api: Any, user: Any, **params: Any) -> list[str]:
    return [t["number"] for t in _list(api, user, **params)["results"]]


@pytest.fixture
def spread(cast: Cast) -> dict[str, Ticket]:
    """A ticket in every state, one of another type and one of another desk (in that order)."""
    people = cast.people
    tickets = {
        state: ticket_in(people, state)
        for state in ("pending", "processing", "to_confirm", "closed_resolved", "closed_rejected")
    }
    tickets["closed_cancelled"] = ticket_in(people, "closed_cancelled", requester=people.outsider)
    tickets["network"] = submit(cast.other_type, people.requester, title="Wi-Fi down")
    # Another desk than the one ``other_desk_admin`` administers.
    facilities = DeskFactory(code="HR", name="People")
    cleaning = TicketTypeFactory(desk=facilities, name="Cleaning", handlers=[people.handler2])
    tickets["facilities"] = submit(cleaning, people.requester, title="Spilled coffee")
    return tickets


def test_default_order_is_newest_first(cast: Cast, api: Any, spread: dict[str, Ticket]) -> None:
    body = _list(api, cast["site_admin"])

    assert body["count"] == 8
    assert body["page"] == 1 and body["page_size"] == 50
    assert [t["number"] for t in body["results"]] == [
        "HR-000001", "IT-000007", "IT-000006", "IT-000005",
        "IT-000004", "IT-000003", "IT-000002", "IT-000001",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("ordering", "first", "last"),
    [
        ("submitted_at", "IT-000001", "HR-000001"),
        ("-submitted_at", "HR-000001", "IT-000001"),
        ("number", "HR-000001", "IT-000007"),
        ("-number", "IT-000007", "HR-000001"),
    ],
)
def test_ordering(
    cast: Cast, api: Any, spread: dict[str, Ticket], ordering: str, first: str, last: str
) -> None:
    numbers = _numbers(api, cast["site_admin"], ordering=ordering)

    assert (numbers[0], numbers[-1]) == (first, last)


@pytest.mark.parametrize("ordering", ["state", "-state"])
def test_ordering_by_state(cast: Cast, api: Any, spread: dict[str, Ticket], ordering: str) -> None:
    results = _list(api, cast["site_admin"], ordering=ordering)["results"]

    states = [t["state"] for t in results]
    assert states == sorted(states, reverse=ordering.startswith("-"))


@pytest.mark.parametrize("param", ["ordering", "state", "resolution"])
def test_unknown_choice_is_a_bad_request_naming_the_parameter(
    people: People, api: Any, param: str
) -> None:
    r = api(people.requester).get("/tickets", {param: "bogus"})

    assert_error(r, 400, field=param, code="bad_request")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 201}, "page_size"),
        ({"submitted_from": "yesterday"}, "submitted_from"),
        ({"requester": "nobody"}, "requester"),
        ({"processor": "nobody"}, "processor"),
        (
            {"submitted_from": "2030-01-02T00:00Z", "submitted_to": "2030-01-01T00:00Z"},
            "submitted_from",
        ),
        ({"submitted_to": "2030-02-30"}, "submitted_to"),
        ({"desk": 999999}, "desk"),
        ({"desk": "it"}, "desk"),
        ({"type": 999999}, "type"),
        ({"desk": 10**20}, "desk"),
        ({"type": -(10**20)}, "type"),
        ({"type": "1.5"}, "type"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"page": "x"}, "page"),
        ({"q": "a" * 201}, "q"),
        ({"q": "line\nbreak"}, "q"),
    ],
    ids=[
        "page",
        "page-size-0",
        "page-size-big",
        "date",
        "requester",
        "processor",
        "period",
        "no-such-day",
        "no-such-desk",
        "desk-not-a-number",
        "no-such-type",
        "desk-beyond-any-id",
        "type-beyond-any-id",
        "type-not-a-number",
        "overdue",
        "page-not-a-number",
        "q-too-long",
        "q-two-lines",
    ],
)
def test_bad_parameters_are_named(
    people: People, api: Any, params: dict[str, Any], field: str
) -> None:
    r = api(people.requester).get("/tickets", params)

    assert_error(r, 400, field=field, code="bad_request")


@pytest.mark.parametrize(
    ("state", "resolution", "expected"),
    [
        ("pending", None, {"pending", "network"}),
        ("processing", None, {"processing"}),
        ("to_confirm", None, {"to_confirm"}),
        ("closed", None, {"closed_resolved", "closed_rejected", "closed_cancelled"}),
        ("closed", "rejected", {"closed_rejected"}),
        (None, "resolved", {"closed_resolved"}),
        (None, "cancelled", {"closed_cancelled"}),
    ],
)
def test_filter_by_state_and_resolution(
    cast: Cast,
    api: Any,
    spread: dict[str, Ticket],
    state: str | None,
    resolution: str | None,
    expected: set[str],
) -> None:
    params = {k: v for k, v in {"state": state, "resolution": resolution}.items() if v}

    numbers = set(_numbers(api, cast["desk_admin"], **params))

    assert numbers == {spread[name].number for name in expected}


def test_filter_by_desk_and_type(cast: Cast, api: Any, spread: dict[str, Ticket]) -> None:
    root = cast["site_admin"]
    facilities = spread["facilities"]

    assert _numbers(api, root, desk=facilities.desk_id) == [facilities.number]
    assert _numbers(api, root, type=cast.other_type.pk) == [spread["network"].number]
    assert len(_numbers(api, root, desk=cast.people.desk.pk)) == 7
    assert _numbers(api, root, desk=cast.people.desk.pk, type=cast.other_type.pk) == [
        spread["network"].number
    ]


def test_a_type_of_another_desk_than_the_desk_filter_is_refused(
    cast: Cast, api: Any, spread: dict[str, Ticket]
) -> None:
    r = api(cast["site_admin"]).get(
        "/tickets", {"desk": spread["facilities"].desk_id, "type": cast.other_type.pk}
    )

    assert_error(r, 400, field="type", code="bad_request")


def test_filter_by_requester(cast: Cast, api: Any, spread: dict[str, Ticket]) -> None:
    numbers = _numbers(api, cast["site_admin"], requester="olga")

    assert numbers == [spread["closed_cancelled"].number]


def test_processor_matches_the_assignee_or_the_processor(
    cast: Cast, api: Any, spread: dict[str, Ticket]
) -> None:
    people = cast.people
    services.ticket_transfer(user=people.handler, ticket_id=spread["processing"].pk, to="hilda")

    hank = set(_numbers(api, cast["site_admin"], processor="hank"))
    hilda = set(_numbers(api, cast["site_admin"], processor="hilda"))

    assert hank == {spread[s].number for s in ("to_confirm", "closed_resolved", "closed_rejected")}
    assert hilda == {spread["processing"].number}


def test_filter_by_submission_period(cast: Cast, api: Any, spread: dict[str, Ticket]) -> None:
    old = spread["pending"]
    Ticket.objects.filter(pk=old.pk).update(submitted_at=old.submitted_at - timedelta(days=40))
    cutoff = (old.submitted_at - timedelta(days=1)).isoformat()
    root = cast["site_admin"]

    assert _numbers(api, root, submitted_to=cutoff) == [old.number]
    assert old.number not in _numbers(api, root, submitted_from=cutoff)
    assert len(_numbers(api, root, submitted_from=cutoff)) == 7


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("wi-fi", {"network"}),
        ("COFFEE", {"facilities"}),
        ("IT-000003", {"to_confirm"}),
        ("zzz", set()),
    ],
)
def test_search_over_number_and_title(
    cast: Cast, api: Any, spread: dict[str, Ticket], q: str, expected: set[str]
) -> None:
    numbers = set(_numbers(api, cast["site_admin"], q=q))

    assert numbers == {spread[name].number for name in expected}


def test_pages(cast: Cast, api: Any, spread: dict[str, Ticket]) -> None:
    root = cast["site_admin"]
    every = _numbers(api, root, ordering="submitted_at")

    pages = [_list(api, root, ordering="submitted_at", page=n, page_size=3) for n in (1, 2, 3, 4)]

    assert [p["count"] for p in pages] == [8, 8, 8, 8]
    assert [(p["page"], p["page_size"]) for p in pages] == [(1, 3), (2, 3), (3, 3), (4, 3)]
    assert [len(p["results"]) for p in pages] == [3, 3, 2, 0]
    assert [t["number"] for p in pages for t in p["results"]] == every


IT_REPAIRS = {"pending", "processing", "to_confirm", "closed_resolved", "closed_rejected"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("requester", IT_REPAIRS | {"network", "facilities"}),
        ("outsider", {"closed_cancelled"}),
        ("handler", IT_REPAIRS | {"closed_cancelled"}),
        ("other_type_handler", {"network"}),
        ("desk_admin", IT_REPAIRS | {"closed_cancelled", "network"}),
        ("other_desk_admin", set()),
    ],
)
def test_each_caller_lists_only_what_they_may_see(
    cast: Cast, api: Any, spread: dict[str, Ticket], role: str, expected: set[str]
) -> None:
    body = _list(api, cast[role])

    assert {t["number"] for t in body["results"]} == {spread[n].number for n in expected}
    assert body["count"] == len(expected)


def test_filters_never_widen_what_a_caller_sees(
    cast: Cast, api: Any, spread: dict[str, Ticket]
) -> None:
    facilities = spread["facilities"]

    assert _numbers(api, cast["other_type_handler"], requester="alice") == [
        spread["network"].number
    ]
    assert _numbers(api, cast["desk_admin"], desk=facilities.desk_id) == []
    assert _numbers(api, cast["outsider"], q="IT-") == [spread["closed_cancelled"].number]


def test_times_without_an_offset_are_read_in_the_installation_time_zone(
    cast: Cast, api: Any, spread: dict[str, Ticket], settings: Any
) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    old = spread["pending"]
    Ticket.objects.filter(pk=old.pk).update(submitted_at="2020-01-01T12:00:00+08:00")
    root = cast["site_admin"]

    assert _numbers(api, root, submitted_to="2020-01-01T12:30") == [old.number]
    assert _numbers(api, root, submitted_to="2020-01-01T11:30") == []


def _set_targets(api: Any, people: People, **hours: float) -> None:
    r = api(people.admin).patch(f"/types/{people.ticket_type.pk}", hours)
    assert r.status_code == 200, r.content


def _age(ticket: Ticket, hours: float) -> None:
    """Make the ticket look submitted ``hours`` ago (its due times move with it)."""
    ticket.refresh_from_db()
    shift = timedelta(hours=hours)
    Ticket.objects.filter(pk=ticket.pk).update(
        submitted_at=ticket.submitted_at - shift,
        response_due_at=ticket.response_due_at - shift if ticket.response_due_at else None,
        processing_due_at=ticket.processing_due_at - shift if ticket.processing_due_at else None,
    )


def test_overdue_filter_lists_open_tickets_past_a_target(cast: Cast, api: Any) -> None:
    people = cast.people
    _set_targets(api, people, response_hours=4, processing_hours=24)
    late_pending = ticket_in(people, "pending")
    late_processing = ticket_in(people, "processing")
    late_but_done = ticket_in(people, "to_confirm")
    fresh = ticket_in(people, "pending")
    answered_in_time = ticket_in(people, "processing")
    for ticket, hours in (
        (late_pending, 5),
        (late_processing, 25),
        (late_but_done, 48),
        (answered_in_time, 5),
    ):
        _age(ticket, hours)
    root = cast["site_admin"]

    overdue = _list(api, root, overdue="true")
    on_time = _list(api, root, overdue="false")

    assert {t["number"] for t in overdue["results"]} == {
        late_pending.number,
        late_processing.number,
    }
    assert all(t["overdue"] for t in overdue["results"])
    assert overdue["count"] == 2
    assert {t["number"] for t in on_time["results"]} == {
        late_but_done.number,
        fresh.number,
        answered_in_time.number,
    }
    assert not any(t["overdue"] for t in on_time["results"])
    assert on_time["count"] == 3
    assert _numbers(api, root, overdue="true", state="processing") == [late_processing.number]
    assert _numbers(api, people.outsider, overdue="true") == []


def test_a_page_far_past_the_end_is_empty(cast: Cast, api: Any, spread: dict[str, Ticket]) -> None:
    body = _list(api, cast["site_admin"], page=10**17, page_size=200)

    assert (body["count"], body["results"]) == (8, [])
