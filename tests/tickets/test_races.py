"""Concurrency with real threads, each on its own database connection, on SQLite (IMMEDIATE
transactions and a busy timeout serialise writers) and on PostgreSQL (row locks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from servicetickets.core.errors import Conflict, Invalid
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.uploads.models import Upload
from tests.concurrency import run_together
from tests.conftest import People
from tests.factories import UserFactory, submit
from tests.tickets.lifecycle import upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_handlers_claiming_at_once_exactly_one_wins(people: People) -> None:
    handlers = [UserFactory(username=f"handler{i}") for i in range(10)]
    people.ticket_type.handlers.add(*handlers)
    ticket = submit(people.ticket_type, people.requester)

    results = run_together(
        [lambda u=u: services.ticket_claim(user=u, ticket_id=ticket.pk) for u in handlers]
    )

    winners = [r for r in results if isinstance(r, Ticket)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 9), results
    ticket.refresh_from_db()
    assert ticket.state == "processing"
    assert ticket.assignee == winners[0].assignee
    claims = TimelineEntry.objects.filter(ticket=ticket, action="claim")
    assert [c.actor_id for c in claims] == [ticket.assignee_id]


def test_twenty_submissions_at_once_get_twenty_consecutive_numbers(people: People) -> None:
    results = run_together(
        [lambda: submit(people.ticket_type, people.requester) for _ in range(20)]
    )

    assert all(isinstance(r, Ticket) for r in results), results
    numbers = sorted(r.number for r in results)
    assert numbers == [f"IT-{n:06d}" for n in range(1, 21)]
    people.desk.refresh_from_db()
    assert people.desk.last_number == 20


def test_twenty_writers_at_once_never_find_the_database_locked(people: People) -> None:
    """Submissions, comments, urges and claims on several tickets at the same time all go
    through (each either succeeds or is refused by a rule, never by the database)."""
    tickets = [submit(people.ticket_type, people.requester) for _ in range(4)]
    alice, hank, hilda = people.requester, people.handler, people.handler2

    def writer(i: int) -> Callable[[], Any]:
        ticket_id = tickets[i % 4].pk
        return [
            lambda: submit(people.ticket_type, alice),
            lambda: services.ticket_comment(user=hilda, ticket_id=ticket_id, text=f"Note {i}"),
            lambda: services.ticket_urge(user=alice, ticket_id=ticket_id),
            lambda: services.ticket_claim(user=hank, ticket_id=ticket_id),
            lambda: services.ticket_comment(user=alice, ticket_id=ticket_id, text=f"Hi {i}"),
        ][i % 5]

    results = run_together([writer(i) for i in range(20)])

    unexpected = [r for r in results if isinstance(r, Exception) and not _by_rule(r)]
    assert unexpected == []
    assert Ticket.objects.count() == 4 + 4
    assert TimelineEntry.objects.filter(action="comment").count() == 8
    assert TimelineEntry.objects.filter(action="claim").count() == 4


def test_one_file_attached_from_two_tickets_at_once_goes_to_exactly_one(
    people: People,
) -> None:
    first, second = (submit(people.ticket_type, people.requester) for _ in range(2))
    shared = str(upload(people.requester).pk)

    results = run_together(
        [
            lambda t=t: services.ticket_comment(
                user=people.requester, ticket_id=t.pk, text="See file", attachments=[shared]
            )
            for t in (first, second)
        ]
    )

    refused = [r for r in results if isinstance(r, Invalid)]
    assert len(refused) == 1, results
    assert refused[0].field == "attachments"
    owner = Upload.objects.get(pk=shared).ticket_id
    commented = TimelineEntry.objects.filter(action="comment").values_list("ticket_id", flat=True)
    assert list(commented) == [owner]


def _by_rule(exc: Exception) -> bool:
    """Refusals the rules make under contention: a second claim, a second urge in the hour."""
    return getattr(exc, "code", "") in ("state_conflict", "too_soon")
