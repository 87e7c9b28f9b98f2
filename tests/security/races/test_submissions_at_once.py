"""Fifty submissions to one desk at the same moment, each its own HTTP request to a real server
process: fifty tickets with fifty unique, consecutive numbers, the desk's counter at fifty, and
each ticket with its one submit entry and its reminders."""

from __future__ import annotations

from collections import Counter

import pytest

from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket, TimelineEntry
from tests.concurrency import run_together
from tests.conftest import People
from tests.factories import UserFactory
from tests.security.races.conftest import Caller
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 50


def test_fifty_simultaneous_submissions_get_fifty_consecutive_numbers(
    people: People, server: Server
) -> None:
    # Several requesters, so the desk row is the only thing the submissions share.
    callers = [
        Caller(server, UserFactory(username=f"requester{i:02d}")) for i in range(SUBMISSIONS)
    ]
    path = f"/types/{people.ticket_type.pk}/tickets"

    responses = run_together(
        [
            lambda c=c, i=i: c.post(path, {"title": f"Load {i}", "data": {"summary": f"S{i}"}})
            for i, c in enumerate(callers)
        ]
    )

    assert Counter(getattr(r, "status_code", repr(r)) for r in responses) == {201: SUBMISSIONS}
    answered = sorted(r.json()["number"] for r in responses)
    assert answered == [f"IT-{n:06d}" for n in range(1, SUBMISSIONS + 1)]
    stored = Ticket.objects.order_by("number")
    assert [(t.number, t.requester.username) for t in stored] == sorted(
        (r.json()["number"], c.username) for c, r in zip(callers, responses, strict=True)
    )
    people.desk.refresh_from_db()
    assert people.desk.last_number == SUBMISSIONS
    entries = TimelineEntry.objects.filter(action="submit")
    assert Counter(e.ticket_id for e in entries) == {t.pk: 1 for t in stored}
    reminders = Notification.objects.filter(kind="new_ticket")
    assert Counter((n.ticket_id, n.recipient.username) for n in reminders) == {
        (t.pk, handler): 1 for t in stored for handler in ("hank", "hilda")
    }
