"""Claiming (receiving) a pending ticket: ``POST /tickets/{id}/claim``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.core.errors import Conflict
from servicetickets.tickets import services
from tests.conftest import People
from tests.tickets.lifecycle import (
    assert_refused,
    snapshot,
    states_except,
    ticket_in,
    timeline,
)


def test_handler_claims_a_pending_ticket(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/claim")

    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "processing"
    assert body["assignee"] == "hank"
    assert body["accepted_at"] is not None
    assert body["processed_by"] is None and body["closed_at"] is None
    entry = body["timeline"][-1]
    assert entry["action"] == "claim" and entry["actor"] == "hank"
    assert (entry["from_state"], entry["to_state"]) == ("pending", "processing")
    assert entry["target"] is None
    after = snapshot(ticket)
    assert after.timeline == before.timeline + 1
    assert after.notifications == before.notifications  # nobody is reminded of a claim


def test_accepted_at_is_the_moment_of_the_claim(people: People) -> None:
    ticket = ticket_in(people, "pending")

    claimed = services.ticket_claim(user=people.handler2, ticket_id=ticket.pk)

    assert claimed.accepted_at == timeline(ticket)[-1].at


def test_second_claim_gets_conflict(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    assert api(people.handler).post(f"/tickets/{ticket.pk}/claim").status_code == 200
    before = snapshot(ticket)

    r = api(people.handler2).post(f"/tickets/{ticket.pk}/claim")

    assert_refused(r, 409, before, code="state_conflict")


@pytest.mark.parametrize("state", states_except("pending"))
def test_claim_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.handler2).post(f"/tickets/{ticket.pk}/claim")

    assert_refused(r, 409, before, code="state_conflict")


def test_claim_conflict_from_the_service_is_a_conflict_error(people: People) -> None:
    ticket = ticket_in(people, "processing")

    with pytest.raises(Conflict):
        services.ticket_claim(user=people.handler2, ticket_id=ticket.pk)


def test_claim_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/claim", {"assignee": "hank"})

    assert_refused(r, 422, before, field="assignee", code="invalid")


def test_claim_with_malformed_json_is_a_bad_request(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)
    hank = api(people.handler)

    r = hank.client.post(
        f"/api/v1/tickets/{ticket.pk}/claim",
        data="{",
        content_type="application/json",
        **hank.headers,
    )

    assert_refused(r, 400, before, code="bad_request")
