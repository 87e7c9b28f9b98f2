"""Every kind of reminder of SPEC.md §4 (overdue comes with SLA targets) is produced by its
action, sits in the recipient's inbox, and is replayed by the stream to a client reconnecting
from before it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Kind, Notification
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit
from tests.notifications.streams import Stream, bearer, run
from tests.tickets.lifecycle import ticket_in

pytestmark = pytest.mark.django_db(transaction=True)


def _submitted(p: People) -> tuple[Ticket, User]:
    return submit(p.ticket_type, p.requester), p.handler


def _transferred(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "processing")
    services.ticket_transfer(user=p.handler, ticket_id=t.pk, to="hilda")
    return t, p.handler2


def _returned(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "to_confirm")
    services.ticket_return(user=p.requester, ticket_id=t.pk, reason="Still broken")
    return t, p.handler


def _urged(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "processing")
    services.ticket_urge(user=p.requester, ticket_id=t.pk)
    return t, p.handler


def _rejected(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "pending")
    services.ticket_reject(user=p.handler, ticket_id=t.pk, reason="Out of scope")
    return t, p.requester


def _completed(p: People) -> tuple[Ticket, User]:
    return ticket_in(p, "to_confirm"), p.requester


def _commented(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "processing")
    services.ticket_comment(user=p.handler, ticket_id=t.pk, text="On my way")
    return t, p.requester


def _mentioned(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "processing")
    services.ticket_comment(user=p.handler, ticket_id=t.pk, text="@hilda, a second pair of eyes?")
    return t, p.handler2


def _cancelled(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "processing")
    services.ticket_cancel(user=p.requester, ticket_id=t.pk)
    return t, p.handler


def _confirm_reminder(p: People) -> tuple[Ticket, User]:
    t = ticket_in(p, "to_confirm")
    assert t.processed_at is not None
    services.tickets_confirm_remind(now=t.processed_at + timedelta(days=6, minutes=1))
    return t, p.requester


CAUSES: dict[str, Callable[[People], tuple[Ticket, User]]] = {
    Kind.NEW_TICKET: _submitted,
    Kind.TRANSFERRED: _transferred,
    Kind.RETURNED: _returned,
    Kind.URGED: _urged,
    Kind.REJECTED: _rejected,
    Kind.COMPLETED: _completed,
    Kind.COMMENTED: _commented,
    Kind.MENTIONED: _mentioned,
    Kind.CANCELLED: _cancelled,
    Kind.CONFIRM_REMINDER: _confirm_reminder,
}


def test_every_kind_but_overdue_has_a_cause_here() -> None:
    assert set(Kind.values) - set(CAUSES) == {Kind.OVERDUE}


@pytest.mark.parametrize("kind", list(CAUSES))
def test_each_kind_reaches_inbox_and_replay(people: People, api: Any, kind: str) -> None:
    ticket, recipient = CAUSES[kind](people)
    row = Notification.objects.filter(recipient=recipient, kind=kind, ticket=ticket).get()
    inbox = api(recipient).get("/notifications").json()["results"]
    assert row.pk in {n["id"] for n in inbox}
    headers = {**bearer(recipient), "Last-Event-ID": str(row.pk - 1)}

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            replayed.extend(s.events())

    replayed: list[dict[str, Any]] = []
    run(go)
    assert (replayed[0]["id"], replayed[0]["event"]) == (row.pk, kind)
    assert replayed[0]["data"]["ticket_id"] == ticket.pk
