"""The audit log: who changed which configuration, when, and from what to what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One configuration change, written in the transaction of the change itself.

    ``actor`` is PROTECTed: users are deactivated, never erased, and an entry must never lose
    who made the change (None means the system: the command line, the demo, a seed).
    ``desk`` is SET_NULL so an entry would outlive its desk; ``target_label`` keeps the name
    the target had at the time, so renames never rewrite history. ``changes`` maps a field to
    ``{"before": ..., "after": ...}``, or to ``"changed"`` for a secret (never its value)."""

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    desk = models.ForeignKey(
        "desks.Desk", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_type = models.CharField(max_length=20)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_newest"),
            models.Index(fields=["desk", "-at", "-id"], name="audit_desk_newest"),
            models.Index(fields=["actor", "-at", "-id"], name="audit_actor_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"
