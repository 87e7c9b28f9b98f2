from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from servicetickets.core.auth import caller
from servicetickets.core.errors import NotFound
from servicetickets.notifications.models import Kind, Notification
from servicetickets.notifications.selectors import notification_list_for

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    ticket_id: int
    ticket_number: str
    text: str
    created_at: datetime
    read: bool


class NotificationList(Schema):
    count: int
    results: list[NotificationOut]


def notification_text(n: Notification) -> str:
    """The sentence shown to the recipient, in their language at reading time."""
    who = n.actor.display_name if n.actor is not None else _("Service Tickets")
    number = n.ticket.number
    texts = {
        Kind.NEW_TICKET: _("New ticket %(number)s from %(who)s."),
        Kind.TRANSFERRED: _("%(who)s transferred %(number)s to you."),
        Kind.RETURNED: _("%(who)s returned %(number)s as not resolved."),
        Kind.URGED: _("%(who)s urged %(number)s."),
        Kind.REJECTED: _("%(who)s rejected %(number)s."),
        Kind.COMPLETED: _("%(who)s completed %(number)s; please confirm the result."),
        Kind.COMMENTED: _("%(who)s commented on %(number)s."),
        Kind.CANCELLED: _("%(who)s cancelled %(number)s."),
        Kind.CONFIRM_REMINDER: _("%(number)s is waiting for your confirmation."),
        Kind.OVERDUE: _("%(number)s is overdue."),
    }
    return texts.get(Kind(n.kind), "%(number)s") % {"who": who, "number": number}


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        ticket_id=n.ticket_id,
        ticket_number=n.ticket.number,
        text=notification_text(n),
        created_at=n.created_at,
        read=n.read_at is not None,
    )


@router.get("/notifications", response=NotificationList)
def list_notifications(
    request: HttpRequest, unread: bool = False, limit: int = 50
) -> NotificationList:
    qs = notification_list_for(user=caller(request))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    rows = qs.select_related("ticket", "actor")[: max(1, min(limit, 200))]
    return NotificationList(count=qs.count(), results=[notification_out(n) for n in rows])


@router.post("/notifications/read-all", response={204: None})
def read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=caller(request), read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return HttpResponse(status=204)


@router.post("/notifications/{notification_id}/read", response={204: None})
def read_one(request: HttpRequest, notification_id: int) -> HttpResponse:
    mine = notification_list_for(user=caller(request)).filter(pk=notification_id)
    # Reading again keeps the first reading time.
    if not mine.filter(read_at__isnull=True).update(read_at=timezone.now()) and not mine.exists():
        raise NotFound(_("No notification with that id."))
    return HttpResponse(status=204)
