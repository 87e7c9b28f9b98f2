"""Reads of a user's inbox, under the same visibility rule as tickets."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import visible_q


def notification_list_for(*, user: User) -> QuerySet[Notification]:
    """The user's reminders about tickets they may still see (a handler taken off a type no
    longer sees its untouched tickets, nor reminders about them)."""
    visible = Ticket.objects.filter(visible_q(user), pk=OuterRef("ticket_id"))
    return Notification.objects.filter(Exists(visible), recipient_id=user.pk)
