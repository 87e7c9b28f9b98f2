"""The timeline: every action appends exactly one entry, in the same transaction, and entries
are never rewritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket, TimelineEntry
from tests.conftest import People
from tests.tickets.lifecycle import ticket_in, timeline

Act = Callable[[People, Ticket], Ticket]

#: action -> (state it starts from, how it is taken, (actor, from, to, note, target))
CASES: dict[str, tuple[str, Act, tuple[str, str, str, str, str | None]]] = {
    "claim": (
        "pending",
        lambda p, t: services.ticket_claim(user=p.handler, ticket_id=t.pk),
        ("hank", "pending", "processing", "", None),
    ),
    "transfer": (
        "processing",
        lambda p, t: services.ticket_transfer(
            user=p.handler, ticket_id=t.pk, to="hilda", note="Yours"
        ),
        ("hank", "processing", "processing", "Yours", "hilda"),
    ),
    "reject": (
        "pending",
        lambda p, t: services.ticket_reject(user=p.handler2, ticket_id=t.pk, reason="Dup"),
        ("hilda", "pending", "closed", "Dup", None),
    ),
    "complete": (
        "processing",
        lambda p, t: services.ticket_complete(user=p.handler, ticket_id=t.pk, note="Done"),
        ("hank", "processing", "to_confirm", "Done", None),
    ),
    "confirm": (
        "to_confirm",
        lambda p, t: services.ticket_confirm(user=p.requester, ticket_id=t.pk, comment="Ta"),
        ("alice", "to_confirm", "closed", "Ta", None),
    ),
    "return": (
        "to_confirm",
        lambda p, t: services.ticket_return(user=p.requester, ticket_id=t.pk, reason="No"),
        ("alice", "to_confirm", "processing", "No", "hank"),
    ),
    "cancel": (
        "processing",
        lambda p, t: services.ticket_cancel(user=p.requester, ticket_id=t.pk, reason="Moot"),
        ("alice", "processing", "closed", "Moot", None),
    ),
    "comment": (
        "to_confirm",
        lambda p, t: services.ticket_comment(user=p.admin, ticket_id=t.pk, text="Hi"),
        ("admin", "to_confirm", "to_confirm", "Hi", None),
    ),
    "urge": (
        "pending",
        lambda p, t: services.ticket_urge(user=p.requester, ticket_id=t.pk),
        ("alice", "pending", "pending", "", None),
    ),
}


@pytest.mark.parametrize("action", list(CASES))
def test_every_action_appends_exactly_one_entry(people: People, action: str) -> None:
    state, act, (actor, from_state, to_state, note, target) = CASES[action]
    ticket = ticket_in(people, state)
    earlier = timeline(ticket)

    act(people, ticket)

    entries = timeline(ticket)
    assert entries[: len(earlier)] == earlier
    [entry] = entries[len(earlier) :]
    assert entry.action == action
    assert entry.actor is not None and entry.actor.username == actor
    assert (entry.from_state, entry.to_state, entry.note) == (from_state, to_state, note)
    assert (entry.target.username if entry.target else None) == target
    assert entry.at >= earlier[-1].at


def test_the_api_shows_the_timeline_in_order(people: People, api: Any) -> None:
    ticket = ticket_in(people, "closed_resolved")

    r = api(people.requester).get(f"/tickets/{ticket.pk}")

    assert r.status_code == 200, r.content
    shown = r.json()["timeline"]
    assert [e["action"] for e in shown] == ["submit", "claim", "complete", "confirm"]
    assert set(shown[0]) >= {"at", "actor", "action", "from_state", "to_state", "note", "target"}
    assert [e["at"] for e in shown] == sorted(e["at"] for e in shown)


def test_an_entry_cannot_be_saved_again(people: People) -> None:
    ticket = ticket_in(people, "pending")
    entry = TimelineEntry.objects.get(ticket=ticket)
    entry.note = "rewritten"

    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()

    assert TimelineEntry.objects.get(pk=entry.pk).note == ""


def test_the_list_does_not_carry_timelines(people: People, api: Any) -> None:
    ticket_in(people, "processing")

    r = api(people.requester).get("/tickets")

    assert r.status_code == 200, r.content
    assert r.json()["results"][0]["timeline"] is None
