"""Returning a result as not resolved: ``POST /tickets/{id}/return {reason}``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickets import services
from tests.conftest import People
from tests.tickets.lifecycle import (
    assert_refused,
    recipients,
    snapshot,
    states_except,
    ticket_in,
)


def test_requester_returns_it_to_the_processor_who_is_told(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/return", {"reason": "Still jams"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "processing"
    assert body["assignee"] == "hank"
    assert body["return_count"] == 1
    assert body["resolution"] is None and body["closed_at"] is None
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"], entry["note"]) == ("return", "alice", "Still jams")
    assert (entry["from_state"], entry["to_state"]) == ("to_confirm", "processing")
    assert entry["target"] == "hank"
    assert snapshot(ticket).timeline == before.timeline + 1
    assert recipients("returned", ticket) == {"hank"}


def test_return_goes_to_whoever_processed_it(people: People) -> None:
    ticket = ticket_in(people, "processing")
    services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")
    services.ticket_complete(user=people.handler2, ticket_id=ticket.pk, note="Done")

    returned = services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="No")

    assert returned.assignee == people.handler2
    assert recipients("returned", ticket) == {"hilda"}


def test_return_keeps_accepted_at_and_the_processing_record(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")

    returned = services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="No")

    assert returned.accepted_at == ticket.accepted_at
    assert returned.processed_by == ticket.processed_by
    assert returned.processed_at == ticket.processed_at


def test_each_return_counts(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    for _ in range(2):
        services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="No")
        services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Again")

    ticket.refresh_from_db()
    assert ticket.return_count == 2


@pytest.mark.parametrize("state", states_except("to_confirm"))
def test_return_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/return", {"reason": "No"})

    assert_refused(r, 409, before, code="state_conflict")


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "  "}], ids=["missing", "empty", "blank"]
)
def test_return_without_a_reason_names_reason(people: People, api: Any, body: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/return", body)

    assert_refused(r, 422, before, field="reason", code="invalid")
