from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from servicetickets.desks.models import Desk


class TypeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class TicketType(models.Model):
    """A kind of ticket a desk offers (the source's "work order"), with its form and handlers."""

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=12)
    description = models.CharField(_("description"), max_length=140, blank=True)
    state = models.CharField(max_length=12, choices=TypeState.choices, default=TypeState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="handled_types", blank=True
    )
    # SLA targets from submission (optional): to be accepted, and to be processed.
    response_target = models.DurationField(null=True, blank=True)
    processing_target = models.DurationField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "desk",
                condition=models.Q(deleted_at__isnull=True),
                name="tickettype_name_unique_in_desk",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class FormVersion(models.Model):
    """One version of a type's form. A ticket keeps the version it was submitted with."""

    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.CASCADE, related_name="form_versions"
    )
    version = models.PositiveIntegerField()
    fields: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("ticket_type", "version", name="formversion_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_type_id} v{self.version}"
