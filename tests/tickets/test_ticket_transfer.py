"""Transferring a ticket to another handler: ``POST /tickets/{id}/transfer {to, note?}``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.services import user_deactivate
from servicetickets.tickets import services
from tests.conftest import People
from tests.factories import UserFactory
from tests.tickets.lifecycle import (
    assert_refused,
    recipients,
    snapshot,
    states_except,
    ticket_in,
    timeline,
)


def test_handler_transfers_a_pending_ticket(people: People, api: Any) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)

    r = api(people.handler).post(
        f"/tickets/{ticket.pk}/transfer", {"to": "hilda", "note": "Printers are yours"}
    )

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["assignee"]) == ("processing", "hilda")
    assert body["accepted_at"] is not None
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"], entry["target"]) == ("transfer", "hank", "hilda")
    assert (entry["from_state"], entry["to_state"]) == ("pending", "processing")
    assert entry["note"] == "Printers are yours"
    assert snapshot(ticket).timeline == before.timeline + 1
    assert recipients("transferred", ticket) == {"hilda"}


def test_transfer_of_a_pending_ticket_marks_it_accepted(people: People) -> None:
    ticket = ticket_in(people, "pending")

    moved = services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    assert moved.accepted_at == timeline(ticket)[-1].at


def test_assignee_transfers_a_processing_ticket_without_moving_accepted_at(
    people: People, api: Any
) -> None:
    ticket = ticket_in(people, "processing")

    r = api(people.handler).post(f"/tickets/{ticket.pk}/transfer", {"to": "hilda"})

    assert r.status_code == 200, r.content
    assert r.json()["assignee"] == "hilda"
    ticket_after = type(ticket).objects.get(pk=ticket.pk)
    assert ticket_after.accepted_at == ticket.accepted_at
    assert r.json()["timeline"][-1]["note"] == ""
    assert recipients("transferred", ticket) == {"hilda"}


def test_transferred_ticket_can_be_transferred_back(people: People) -> None:
    ticket = ticket_in(people, "pending")
    first = services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    back = services.ticket_transfer(user=people.handler2, ticket_id=ticket.pk, to="hank")

    assert back.assignee == people.handler
    assert back.accepted_at == first.accepted_at
    assert recipients("transferred", ticket) == {"hank", "hilda"}


@pytest.mark.parametrize("state", states_except("pending", "processing"))
def test_transfer_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/transfer", {"to": "hilda"})

    assert_refused(r, 409, before, code="state_conflict")


@pytest.mark.parametrize("state", ["pending", "processing"])
@pytest.mark.parametrize(
    "to",
    ["nobody", "olga", "gone", "hank"],
    ids=["unknown-user", "not-a-handler", "deactivated-handler", "self"],
)
def test_transfer_target_must_be_another_active_handler(
    people: People, api: Any, state: str, to: str
) -> None:
    gone = UserFactory(username="gone")
    people.ticket_type.handlers.add(gone)
    user_deactivate(user=gone)
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/transfer", {"to": to})

    assert_refused(r, 422, before, field="to", code="invalid")


def test_transfer_without_a_target_names_to(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/transfer", {"note": "Anyone?"})

    assert_refused(r, 422, before, field="to", code="invalid")


def test_transfer_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)

    r = api(people.handler).post(f"/tickets/{ticket.pk}/transfer", {"to": "hilda", "why": "x"})

    assert_refused(r, 422, before, field="why", code="invalid")


def test_transfer_with_malformed_json_is_a_bad_request(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)
    hank = api(people.handler)

    r = hank.client.post(
        f"/api/v1/tickets/{ticket.pk}/transfer",
        data='{"to": hilda}',
        content_type="application/json",
        **hank.headers,
    )

    assert_refused(r, 400, before, code="bad_request")
