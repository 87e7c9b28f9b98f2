"""Confirming the result: ``POST /tickets/{id}/confirm {rating?, comment?}``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People
from tests.tickets.lifecycle import (
    assert_refused,
    snapshot,
    states_except,
    ticket_in,
)


def test_requester_confirms_with_a_rating_and_a_comment(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)

    r = api(people.requester).post(
        f"/tickets/{ticket.pk}/confirm", {"rating": 5, "comment": "Quick, thanks"}
    )

    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["state"], body["resolution"], body["rating"]) == ("closed", "resolved", 5)
    assert body["closed_at"] is not None
    assert body["processed_by"] == "hank"
    entry = body["timeline"][-1]
    assert (entry["action"], entry["actor"], entry["note"]) == ("confirm", "alice", "Quick, thanks")
    assert (entry["from_state"], entry["to_state"]) == ("to_confirm", "closed")
    after = snapshot(ticket)
    assert after.timeline == before.timeline + 1
    assert after.notifications == before.notifications


@pytest.mark.parametrize("body", [None, {}, {"rating": None}], ids=["no-body", "empty", "null"])
def test_rating_is_optional(people: People, api: Any, body: Any) -> None:
    ticket = ticket_in(people, "to_confirm")

    r = api(people.requester).post(f"/tickets/{ticket.pk}/confirm", body)

    assert r.status_code == 200, r.content
    assert (r.json()["resolution"], r.json()["rating"]) == ("resolved", None)


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_every_rating_from_one_to_five_is_kept(people: People, api: Any, rating: int) -> None:
    ticket = ticket_in(people, "to_confirm")

    r = api(people.requester).post(f"/tickets/{ticket.pk}/confirm", {"rating": rating})

    assert r.status_code == 200, r.content
    assert r.json()["rating"] == rating


@pytest.mark.parametrize("rating", [0, 6, -1, 4.5, "5", True], ids=repr)
def test_rating_outside_one_to_five_names_rating(people: People, api: Any, rating: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/confirm", {"rating": rating})

    assert_refused(r, 422, before, field="rating", code="invalid")


@pytest.mark.parametrize("state", states_except("to_confirm"))
def test_confirm_is_refused_in_every_other_state(people: People, api: Any, state: str) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/confirm", {"rating": 5})

    assert_refused(r, 409, before, code="state_conflict")


def test_confirm_with_an_unknown_property_names_it(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)

    r = api(people.requester).post(f"/tickets/{ticket.pk}/confirm", {"stars": 5})

    assert_refused(r, 422, before, field="stars", code="invalid")
