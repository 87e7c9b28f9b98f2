"""Every change to a ticket. One function per action; each locks the ticket, applies the
transition table, writes its timeline entry and its reminders in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicetickets.accounts.models import User
from servicetickets.core.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from servicetickets.desks.models import Desk
from servicetickets.forms.values import clean_data
from servicetickets.notifications.models import Kind
from servicetickets.notifications.services import notify
from servicetickets.tickets.inputs import (
    TITLE_MAX,
    SubmitContext,
    attach_uploads,
    clean_text,
    summary_of,
    take_uploads,
)
from servicetickets.tickets.mentions import mentioned_in
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from servicetickets.tickets.selectors import roles_for, ticket_get_for
from servicetickets.tickets.transitions import TRANSITIONS
from servicetickets.tickettypes.models import TicketType, TypeState
from servicetickets.tickettypes.selectors import form_get, type_get_for


def _timeline(
    ticket: Ticket,
    *,
    actor: User | None,
    action: str,
    from_state: str,
    note: str = "",
    target: User | None = None,
    attachments: list[str] | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        ticket=ticket,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=ticket.state,
        note=note,
        target=target,
        attachments=attachments or [],
    )


def _active_handlers(ticket: Ticket) -> list[User]:
    return list(ticket.ticket_type.handlers.filter(is_active=True).order_by("pk"))


# --- submit -------------------------------------------------------------------------------


@transaction.atomic
def ticket_submit(
    *, user: User, ticket_type_id: int, data: Any, title: str | None = None
) -> Ticket:
    # Locked so a concurrent form edit cannot change the version between validation and save.
    kind = TicketType.objects.select_for_update().filter(pk=ticket_type_id).first()
    if kind is None or kind.deleted_at is not None:
        raise NotFound(_("No ticket type with that id."))
    if kind.state != TypeState.PUBLISHED:
        # Only those who may see the draft learn that it is one; it does not exist for others.
        type_get_for(user=user, type_id=kind.pk)
        raise Conflict(_("This ticket type is not published."), code="not_published")
    fields = form_get(ticket_type_id=kind.pk, version=kind.version)
    cleaned = clean_data(fields, data, context=SubmitContext(user))
    title_text = clean_text(title, field="title", required=False, limit=TITLE_MAX, single_line=True)
    # The desk row lock makes numbers unique and gapless under concurrency.
    desk = Desk.objects.select_for_update().get(pk=kind.desk_id)
    desk.last_number += 1
    desk.save(update_fields=["last_number"])
    now = timezone.now()
    ticket = Ticket.objects.create(
        number=f"{desk.code}-{desk.last_number:06d}",
        desk=desk,
        ticket_type=kind,
        form_version=kind.version,
        title=title_text or summary_of(fields, cleaned, kind.name),
        data=cleaned,
        state=State.PENDING,
        requester=user,
        submitted_at=now,
        response_due_at=now + kind.response_target if kind.response_target else None,
        processing_due_at=now + kind.processing_target if kind.processing_target else None,
    )
    for field in fields:
        if field.kind in ("image", "file") and cleaned.get(field.key):
            take_uploads(ticket=ticket, ids=cleaned[field.key], field=field.key)
    _timeline(ticket, actor=user, action="submit", from_state="", at=now)
    notify(recipients=_active_handlers(ticket), kind=Kind.NEW_TICKET, ticket=ticket, actor=user)
    return ticket


# --- actions on an existing ticket --------------------------------------------------------


def _act(*, user: User, ticket_id: int, action: str) -> tuple[Ticket, str]:
    """Lock the ticket and check the transition table; return it with its state before."""
    ticket_get_for(user=user, ticket_id=ticket_id)  # 404 before anything else
    # ``of=("self",)``: lock the ticket row only. PostgreSQL refuses FOR UPDATE on the nullable
    # side of an outer join (assignee, processed_by), and locking the desk or user rows would
    # needlessly serialise unrelated tickets.
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("requester", "assignee", "processed_by", "ticket_type", "desk")
        .get(pk=ticket_id)
    )
    transition = TRANSITIONS[action]
    roles = roles_for(user=user, ticket=ticket)
    if not transition.role(roles, ticket.state):
        raise Forbidden(_FORBIDDEN[action])
    if ticket.state not in transition.sources:
        raise Conflict(
            str(_CONFLICT[action]) % {"state": State(ticket.state).label}, code="state_conflict"
        )
    if not transition.actor(roles, ticket.state):
        raise Forbidden(_FORBIDDEN[action])
    before = ticket.state
    if transition.target is not None:
        ticket.state = transition.target
    return ticket, before


# Whole sentences per action, so translators never assemble verbs into a frame.
_FORBIDDEN = {
    "claim": gettext_lazy("You may not claim this ticket."),
    "transfer": gettext_lazy("You may not transfer this ticket."),
    "reject": gettext_lazy("You may not reject this ticket."),
    "complete": gettext_lazy("You may not complete this ticket."),
    "confirm": gettext_lazy("You may not confirm this ticket."),
    "return": gettext_lazy("You may not return this ticket."),
    "cancel": gettext_lazy("You may not cancel this ticket."),
    "comment": gettext_lazy("You may not comment on this ticket."),
    "urge": gettext_lazy("You may not urge this ticket."),
}
_CONFLICT = {
    "claim": gettext_lazy("This ticket is “%(state)s”; it cannot be claimed now."),
    "transfer": gettext_lazy("This ticket is “%(state)s”; it cannot be transferred now."),
    "reject": gettext_lazy("This ticket is “%(state)s”; it cannot be rejected now."),
    "complete": gettext_lazy("This ticket is “%(state)s”; it cannot be completed now."),
    "confirm": gettext_lazy("This ticket is “%(state)s”; it cannot be confirmed now."),
    "return": gettext_lazy("This ticket is “%(state)s”; it cannot be returned now."),
    "cancel": gettext_lazy("This ticket is “%(state)s”; it cannot be cancelled now."),
    "comment": gettext_lazy("This ticket is “%(state)s”; it cannot be commented on now."),
    "urge": gettext_lazy("This ticket is “%(state)s”; it cannot be urged now."),
}


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=["state", *fields])


@transaction.atomic
def ticket_claim(*, user: User, ticket_id: int) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="claim")
    now = timezone.now()
    ticket.assignee = user
    if ticket.accepted_at is None:
        ticket.accepted_at, ticket.received_by = now, user
    _save(ticket, "assignee", "accepted_at", "received_by")
    _timeline(ticket, actor=user, action="claim", from_state=before, at=now)
    return ticket


@transaction.atomic
def ticket_transfer(
    *, user: User, ticket_id: int, to: str | None, note: str | None = None
) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="transfer")
    username = clean_text(to, field="to", required=True, limit=150, single_line=True)
    note_text = clean_text(note, field="note", required=False)
    target = ticket.ticket_type.handlers.filter(username=username, is_active=True).first()
    if target is None:
        raise Invalid(_("Choose an active handler of this ticket type."), field="to")
    if target.pk == user.pk:
        raise Invalid(_("Choose another handler; to take it yourself, claim it."), field="to")
    now = timezone.now()
    ticket.assignee = target
    if before == State.PENDING and ticket.accepted_at is None:
        ticket.accepted_at, ticket.received_by = now, target
    _save(ticket, "assignee", "accepted_at", "received_by")
    _timeline(
        ticket,
        actor=user,
        action="transfer",
        from_state=before,
        note=note_text,
        target=target,
        at=now,
    )
    notify(recipients=[target], kind=Kind.TRANSFERRED, ticket=ticket, actor=user)
    return ticket


@transaction.atomic
def ticket_reject(*, user: User, ticket_id: int, reason: str | None) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="reject")
    reason_text = clean_text(reason, field="reason", required=True)
    now = timezone.now()
    ticket.resolution = Resolution.REJECTED
    ticket.closed_at = now
    ticket.closed_by = user
    _save(ticket, "resolution", "closed_at", "closed_by")
    _timeline(ticket, actor=user, action="reject", from_state=before, note=reason_text, at=now)
    notify(recipients=[ticket.requester], kind=Kind.REJECTED, ticket=ticket, actor=user)
    return ticket


@transaction.atomic
def ticket_complete(
    *, user: User, ticket_id: int, note: str | None, attachments: list[str] | None = None
) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="complete")
    note_text = clean_text(note, field="note", required=True)
    files = attach_uploads(user=user, ticket=ticket, ids=attachments or [], field="attachments")
    now = timezone.now()
    ticket.processed_by = user
    ticket.processed_at = now
    _save(ticket, "processed_by", "processed_at")
    _timeline(
        ticket,
        actor=user,
        action="complete",
        from_state=before,
        note=note_text,
        attachments=files,
        at=now,
    )
    notify(recipients=[ticket.requester], kind=Kind.COMPLETED, ticket=ticket, actor=user)
    return ticket


@transaction.atomic
def ticket_confirm(
    *, user: User, ticket_id: int, rating: int | None = None, comment: str | None = None
) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="confirm")
    if rating is not None and not 1 <= rating <= 5:
        raise Invalid(_("Rate from 1 to 5."), field="rating")
    comment_text = clean_text(comment, field="comment", required=False)
    now = timezone.now()
    ticket.resolution = Resolution.RESOLVED
    ticket.closed_at = now
    ticket.closed_by = user
    ticket.rating = rating
    _save(ticket, "resolution", "closed_at", "closed_by", "rating")
    _timeline(ticket, actor=user, action="confirm", from_state=before, note=comment_text, at=now)
    return ticket


@transaction.atomic
def ticket_return(*, user: User, ticket_id: int, reason: str | None) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="return")
    reason_text = clean_text(reason, field="reason", required=True)
    now = timezone.now()
    # Back to whoever processed it, who is told it was not resolved.
    ticket.assignee = ticket.processed_by
    ticket.return_count += 1
    _save(ticket, "assignee", "return_count")
    _timeline(
        ticket,
        actor=user,
        action="return",
        from_state=before,
        note=reason_text,
        target=ticket.processed_by,
        at=now,
    )
    notify(recipients=[ticket.processed_by], kind=Kind.RETURNED, ticket=ticket, actor=user)
    return ticket


@transaction.atomic
def ticket_cancel(*, user: User, ticket_id: int, reason: str | None = None) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="cancel")
    reason_text = clean_text(reason, field="reason", required=False)
    now = timezone.now()
    ticket.resolution = Resolution.CANCELLED
    ticket.closed_at = now
    ticket.closed_by = user
    _save(ticket, "resolution", "closed_at", "closed_by")
    _timeline(ticket, actor=user, action="cancel", from_state=before, note=reason_text, at=now)
    involved = _active_handlers(ticket) if before == State.PENDING else [ticket.assignee]
    notify(recipients=involved, kind=Kind.CANCELLED, ticket=ticket, actor=user)
    return ticket


@transaction.atomic
def ticket_comment(
    *, user: User, ticket_id: int, text: str | None, attachments: list[str] | None = None
) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="comment")
    body = clean_text(text, field="text", required=True)
    files = attach_uploads(user=user, ticket=ticket, ids=attachments or [], field="attachments")
    _timeline(ticket, actor=user, action="comment", from_state=before, note=body, attachments=files)
    mentioned = mentioned_in(body, ticket=ticket)
    notify(recipients=mentioned, kind=Kind.MENTIONED, ticket=ticket, actor=user)
    notify(
        recipients=[u for u in (ticket.requester, ticket.assignee) if u not in mentioned],
        kind=Kind.COMMENTED,
        ticket=ticket,
        actor=user,
    )
    return ticket


@transaction.atomic
def ticket_urge(*, user: User, ticket_id: int) -> Ticket:
    ticket, before = _act(user=user, ticket_id=ticket_id, action="urge")
    now = timezone.now()
    interval = timedelta(seconds=settings.URGE_INTERVAL_SECONDS)
    if TimelineEntry.objects.filter(ticket=ticket, action="urge", at__gt=now - interval).exists():
        raise TooMany(_("You can urge a ticket once an hour."), code="too_soon")
    _timeline(ticket, actor=user, action="urge", from_state=before, at=now)
    recipients = _active_handlers(ticket) if before == State.PENDING else [ticket.assignee]
    notify(recipients=recipients, kind=Kind.URGED, ticket=ticket, actor=user)
    return ticket


def tickets_auto_confirm(*, now: datetime | None = None) -> int:
    """Close as resolved every ticket left waiting for confirmation past its desk's timeout.
    Each ticket in its own transaction, so one failure does not hold back the rest."""
    now = now or timezone.now()
    done = 0
    for desk in Desk.objects.all():
        cutoff = now - timedelta(days=desk.confirm_timeout_days)
        due = Ticket.objects.filter(
            desk=desk, state=State.TO_CONFIRM, processed_at__lte=cutoff
        ).values_list("pk", flat=True)
        for ticket_id in list(due):
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
                transition = TRANSITIONS["auto_confirm"]
                processed_at = ticket.processed_at
                if (
                    ticket.state not in transition.sources
                    or not processed_at
                    or processed_at > cutoff
                ):
                    continue
                ticket.state = transition.target or ticket.state
                ticket.resolution = Resolution.RESOLVED
                ticket.closed_at = now
                _save(ticket, "resolution", "closed_at")
                _timeline(
                    ticket, actor=None, action="auto_confirm", from_state=State.TO_CONFIRM, at=now
                )
                done += 1
    return done


CONFIRM_REMINDER_LEAD = timedelta(days=1)
"""How long before auto-confirm the requester is reminded (half the timeout when shorter)."""


def tickets_confirm_remind(*, now: datetime | None = None) -> int:
    """Remind the requester of every ticket that auto-confirm will soon close, once per
    completion. Each ticket in its own transaction; returns how many were reminded."""
    now = now or timezone.now()
    done = 0
    for desk in Desk.objects.filter(confirm_timeout_days__gt=0):
        timeout = timedelta(days=desk.confirm_timeout_days)
        cutoff = now - (timeout - min(CONFIRM_REMINDER_LEAD, timeout / 2))
        due = (
            Ticket.objects.filter(desk=desk, state=State.TO_CONFIRM, processed_at__lte=cutoff)
            .filter(
                Q(confirm_reminded_at__isnull=True) | Q(confirm_reminded_at__lt=F("processed_at"))
            )
            .values_list("pk", flat=True)
        )
        for ticket_id in list(due):
            with transaction.atomic():
                ticket = (
                    Ticket.objects.select_for_update().select_related("requester").get(pk=ticket_id)
                )
                reminded = ticket.confirm_reminded_at
                if (
                    ticket.state != State.TO_CONFIRM
                    or ticket.processed_at is None
                    or ticket.processed_at > cutoff
                    or (reminded is not None and reminded >= ticket.processed_at)
                ):
                    continue  # confirmed, returned or reminded meanwhile
                ticket.confirm_reminded_at = now
                ticket.save(update_fields=["confirm_reminded_at"])
                notify(
                    recipients=[ticket.requester],
                    kind=Kind.CONFIRM_REMINDER,
                    ticket=ticket,
                    actor=None,
                )
                done += 1
    return done


def tickets_overdue_remind(*, now: datetime | None = None) -> int:
    """Remind once per target of every open ticket past its SLA: the response target while it
    is pending (the type's handlers), the processing target until it is processed (the
    assignee, or the handlers while pending). Returns how many reminders went out."""
    now = now or timezone.now()
    late_response = Q(state=State.PENDING, response_due_at__lt=now) & Q(
        response_overdue_reminded_at__isnull=True
    )
    late_processing = Q(state__in=[State.PENDING, State.PROCESSING], processing_due_at__lt=now) & Q(
        processing_overdue_reminded_at__isnull=True
    )
    done = 0
    for ticket_id in list(
        Ticket.objects.filter(late_response | late_processing).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("assignee", "ticket_type", "desk")
                .get(pk=ticket_id)
            )
            changed = []
            for stamp, due, states in (
                ("response_overdue_reminded_at", ticket.response_due_at, [State.PENDING]),
                (
                    "processing_overdue_reminded_at",
                    ticket.processing_due_at,
                    [State.PENDING, State.PROCESSING],
                ),
            ):
                if due is None or due >= now or ticket.state not in states:
                    continue
                if getattr(ticket, stamp) is not None:
                    continue
                setattr(ticket, stamp, now)
                changed.append(stamp)
            if not changed:
                continue  # accepted, processed or reminded meanwhile
            ticket.save(update_fields=changed)
            recipients = (
                [ticket.assignee] if ticket.state == State.PROCESSING else _active_handlers(ticket)
            )
            notify(recipients=recipients, kind=Kind.OVERDUE, ticket=ticket, actor=None)
            done += 1
    return done
