"""Writing reminders. Always called inside the transaction of the action that causes them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket


def notify(
    *, recipients: Iterable[User | None], kind: str, ticket: Ticket, actor: User | None
) -> int:
    """One inbox row per distinct active recipient other than the actor; returns how many."""
    if not transaction.get_connection().in_atomic_block:
        # A reminder outside its action's transaction could be lost or sent for a change that
        # was rolled back. A programming error, never a user's: not translated.
        raise RuntimeError("Reminders are written in the transaction of their action.")
    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, kind=kind, ticket=ticket, actor=actor, created_at=now)
        )
    Notification.objects.bulk_create(rows)
    return len(rows)
