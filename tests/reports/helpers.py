"""Tickets with exact times for the report tests, and reading the reports as a client does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.models import TicketType
from tests.conftest import Api
from tests.factories import submit

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
REPORTS = ("status", "status-by-person", "efficiency", "efficiency-by-person")


def base() -> datetime:
    """A moment well inside the default period (the last 6 months)."""
    return timezone.now().replace(microsecond=0) - timedelta(days=20)


def report(user: User, name: str, **params: Any) -> Any:
    response = Api(user).get(f"/reports/{name}", params)
    assert response.status_code == 200, response.content
    return response.json()


def rows(user: User, name: str, **params: Any) -> dict[str, dict[str, Any]]:
    """A by-person report keyed by username."""
    return {row["username"]: row for row in report(user, name, **params)}


def new_ticket(kind: TicketType, requester: User) -> Ticket:
    return submit(kind, requester)


def claim(ticket: Ticket, user: User) -> None:
    services.ticket_claim(user=user, ticket_id=ticket.pk)


def transfer(ticket: Ticket, user: User, to: User) -> None:
    services.ticket_transfer(user=user, ticket_id=ticket.pk, to=to.username)


def complete(ticket: Ticket, user: User) -> None:
    services.ticket_complete(user=user, ticket_id=ticket.pk, note="Done")


def confirm(ticket: Ticket, user: User) -> None:
    services.ticket_confirm(user=user, ticket_id=ticket.pk)


def reject(ticket: Ticket, user: User) -> None:
    services.ticket_reject(user=user, ticket_id=ticket.pk, reason="Not ours")


def give_back(ticket: Ticket, user: User) -> None:
    services.ticket_return(user=user, ticket_id=ticket.pk, reason="Still broken")


def cancel(ticket: Ticket, user: User) -> None:
    services.ticket_cancel(user=user, ticket_id=ticket.pk, reason="Never mind")


def times(
    ticket: Ticket,
    *,
    submitted: datetime,
    accepted: timedelta | None = None,
    processed: timedelta | None = None,
    response_due: timedelta | None = None,
    processing_due: timedelta | None = None,
) -> None:
    """Set the ticket's times exactly: ``accepted``/``processed`` and the due times after
    ``submitted`` (a due time not given is left as submission set it)."""
    values: dict[str, Any] = {"submitted_at": submitted}
    for column, after in (
        ("accepted_at", accepted),
        ("processed_at", processed),
        ("response_due_at", response_due),
        ("processing_due_at", processing_due),
    ):
        if after is not None:
            values[column] = submitted + after
    Ticket.objects.filter(pk=ticket.pk).update(**values)
