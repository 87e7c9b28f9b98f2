"""Auto-confirm: ``services.tickets_auto_confirm`` closes tickets left waiting for the
requester's confirmation past their desk's ``confirm_timeout_days``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, submit
from tests.tickets.lifecycle import snapshot, states_except, ticket_in, timeline


def test_ticket_past_the_timeout_is_closed_as_resolved(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    assert ticket.processed_at is not None
    later = ticket.processed_at + timedelta(days=7, minutes=1)

    closed = services.tickets_auto_confirm(now=later)

    assert closed == 1
    ticket.refresh_from_db()
    assert (ticket.state, ticket.resolution, ticket.closed_at) == ("closed", "resolved", later)
    assert ticket.rating is None
    entry = timeline(ticket)[-1]
    assert (entry.action, entry.actor, entry.at) == ("auto_confirm", None, later)
    assert (entry.from_state, entry.to_state) == ("to_confirm", "closed")
    shown = api(people.requester).get(f"/tickets/{ticket.pk}").json()["timeline"][-1]
    assert (shown["action"], shown["actor"]) == ("auto_confirm", None)


def test_ticket_within_the_timeout_is_left_waiting(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    assert ticket.processed_at is not None
    before = snapshot(ticket)

    closed = services.tickets_auto_confirm(now=ticket.processed_at + timedelta(days=6, hours=23))

    assert closed == 0
    assert snapshot(ticket) == before


def test_each_desk_has_its_own_timeout(people: People) -> None:
    quick_desk = DeskFactory(code="FM", name="Facilities")
    quick_desk.confirm_timeout_days = 2
    quick_desk.save(update_fields=["confirm_timeout_days"])
    cleaning = TicketTypeFactory(desk=quick_desk, name="Cleaning", handlers=[people.handler])
    quick = submit(cleaning, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=quick.pk)
    services.ticket_complete(user=people.handler, ticket_id=quick.pk, note="Clean")
    slow = ticket_in(people, "to_confirm")
    quick.refresh_from_db()
    assert quick.processed_at is not None

    services.tickets_auto_confirm(now=quick.processed_at + timedelta(days=3))

    states = dict(Ticket.objects.values_list("number", "state"))
    assert states == {quick.number: "closed", slow.number: "to_confirm"}


def test_only_tickets_waiting_for_confirmation_are_closed(people: People) -> None:
    others = [ticket_in(people, state) for state in states_except("to_confirm")]
    before = [snapshot(t) for t in others]

    closed = services.tickets_auto_confirm(now=others[-1].submitted_at + timedelta(days=30))

    assert closed == 0
    assert [snapshot(t) for t in others] == before


def test_a_returned_ticket_is_not_auto_confirmed(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="Not fixed")
    assert ticket.processed_at is not None

    closed = services.tickets_auto_confirm(now=ticket.processed_at + timedelta(days=8))

    assert closed == 0
    assert Ticket.objects.get(pk=ticket.pk).state == "processing"


@pytest.mark.parametrize("runs", [1, 2])
def test_running_again_closes_nothing_twice(people: People, runs: int) -> None:
    ticket = ticket_in(people, "to_confirm")
    assert ticket.processed_at is not None
    later = ticket.processed_at + timedelta(days=8)

    results = [services.tickets_auto_confirm(now=later) for _ in range(runs)]

    assert results == [1, 0][:runs]
    assert [e.action for e in timeline(ticket)].count("auto_confirm") == 1
