"""The reminders page: the inbox (unread first), marking read, browser notifications and the
channels of each kind of reminder.

Opening a reminder marks it read and goes to its ticket; marking read answers with the inbox
fragment and the app bar's badge (an out-of-band swap), so the count stays right without a
reload. The inbox refreshes itself when a reminder arrives.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from servicetickets.accounts.models import User
from servicetickets.core.auth import caller
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
from servicetickets.web.htmx import is_htmx

UNREAD_LIMIT = 100
READ_LIMIT = 30


def _rows(qs: QuerySet[Notification]) -> list[dict[str, Any]]:
    return [
        {
            "n": n,
            "text": reminder_text(kind=n.kind, number=n.ticket.number, actor=n.actor),
            "title": n.ticket.title,
        }
        for n in qs
    ]


def _inbox(user: User) -> dict[str, Any]:
    mine = notification_list_for(user=user).select_related("ticket", "actor")
    unread = mine.filter(read_at__isnull=True).order_by("-id")[:UNREAD_LIMIT]
    read = mine.filter(read_at__isnull=False).order_by("-id")[:READ_LIMIT]
    return {
        "unread": _rows(unread),
        "read": _rows(read),
        "unread_count": notification_count_for(user=user, unread=True),
    }


def _preferences(user: User) -> list[dict[str, Any]]:
    labels = dict(Kind.choices)
    return [
        {"kind": kind, "label": labels[kind], "app": c.app, "email": c.email}
        for kind, c in preferences_list(user=user)
    ]


def _page(request: HttpRequest, *, saved: bool = False, status: int = 200) -> HttpResponse:
    user = caller(request)
    context = {**_inbox(user), "preferences": _preferences(user), "saved": saved}
    return render(request, "notifications/reminders.html", context, status=status)


@login_required
@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    if is_htmx(request):
        return _inbox_fragment(request)
    return _page(request)


def _inbox_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/reminders.html#inbox", _inbox(caller(request)))


@login_required
@require_POST
def reminder_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go to its ticket (404 for a reminder that is not the user's)."""
    row: Notification = notification_read(user=caller(request), notification_id=notification_id)
    return redirect("ticket", ticket_id=row.ticket_id)


@login_required
@require_POST
def reminder_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification_read(user=caller(request), notification_id=notification_id)
    return _inbox_fragment(request) if is_htmx(request) else redirect("reminders")


@login_required
@require_POST
def reminder_read_all(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user=caller(request))
    return _inbox_fragment(request) if is_htmx(request) else redirect("reminders")


class PreferencesForm(forms.Form):
    """One ``app`` and one ``email`` checkbox per kind: ``app-<kind>``, ``email-<kind>``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind.values:
            self.fields[f"app-{kind}"] = forms.BooleanField(required=False)
            self.fields[f"email-{kind}"] = forms.BooleanField(required=False)

    def choices(self) -> list[Choice]:
        data = self.cleaned_data
        return [
            Choice(kind=kind, app=data[f"app-{kind}"], email=data[f"email-{kind}"])
            for kind in Kind.values
        ]


@login_required
@require_POST
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    form.is_valid()  # checkboxes: anything not "on" is off, so every post is valid
    user = caller(request)
    preferences_set(user=user, choices=form.choices())
    if is_htmx(request):
        context = {"preferences": _preferences(user), "saved": True}
        return render(request, "notifications/reminders.html#preferences", context)
    return redirect("reminders")


urlpatterns: list[URLPattern] = [
    path("reminders/", reminder_list, name="reminders"),
    path("reminders/<int:notification_id>/open", reminder_open, name="reminder-open"),
    path("reminders/<int:notification_id>/read", reminder_read, name="reminder-read"),
    path("reminders/read-all", reminder_read_all, name="reminders-read-all"),
    path("reminders/preferences", reminder_preferences, name="reminder-preferences"),
]
