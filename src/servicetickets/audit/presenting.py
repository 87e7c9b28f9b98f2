"""An audit entry as the page shows it: translated action and field names, readable values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicetickets.audit.actions import ACTIONS
from servicetickets.audit.models import AuditEntry
from servicetickets.tickettypes.models import TypeState

FIELDS: dict[str, Promise] = {
    "name": gettext_lazy("Name"),
    "code": gettext_lazy("Code"),
    "description": gettext_lazy("Description"),
    "response_target": gettext_lazy("Response target (hours)"),
    "processing_target": gettext_lazy("Processing target (hours)"),
    "fields": gettext_lazy("Form fields"),
    "version": gettext_lazy("Form version"),
    "handlers": gettext_lazy("Handlers"),
    "state": gettext_lazy("State"),
    "deleted": gettext_lazy("Deleted"),
    "entries": gettext_lazy("Menu entries"),
    "confirm_timeout_days": gettext_lazy("Confirm timeout (days)"),
    "admin": gettext_lazy("Desk admin"),
    "url": gettext_lazy("Webhook URL"),
    "secret": gettext_lazy("Webhook secret"),
    "username": gettext_lazy("Username"),
    "email": gettext_lazy("E-mail"),
    "site_admin": gettext_lazy("Site admin"),
    "password": gettext_lazy("Password"),
    "active": gettext_lazy("Active"),
}


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str
    after: str
    # A secret, or a change too detailed to show: only that it changed.
    changed_only: bool


@dataclass(frozen=True)
class EntryRow:
    entry: AuditEntry
    action_label: str
    changes: list[ChangeRow]


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return number_format(value)
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _shown(key: str, value: Any) -> str:
    """A stored value in words; a type's state by its translated name."""
    if key == "state" and isinstance(value, str):
        return str(dict(TypeState.choices).get(value, value))
    return _value(value)


def change_rows(changes: dict[str, Any]) -> list[ChangeRow]:
    rows = []
    for key, change in changes.items():
        label = str(FIELDS.get(key, key))
        if isinstance(change, dict) and ("before" in change or "after" in change):
            before, after = change.get("before"), change.get("after")
            rows.append(ChangeRow(label, _shown(key, before), _shown(key, after), False))
        else:
            rows.append(ChangeRow(label, "", "", True))
    return rows


def entry_rows(entries: list[AuditEntry]) -> list[EntryRow]:
    return [
        EntryRow(
            entry=e,
            action_label=str(ACTIONS.get(e.action, e.action)),
            changes=change_rows(e.changes if isinstance(e.changes, dict) else {}),
        )
        for e in entries
    ]
