"""Reads of a user's inbox, under the same visibility rule as tickets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Kind, Notification, Preference
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import visible_q


def notification_list_for(*, user: User) -> QuerySet[Notification]:
    """The user's reminders about tickets they may still see (a handler taken off a type no
    longer sees its untouched tickets, nor reminders about them). Cheap for a page of rows;
    count with ``notification_count_for``."""
    visible = Ticket.objects.filter(visible_q(user), pk=OuterRef("ticket_id"))
    return Notification.objects.filter(Exists(visible), recipient_id=user.pk)


def notification_count_for(*, user: User, unread: bool = False) -> int:
    """How many reminders the user has, read from the (recipient, read_at) index alone: the
    visibility check per row would cost ~25x at 100k rows, and reminders about tickets a user
    can no longer see are deleted when they lose the role (``reminders_prune``)."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.count()


@dataclass(frozen=True)
class Channels:
    app: bool = True
    email: bool = True


def preferences_of(*, users: Iterable[User], kind: str) -> dict[int, Channels]:
    """Each user's channels for one kind (one query for all of them)."""
    ids = [user.pk for user in users]
    chosen = {
        row.user_id: Channels(app=row.app, email=row.email)
        for row in Preference.objects.filter(user_id__in=ids, kind=kind)
    }
    return {pk: chosen.get(pk, Channels()) for pk in ids}


def preferences_list(*, user: User) -> list[tuple[str, Channels]]:
    """Every kind with the user's channels for it, in the kinds' order."""
    chosen = {
        row.kind: Channels(app=row.app, email=row.email)
        for row in Preference.objects.filter(user=user)
    }
    return [(kind, chosen.get(kind, Channels())) for kind in Kind.values]
