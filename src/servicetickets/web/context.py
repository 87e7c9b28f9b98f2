"""What every page's layout needs to know about the signed-in person: which areas to offer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Max
from django.http import HttpRequest

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Kind, Notification
from servicetickets.notifications.selectors import notification_count_for
from servicetickets.tickettypes.models import TicketType


@dataclass
class Areas:
    """The areas of the app a person may open; read lazily, so pages that never draw the
    navigation (fragments) cost no query."""

    user: User

    @cached_property
    def handles(self) -> bool:
        return TicketType.handlers.through.objects.filter(user_id=self.user.pk).exists()

    @cached_property
    def admin_desks(self) -> list[Desk]:
        if self.user.is_superuser:
            return list(Desk.objects.order_by("name"))
        return list(Desk.objects.filter(admins=self.user).order_by("name"))

    @cached_property
    def unread(self) -> int:
        return notification_count_for(user=self.user, unread=True)

    @cached_property
    def last_reminder_id(self) -> int:
        """Where the page's live stream starts: after what the page already counted."""
        last = Notification.objects.filter(recipient=self.user).aggregate(last=Max("pk"))
        return int(last["last"] or 0)

    @cached_property
    def reminder_kinds(self) -> str:
        """The stream's event names, for the page script's listeners."""
        return " ".join(Kind.values)

    @property
    def manages(self) -> bool:
        return bool(self.admin_desks)

    @property
    def site_admin(self) -> bool:
        return bool(self.user.is_superuser)


def areas(request: HttpRequest) -> dict[str, Areas | None]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"areas": None}
    return {"areas": Areas(user=user)}
