"""Every filter of the ticket list combined, for every kind of caller, page by page, against a
plain reading of the rules: the tickets ``visible_q`` lets the caller see, filtered and sorted
here in Python. The list reads them in parts (``tickets.visibility``) and counts them from day
totals (``tickets.daycounts``); this says the parts add up to exactly the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.tickets import services
from servicetickets.tickets.api import ListQuery, list_filter
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import ORDERINGS, ticket_list_for, visible_q
from servicetickets.tickettypes import services as type_services
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory, submit

STATES = ("pending", "processing", "to_confirm", "closed_resolved", "closed_rejected")
STATES += ("closed_cancelled",)
#: Midnight UTC of the first day tickets are back-dated to; they spread over five days.
DAY0 = datetime(2031, 3, 10, tzinfo=UTC)


@dataclass
class World:
    people: People
    users: dict[str, User]
    types: dict[str, Any]
    tickets: list[Ticket]


def _advance(ticket: Ticket, *, handler: User, requester: User, state: str) -> None:
    if state == "closed_cancelled":
        services.ticket_cancel(user=requester, ticket_id=ticket.pk, reason="Not needed")
        return
    if state == "pending":
        return
    services.ticket_claim(user=handler, ticket_id=ticket.pk)
    if state == "closed_rejected":
        services.ticket_reject(user=handler, ticket_id=ticket.pk, reason="Out of scope")
    elif state != "processing":
        services.ticket_complete(user=handler, ticket_id=ticket.pk, note="Done")
        if state == "closed_resolved":
            services.ticket_confirm(user=requester, ticket_id=ticket.pk, rating=5)


@pytest.fixture
def world(people: People) -> World:
    """Two desks, three types and 30 tickets in every state, over five UTC days, some past
    their SLA targets; hank acted on repairs and then stopped handling them."""
    p = people
    harry = UserFactory(username="harry", name="Harry")
    fiona = UserFactory(username="fiona", name="Fiona")
    facilities = DeskFactory(code="FM", name="Facilities")
    facilities.admins.add(fiona)
    types = {
        "repair": p.ticket_type,
        "network": TicketTypeFactory(desk=p.desk, name="Network", handlers=[harry]),
        "cleaning": TicketTypeFactory(
            desk=facilities, name="Cleaning", handlers=[p.handler2, p.handler, p.admin]
        ),
    }
    handler_of = {"repair": p.handler, "network": harry, "cleaning": p.handler2}
    requesters = [p.requester, p.outsider, p.admin, p.handler, fiona]
    titles = ["Printer jammed", "Wi-Fi down", "Spilled coffee", "Chair broken", "打印机卡纸"]
    tickets = []
    for i in range(30):
        kind = ("repair", "network", "cleaning")[i % 3]
        requester = requesters[i % 5]
        ticket = submit(types[kind], requester, title=titles[(i * 3) % 5])
        state = STATES[(i * 5) % 6]
        _advance(ticket, handler=handler_of[kind], requester=requester, state=state)
        if kind == "repair" and state == "processing" and i % 2 == 0:
            services.ticket_transfer(user=p.handler, ticket_id=ticket.pk, to="hilda")
        # Five days, at hours that fall on both sides of the period bounds below.
        submitted = DAY0 + timedelta(days=i % 5, hours=(i * 7) % 24, minutes=i)
        # Due long ago or far ahead, so "now" moving during the test changes nothing.
        due = submitted + timedelta(days=-3650 if i % 4 == 1 or i % 12 == 0 else 3650)
        Ticket.objects.filter(pk=ticket.pk).update(
            submitted_at=submitted,
            response_due_at=None if i % 5 == 1 else due,
            processing_due_at=None if i % 5 == 2 else due,
        )
        tickets.append(ticket)
    # hank no longer handles repairs; he keeps seeing those he acted on.
    type_services.type_update(kind=p.ticket_type, handlers=[p.handler2])
    users = {
        "site_admin": p.site_admin,
        "desk_admin": p.admin,
        "other_desk_admin": fiona,
        "former_handler": p.handler,
        "handler": p.handler2,
        "network_handler": harry,
        "requester": p.requester,
        "outsider": p.outsider,
    }
    return World(people=p, users=users, types=types, tickets=tickets)


def _document(ticket: Ticket) -> str:
    values: list[str] = [ticket.number, ticket.title]
    values += [str(v) for v in ticket.data.values()]
    return "\n".join(values).lower()


def _expected(world: World, user: User, params: dict[str, Any]) -> list[str]:
    """The list by the plain rules, in Python."""
    f = list_filter(ListQuery(**params))
    now = timezone.now()
    rows = []
    for t in Ticket.objects.filter(visible_q(user)):
        checks = [
            f.desk is None or t.desk_id == f.desk,
            f.ticket_type is None or t.ticket_type_id == f.ticket_type,
            not f.state or t.state == f.state,
            not f.resolution or t.resolution == f.resolution,
            f.requester is None or t.requester_id == f.requester.pk,
            f.processor is None or f.processor.pk in (t.assignee_id, t.processed_by_id),
            f.submitted_from is None or t.submitted_at >= f.submitted_from,
            f.submitted_to is None or t.submitted_at <= f.submitted_to,
            f.overdue is None or t.is_overdue(now) == f.overdue,
            not f.q or f.q.lower() in _document(t),
        ]
        if all(checks):
            rows.append(t)
    for term in reversed(ORDERINGS[f.ordering]):
        name = term.lstrip("-")
        rows.sort(key=lambda t: getattr(t, name), reverse=term.startswith("-"))
    return [t.number for t in rows]


def _listed(api: Any, user: User, params: dict[str, Any]) -> tuple[list[str], set[int]]:
    """Every page of the list (pages of 6), and the counts the pages reported."""
    numbers: list[str] = []
    counts = set()
    for page in range(1, 20):
        r = api(user).get("/tickets", {**params, "page": page, "page_size": 6})
        assert r.status_code == 200, r.content
        body = r.json()
        counts.add(body["count"])
        if not body["results"]:
            break
        numbers += [t["number"] for t in body["results"]]
    return numbers, counts


COMBINATIONS: list[dict[str, Any]] = [
    {},
    {"state": "pending"},
    {"state": "closed", "resolution": "resolved"},
    {"resolution": "rejected", "ordering": "number"},
    {"desk": "IT"},
    {"desk": "FM", "state": "processing"},
    {"type": "repair", "ordering": "-number"},
    {"desk": "IT", "type": "network", "state": "closed"},
    {"requester": "alice"},
    {"requester": "hank", "ordering": "state"},
    {"processor": "hank"},
    {"processor": "hilda", "ordering": "-state"},
    {"processor": "hilda", "requester": "olga"},
    {"submitted_from": "2031-03-11T10:30Z", "submitted_to": "2031-03-13T13:15Z"},
    {"submitted_from": "2031-03-11", "submitted_to": "2031-03-12", "desk": "IT"},
    {"submitted_from": "2031-03-12T00:00Z", "submitted_to": "2031-03-12T23:59:59.999999Z"},
    {"submitted_from": "2031-03-12T05:00Z", "submitted_to": "2031-03-12T20:00Z"},
    {"submitted_to": "2031-03-12T08:00Z", "ordering": "submitted_at"},
    {"submitted_from": "2031-03-13", "state": "closed", "requester": "admin"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"overdue": "false", "desk": "IT", "state": "pending", "ordering": "state"},
    {"q": "IT-"},
    {"q": "jam", "state": "closed"},
    {"q": "卡纸", "ordering": "number"},
    {"q": "co", "processor": "hilda"},
    {"ordering": "state", "type": "cleaning", "submitted_from": "2031-03-11T06:00Z"},
]


@pytest.mark.parametrize(
    "combination", COMBINATIONS, ids=lambda c: "&".join(f"{k}={v}" for k, v in c.items()) or "all"
)
def test_every_caller_lists_exactly_the_tickets_the_rules_give(
    world: World, api: Any, combination: dict[str, Any]
) -> None:
    desks = {"IT": world.people.desk.pk, "FM": world.types["cleaning"].desk_id}
    params = dict(combination)
    if "desk" in params:
        params["desk"] = desks[params["desk"]]
    if "type" in params:
        params["type"] = world.types[params["type"]].pk
    for role, user in world.users.items():
        expected = _expected(world, user, params)

        numbers, counts = _listed(api, user, params)

        assert numbers == expected, role
        assert counts == {len(expected)}, role
        exported = ticket_list_for(user=user, filters=list_filter(ListQuery(**params)))
        assert [t.number for t in exported] == expected, role


def test_the_world_has_something_in_each_part(world: World, api: Any) -> None:
    """The combinations above are only worth as much as the data: each part of visibility
    and each filter value is there."""
    hank = world.users["former_handler"]
    acted_only = Ticket.objects.filter(visible_q(hank), ticket_type=world.types["repair"])
    assert acted_only.exclude(requester=hank).exists()
    assert set(Ticket.objects.values_list("state", flat=True)) == {
        "pending",
        "processing",
        "to_confirm",
        "closed",
    }
    overdue = [t for t in Ticket.objects.all() if t.is_overdue(timezone.now())]
    assert 0 < len(overdue) < Ticket.objects.filter(state__in=["pending", "processing"]).count()
