"""The stable action codes of the audit log and their labels for people.

Codes are ``<area>.<verb>`` so a prefix (``type``, ``desk.admin``) filters a family. They are
stored, so never rename one; add new ones instead."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "type.create": _("Ticket type created"),
    "type.update": _("Ticket type edited"),
    "type.form": _("Form changed"),
    "type.handlers": _("Handlers changed"),
    "type.publish": _("Ticket type published"),
    "type.unpublish": _("Ticket type unpublished"),
    "type.delete": _("Ticket type deleted"),
    "menu.set": _("Menu saved"),
    "desk.create": _("Desk created"),
    "desk.update": _("Desk settings changed"),
    "desk.admin_add": _("Desk admin added"),
    "desk.admin_remove": _("Desk admin removed"),
    "desk.webhook_set": _("Webhook set"),
    "desk.webhook_clear": _("Webhook removed"),
    "user.create": _("User added"),
    "user.deactivate": _("User deactivated"),
    "user.site_admin": _("Site admin changed"),
}

# The families offered as filters on the page (a prefix of the codes above).
FAMILIES: dict[str, Promise] = {
    "type": _("Ticket types"),
    "menu": _("Menus"),
    "desk": _("Desks"),
    "user": _("Users"),
}

# What a secret's change is recorded as: that it changed, never its value.
SECRET_CHANGED = "changed"
