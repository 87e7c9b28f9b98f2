"""A hundred handlers claim one ticket at the same moment, each by its own HTTP request to a
real server process: exactly one wins, the 99 others get the documented conflict, and the
ticket, its timeline and its reminders show one claim by the winner.

Through a server rather than a hundred threads with their own connections: that is how claims
really race, and the server's bounded connection pool (8 per process) keeps PostgreSQL's
connection limit out of the way, so the row lock alone decides."""

from __future__ import annotations

from collections import Counter

import pytest

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import State, TimelineEntry
from tests.concurrency import run_together
from tests.conftest import People
from tests.factories import UserFactory, submit
from tests.security.races.conftest import Caller
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMERS = 100


def test_a_hundred_simultaneous_claims_have_exactly_one_winner(
    people: People, server: Server
) -> None:
    handlers = [UserFactory(username=f"claimer{i:03d}") for i in range(CLAIMERS)]
    people.ticket_type.handlers.add(*handlers)
    ticket = submit(people.ticket_type, people.requester)
    callers = [Caller(server, handler) for handler in handlers]

    responses = run_together([lambda c=c: c.post(f"/tickets/{ticket.pk}/claim") for c in callers])

    statuses = Counter(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == {200: 1, 409: CLAIMERS - 1}, statuses
    [winner] = [c.username for c, r in zip(callers, responses, strict=True) if r.status_code == 200]
    for refused in (r for r in responses if r.status_code == 409):
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("state_conflict", None)
        assert "cannot be claimed" in error["message"]

    ticket.refresh_from_db()
    assert (ticket.state, _name(ticket.assignee)) == (State.PROCESSING, winner)
    assert (_name(ticket.received_by), ticket.accepted_at is not None) == (winner, True)
    claims = TimelineEntry.objects.filter(ticket=ticket, action="claim")
    assert [(_name(c.actor), c.from_state, c.to_state) for c in claims] == [
        (winner, State.PENDING, State.PROCESSING)
    ]
    shown = callers[0].get(f"/tickets/{ticket.pk}").json()
    assert [e["action"] for e in shown["timeline"]] == ["submit", "claim"]
    # A claim reminds nobody: every handler keeps the one new-ticket reminder of the
    # submission, and no loser's rolled-back attempt left a row behind.
    reminders = Notification.objects.filter(ticket=ticket)
    assert Counter(n.kind for n in reminders) == {"new_ticket": CLAIMERS + 2}
    assert sorted(n.recipient.username for n in reminders) == sorted(
        ["hank", "hilda", *(h.username for h in handlers)]
    )


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None
