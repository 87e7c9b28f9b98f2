"""Rejecting a ticket: ``POST /tickets/{id}/reject {reason}``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People
from tests.tickets.lifecycle import (
    assert_refused,
    recipients,
    snapshot,
    states_except,
    ticket_in,
)


@pytest.mark.parametrize("state", ["pending", "processing"])
def test_handler_rejects_an_open_ticket_and_the_requester_is_told(
    people: People, api: Any, state: str
) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/reject", {"reason": "Not our job"})

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["resolution"]) == ("closed", "rejected")
    assert body["closed_at"] is not None
    assert body["processed_by"] is None and body["processed_at"] is None
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"], entry["note"]) == ("reject", "hank", "Not our job")
    assert (entry["from_state"], entry["to_state"]) == (state, "closed")
    assert snapshot(ticket).timeline == before.timeline + 1
    assert recipients("rejected", ticket) == {"alice"}


def test_other_handler_may_reject_a_pending_ticket(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")

    r = api(people.handler2).post(f"/tickets/{ticket.pk}/reject", {"reason": "Duplicate"})

    assert r.status_code == 200, r.content
    assert r.json()["resolution"] == "rejected"


@pytest.mark.parametrize("state", states_except("pending", "processing"))
def test_reject_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/reject", {"reason": "Too late"})

    assert_refused(r, 409, before, code="state_conflict")


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, None], ids=["missing", "empty", "blank", "none"]
)
def test_reject_without_a_reason_names_reason(people: People, api: Any, body: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/reject", body)

    assert_refused(r, 422, before, field="reason", code="invalid")


def test_reject_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/reject", {"reason": "x", "note": "y"})

    assert_refused(r, 422, before, field="note", code="invalid")
