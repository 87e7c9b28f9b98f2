"""Cancelling one's own ticket: ``POST /tickets/{id}/cancel {reason?}``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.services import user_deactivate
from tests.conftest import People
from tests.factories import UserFactory
from tests.tickets.lifecycle import (
    assert_refused,
    recipients,
    snapshot,
    states_except,
    ticket_in,
)


def test_requester_cancels_a_pending_ticket_and_every_handler_is_told(
    people: People, api: Any
) -> None:
    gone = UserFactory(username="gone")
    people.ticket_type.handlers.add(gone)
    user_deactivate(user=gone)
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/cancel", {"reason": "Fixed it myself"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["resolution"]) == ("closed", "cancelled")
    assert body["closed_at"] is not None
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"]) == ("cancel", "alice")
    assert (entry["from_state"], entry["to_state"]) == ("pending", "closed")
    assert entry["note"] == "Fixed it myself"
    assert snapshot(ticket).timeline == before.timeline + 1
    assert recipients("cancelled", ticket) == {"hank", "hilda"}


def test_cancelling_a_processing_ticket_tells_the_assignee(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")

    r = api(people.requester).post(f"/tickets/{ticket.pk}/cancel")

    assert r.status_code == 200, r.content
    assert (r.json()["state"], r.json()["resolution"]) == ("closed", "cancelled")
    assert r.json()["timeline"][-1]["note"] == ""
    assert recipients("cancelled", ticket) == {"hank"}


@pytest.mark.parametrize("state", states_except("pending", "processing"))
def test_cancel_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/cancel")

    assert_refused(r, 409, before, code="state_conflict")


def test_cancel_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/cancel", {"why": "x"})

    assert_refused(r, 422, before, field="why", code="invalid")
