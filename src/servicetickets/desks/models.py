from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Desk(models.Model):
    """A service desk (the source's "service account"): owns ticket types, a menu and admins."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="admin_desks", blank=True
    )
    confirm_timeout_days = models.PositiveIntegerField(default=7)
    # Last ticket number handed out; incremented under the row lock by ticket_submit.
    last_number = models.PositiveIntegerField(default=0)
    # Where reminder events of this desk are POSTed (blank: nowhere), signed with the secret.
    webhook_url = models.CharField(_("webhook URL"), max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MenuEntry(models.Model):
    """An entry of a desk's custom menu: a link to a published type, or a group (one level)."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="menu_entries")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    label = models.CharField(max_length=40)
    ticket_type = models.ForeignKey(
        "tickettypes.TicketType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label
