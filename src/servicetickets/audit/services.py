"""Writing the audit log. Configuration services call ``audit_record`` inside their own
transaction, so a change and its entry commit together or not at all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from servicetickets.accounts.models import User
from servicetickets.audit.actions import ACTIONS
from servicetickets.audit.models import AuditEntry
from servicetickets.desks.models import Desk

LABEL_MAX = 200


def jsonable(value: Any) -> Any:
    """A field's value as it is kept in ``changes``: durations as hours, sets sorted."""
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 4)
    if isinstance(value, set | frozenset | tuple):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{field: {"before": old, "after": new}}`` for the fields whose value changed."""
    out: dict[str, Any] = {}
    for key, new in after.items():
        old = jsonable(before.get(key))
        new = jsonable(new)
        if old != new:
            out[key] = {"before": old, "after": new}
    return out


def created(values: dict[str, Any]) -> dict[str, Any]:
    """The changes of something new: every field given a value, from nothing to that value
    (fields left empty are left out)."""
    return {
        key: {"before": None, "after": jsonable(value)}
        for key, value in values.items()
        if value not in (None, "", [])
    }


def url_shown(url: str) -> str:
    """A webhook address as the log keeps it: scheme and host only. Paths and queries of
    webhook addresses often carry tokens (chat services put the key in the path)."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    rest = "/…" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def audit_record(
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    label: str,
    desk: Desk | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry. Must run inside the caller's transaction (a programming error
    otherwise), so a change that rolls back leaves no entry behind."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action: {action}")  # programming error
    if not transaction.get_connection().in_atomic_block:
        # Programming error, never a user's: not translated.
        raise RuntimeError("Audit entries are written in the transaction of their change.")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk is not None else None,
        action=action,
        desk=desk,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:LABEL_MAX],
        changes=changes or {},
    )
