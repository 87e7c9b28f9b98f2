"""Urging an open ticket: ``POST /tickets/{id}/urge``, at most once an hour."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from servicetickets.accounts.services import user_deactivate
from servicetickets.tickets import services
from servicetickets.tickets.models import TimelineEntry
from tests.conftest import People
from tests.factories import UserFactory
from tests.tickets.lifecycle import (
    OPEN_STATES,
    api_state,
    assert_refused,
    recipients,
    reminders,
    snapshot,
    states_except,
    ticket_in,
)


def test_urging_a_pending_ticket_reminds_every_active_handler(people: People, api: Any) -> None:
    gone = UserFactory(username="gone")
    people.ticket_type.handlers.add(gone)
    user_deactivate(user=gone)
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/urge")

    assert r.status_code == 200, r.content
    assert r.json()["state"] == "pending"
    entry = r.json()["timeline"][-1]
    assert (entry["action"], entry["actor"]) == ("urge", "alice")
    assert entry["from_state"] == entry["to_state"] == "pending"
    after = snapshot(ticket)
    assert after.timeline == before.timeline + 1
    assert after.ticket == before.ticket
    assert recipients("urged", ticket) == {"hank", "hilda"}


def test_urging_a_processing_ticket_reminds_the_assignee_only(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")

    r = api(people.requester).post(f"/tickets/{ticket.pk}/urge", {})

    assert r.status_code == 200, r.content
    assert recipients("urged", ticket) == {"hank"}


@pytest.mark.parametrize("state", OPEN_STATES)
def test_second_urge_within_the_hour_is_too_many(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    alice = api(people.requester)
    assert alice.post(f"/tickets/{ticket.pk}/urge").status_code == 200
    before = snapshot(ticket)

    r = alice.post(f"/tickets/{ticket.pk}/urge")

    assert_refused(r, 429, before, code="too_soon")


def test_urge_is_allowed_again_after_the_hour(people: People) -> None:
    ticket = ticket_in(people, "processing")
    services.ticket_urge(user=people.requester, ticket_id=ticket.pk)
    earlier = TimelineEntry.objects.get(ticket=ticket, action="urge")
    TimelineEntry.objects.filter(pk=earlier.pk).update(at=earlier.at - timedelta(minutes=61))

    services.ticket_urge(user=people.requester, ticket_id=ticket.pk)

    assert [r for r in reminders(ticket=ticket) if r[1] == "urged"] == [
        ("hank", "urged", ticket.number),
        ("hank", "urged", ticket.number),
    ]


def test_urges_of_different_tickets_do_not_count_together(people: People, api: Any) -> None:
    first, second = ticket_in(people, "pending"), ticket_in(people, "pending")
    alice = api(people.requester)
    assert alice.post(f"/tickets/{first.pk}/urge").status_code == 200

    r = alice.post(f"/tickets/{second.pk}/urge")

    assert r.status_code == 200, r.content
    assert api_state("pending") == (r.json()["state"], r.json()["resolution"])


@pytest.mark.parametrize("state", states_except(*OPEN_STATES))
def test_urge_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/urge")

    assert_refused(r, 409, before, code="state_conflict")


def test_urge_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/urge", {"loud": True})

    assert_refused(r, 422, before, field="loud", code="invalid")
