"""The ticket page, for everyone who may see the ticket; its actions are in ``actions``.

One view serves the page and its ``#ticket`` fragment (htmx refreshes it when a reminder about
this ticket arrives, and every action answers with it). Access is the selectors': an outsider
gets 404 from ``ticket_get_for`` through the page error middleware, on the page and on every
fragment and action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from servicetickets.accounts.models import User
from servicetickets.core.auth import caller
from servicetickets.forms.display import FileShown, files_of, render_display, render_files
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from servicetickets.tickets.selectors import (
    ticket_actions_for,
    ticket_get_for,
    timeline_of,
    transfer_targets_for,
)
from servicetickets.tickettypes.models import TicketType
from servicetickets.tickettypes.selectors import form_get
from servicetickets.web.htmx import is_htmx

#: What each timeline action reads as ("Hank claimed").
ACTION_WORDS: dict[str, Promise] = {
    "submit": _("submitted"),
    "claim": _("claimed"),
    "transfer": _("transferred"),
    "reject": _("rejected"),
    "complete": _("completed"),
    "confirm": _("confirmed"),
    "return": _("returned as not resolved"),
    "cancel": _("cancelled"),
    "comment": _("commented"),
    "urge": _("urged"),
    "auto_confirm": _("confirmed automatically"),
}

#: What a successful action says above the refreshed ticket.
DONE_WORDS: dict[str, Promise] = {
    "claim": _("You claimed this ticket."),
    "transfer": _("Transferred."),
    "reject": _("Rejected; the requester is told."),
    "complete": _("Completed; the requester is asked to confirm."),
    "confirm": _("Confirmed. Thank you for your rating."),
    "return": _("Returned to the handler."),
    "cancel": _("Cancelled."),
    "comment": _("Comment added."),
    "urge": _("The handlers were urged."),
}

RATINGS = (1, 2, 3, 4, 5)

#: Actions that take a reason: (action, button, label of the reason, marked required, danger).
#: Whether a reason is required is the service's rule; the mark only tells the reader.
REASON_ACTIONS: tuple[tuple[str, Promise, Promise, bool, bool], ...] = (
    ("return", _("Return as not resolved"), _("What is still wrong?"), True, False),
    ("reject", _("Reject"), _("Reason for rejecting"), True, True),
    ("cancel", _("Cancel ticket"), _("Reason"), False, True),
)


@dataclass
class EntryShown:
    entry: TimelineEntry
    words: str
    files: list[FileShown]

    @property
    def files_html(self) -> SafeString:
        return render_files(self.files)

    @property
    def from_label(self) -> str:
        return str(State(self.entry.from_state).label) if self.entry.from_state else ""

    @property
    def to_label(self) -> str:
        return str(State(self.entry.to_state).label) if self.entry.to_state else ""


def ticket_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    open_action: str | None = None,
    posted: Any = None,
    field_errors: dict[str, str] | None = None,
    error: str | None = None,
    done: str | None = None,
    kept_files: list[FileShown] | None = None,
) -> dict[str, Any]:
    """Everything the page draws for the viewer: the ticket, the buttons of the actions they
    may take now, the read-only form, the result and the timeline."""
    user = caller(request)
    actions = ticket_actions_for(user=user, ticket=ticket)
    entries = timeline_of(ticket=ticket)
    files = files_of([i for e in entries for i in e.attachments])
    timeline = [
        EntryShown(e, str(ACTION_WORDS.get(e.action, e.action)), [files[i] for i in e.attachments])
        for e in entries
    ]
    completed = next((e for e in reversed(timeline) if e.entry.action == "complete"), None)
    confirmed = next(
        (e for e in reversed(timeline) if e.entry.action in ("confirm", "auto_confirm")), None
    )
    fields = form_get(ticket_type_id=ticket.ticket_type_id, version=ticket.form_version)
    if open_action is not None and open_action not in actions:
        # The refusal's form is gone (someone else claimed it meanwhile): say it on top.
        error = error or next(iter((field_errors or {}).values()), None)
        open_action = None
    return {
        "ticket": ticket,
        "state_label": State(ticket.state).label,
        "resolution_label": Resolution(ticket.resolution).label if ticket.resolution else "",
        "overdue": ticket.is_overdue(timezone.now()),
        "can": {name: True for name in actions},
        "has_actions": bool(actions),
        "transfer_targets": transfer_targets_for(user=user, ticket=ticket)
        if "transfer" in actions
        else [],
        "form_html": render_display(fields, ticket.data),
        "timeline": list(reversed(timeline)),
        "completed": completed,
        "completed_files": render_files(completed.files) if completed else "",
        "confirmed": confirmed,
        "ratings": RATINGS,
        "reason_actions": REASON_ACTIONS,
        "open_action": open_action,
        "posted": posted or {},
        "field_errors": field_errors or {},
        "error": error,
        "done": done,
        "kept_files": kept_files or [],
        "is_requester": ticket.requester_id == user.pk,
        "nav_from": _nav_from(user, ticket),
    }


def _nav_from(user: User, ticket: Ticket) -> str:
    """The navigation tab a ticket page belongs under, for this viewer."""
    if ticket.requester_id == user.pk:
        return "/my/"
    handles = TicketType.handlers.through.objects.filter(
        user_id=user.pk, tickettype_id=ticket.ticket_type_id
    )
    return "/work/" if ticket.assignee_id == user.pk or handles.exists() else "/data/"


def render_ticket(
    request: HttpRequest, ticket: Ticket, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The ticket fragment for htmx, the whole page otherwise."""
    template = "tickets/ticket.html#ticket" if is_htmx(request) else "tickets/ticket.html"
    return render(request, template, ticket_context(request, ticket, **extra), status=status)


@login_required
@require_GET
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = ticket_get_for(user=caller(request), ticket_id=ticket_id)
    return render_ticket(request, ticket)


def _urls() -> list[URLPattern]:
    from servicetickets.tickets.views import actions

    return [
        path("tickets/<int:ticket_id>/", ticket_page, name="ticket"),
        *actions.urlpatterns,
    ]


urlpatterns: list[URLPattern] = _urls()
