from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NEW_TICKET = "new_ticket", _("New ticket")
    TRANSFERRED = "transferred", _("Transferred to you")
    RETURNED = "returned", _("Returned unresolved")
    URGED = "urged", _("Urged")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")
    COMMENTED = "commented", _("Commented")
    MENTIONED = "mentioned", _("Mentioned you")
    CANCELLED = "cancelled", _("Cancelled")
    CONFIRM_REMINDER = "confirm_reminder", _("Waiting for your confirmation")
    OVERDUE = "overdue", _("Overdue")


class Notification(models.Model):
    """A reminder in a user's inbox, written in the same transaction as its cause."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Preference(models.Model):
    """A user's channels for one kind of reminder; without a row every channel is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The inbox and the live push to open pages and the phone app.
    app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: app={self.app} email={self.email}"
