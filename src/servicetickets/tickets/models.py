from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicetickets.desks.models import Desk
from servicetickets.tickettypes.models import TicketType


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    TO_CONFIRM = "to_confirm", _("To confirm")
    CLOSED = "closed", _("Closed")


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class Ticket(models.Model):
    """A submitted ticket. ``state`` is written only by ``tickets.services``."""

    number = models.CharField(max_length=20, unique=True)
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="tickets")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    form_version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who closed it: the rejecting handler, or the requester who confirmed or cancelled.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Who became the assignee when it first left pending (a claim, or a transfer's target).
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    processed_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    # When the requester was last reminded to confirm; a later completion asks again.
    confirm_reminded_at = models.DateTimeField(null=True)
    # SLA: the type's targets applied at submission (later changes of the targets leave them),
    # and when the overdue reminder of each went out (once each).
    response_due_at = models.DateTimeField(null=True)
    processing_due_at = models.DateTimeField(null=True)
    response_overdue_reminded_at = models.DateTimeField(null=True)
    processing_overdue_reminded_at = models.DateTimeField(null=True)
    return_count = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["desk", "submitted_at"]),
            models.Index(fields=["ticket_type", "submitted_at"]),
            models.Index(fields=["requester", "submitted_at"]),
            models.Index(fields=["assignee", "state", "submitted_at"]),
            models.Index(fields=["processed_by", "state", "submitted_at"]),
            models.Index(fields=["state", "processed_at"]),
            # The ticket list (``tickets.listing``): each part of what a caller sees, read in
            # submission order, with or without a state.
            models.Index(fields=["submitted_at"]),
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["desk", "state", "submitted_at"]),
            models.Index(fields=["ticket_type", "state", "submitted_at"]),
            models.Index(fields=["requester", "state", "submitted_at"]),
            # Open tickets by due time (small: only open ones) for the reports' live overdue
            # counts; ``reports.selectors`` words its conditions so SQLite can use them.
            models.Index(
                fields=["desk", "response_due_at"],
                condition=models.Q(state="pending"),
                name="tickets_response_due_open",
            ),
            models.Index(
                fields=["desk", "processing_due_at"],
                condition=models.Q(state="pending") | models.Q(state="processing"),
                name="tickets_processing_due_open",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, now: datetime) -> bool:
        """Still open past an SLA target: not accepted by its response due time, or not
        processed by its processing due time."""
        late_response = self.response_due_at is not None and self.response_due_at < now
        late_processing = self.processing_due_at is not None and self.processing_due_at < now
        return (self.state == State.PENDING and late_response) or (
            self.state in (State.PENDING, State.PROCESSING) and late_processing
        )


class TimelineEntry(models.Model):
    """One action on a ticket, written in the same transaction as the change. Append-only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    attachments: models.JSONField[list[str]] = models.JSONField(default=list)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at"]),
            models.Index(fields=["actor", "ticket"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The timeline is append-only.")
        super().save(*args, **kwargs)
