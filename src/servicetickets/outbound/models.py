from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "e-mail"
    WEBHOOK = "webhook", "webhook"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    SENDING = "sending", "sending"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"


class Delivery(models.Model):
    """One outward message of one reminder event: an e-mail to one recipient, or the event's
    one webhook call to its desk. Written in the action's transaction, together with the job
    that sends it.

    It is the idempotency record: a job sends a delivery only after claiming it (pending →
    sending) with a conditional update, so a job run twice, or two workers at once, send it
    once. ``claim`` names the claimer, so only it records the outcome."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=20)  # a notifications.models.Kind value
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # E-mail: the user and the address it goes to. Webhook: the desk.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    address = models.CharField(max_length=254, blank=True)
    desk = models.ForeignKey("desks.Desk", on_delete=models.CASCADE, null=True, related_name="+")
    # What is sent, fixed when the event happens: e-mail {subject, body}; webhook the event.
    payload: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} #{self.pk} ({self.state})"
