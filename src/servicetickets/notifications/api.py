from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from servicetickets.core.auth import caller
from servicetickets.core.errors import Invalid
from servicetickets.core.schemas import InSchema
from servicetickets.notifications.models import Kind, Notification
from servicetickets.notifications.selectors import (
    notification_count_for,
    notification_list_for,
    preferences_list,
)
from servicetickets.notifications.services import (
    Choice,
    notification_read,
    notifications_read_all,
    preferences_set,
)
from servicetickets.notifications.texts import reminder_text

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


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        ticket_id=n.ticket_id,
        ticket_number=n.ticket.number,
        text=reminder_text(kind=n.kind, number=n.ticket.number, actor=n.actor),
        created_at=n.created_at,
        read=n.read_at is not None,
    )


@router.get("/notifications", response=NotificationList)
def list_notifications(
    request: HttpRequest, unread: bool = False, limit: int = 50
) -> NotificationList:
    user = caller(request)
    qs = notification_list_for(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    rows = qs.select_related("ticket", "actor")[: max(1, min(limit, 200))]
    count = notification_count_for(user=user, unread=unread)
    return NotificationList(count=count, results=[notification_out(n) for n in rows])


@router.post("/notifications/read-all", response={204: None})
def read_all(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user=caller(request))
    return HttpResponse(status=204)


@router.post("/notifications/{notification_id}/read", response={204: None})
def read_one(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Reading again keeps the first reading time; 404 for a reminder not the caller's.
    notification_read(user=caller(request), notification_id=notification_id)
    return HttpResponse(status=204)


class PreferenceOut(Schema):
    kind: str
    label: str
    app: bool
    email: bool


class PreferencesOut(Schema):
    kinds: list[PreferenceOut]


class PreferenceIn(InSchema):
    kind: str
    app: bool | None = None
    email: bool | None = None


class PreferencesIn(InSchema):
    kinds: list[PreferenceIn]


def _preferences(request: HttpRequest) -> PreferencesOut:
    labels = dict(Kind.choices)
    return PreferencesOut(
        kinds=[
            PreferenceOut(kind=kind, label=str(labels[kind]), app=c.app, email=c.email)
            for kind, c in preferences_list(user=caller(request))
        ]
    )


@router.get("/notifications/preferences", response=PreferencesOut)
def get_preferences(request: HttpRequest) -> PreferencesOut:
    """Which kinds of reminder reach the caller, and by which channel: `app` (the inbox and
    the live push) and `email`."""
    return _preferences(request)


@router.put("/notifications/preferences", response=PreferencesOut)
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    """Change the channels of the kinds listed; a channel left out keeps its setting."""
    for i, item in enumerate(payload.kinds):
        if item.kind not in Kind.values:
            raise Invalid(
                _('Unknown kind of reminder "%(kind)s".') % {"kind": item.kind},
                field=f"kinds[{i}].kind",
            )
    preferences_set(
        user=caller(request),
        choices=[Choice(kind=i.kind, app=i.app, email=i.email) for i in payload.kinds],
    )
    return _preferences(request)
