"""``GET /audit``: the configuration audit log, for site admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from servicetickets.accounts.selectors import require_site_admin
from servicetickets.audit import selectors
from servicetickets.audit.models import AuditEntry
from servicetickets.core.auth import caller
from servicetickets.tickets.periods import MAX_LENGTH

router = Router(tags=["audit"])


class AuditQuery(Schema):
    desk: int | None = Field(default=None, description="Only entries of this desk (its id).")
    actor: str | None = Field(
        default=None, max_length=150, description="Only changes made by this username."
    )
    action: str = Field(
        default="",
        max_length=40,
        description="A prefix of the action codes: `type`, `desk.admin`, `user.create`…",
    )
    from_: str | None = Field(
        default=None,
        alias="from",
        max_length=MAX_LENGTH,
        description="Earliest time (a date or an ISO 8601 date and time), inclusive.",
    )
    to: str | None = Field(
        default=None,
        max_length=MAX_LENGTH,
        description="Latest time (a date includes that whole day), inclusive.",
    )
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=200)


class AuditActorOut(Schema):
    username: str
    name: str


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: AuditActorOut | None = Field(description="Who made the change; null for the system.")
    action: str = Field(description="A stable code such as `type.publish`.")
    desk_id: int | None
    target_type: str = Field(description="`type`, `desk` or `user`.")
    target_id: int | None
    target_label: str = Field(description="The target's name when the change was made.")
    changes: dict[str, Any] = Field(
        description='Per field `{"before": …, "after": …}`, or `"changed"` for a secret.'
    )


class AuditPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[AuditEntryOut]


def entry_out(entry: AuditEntry) -> AuditEntryOut:
    actor = entry.actor
    return AuditEntryOut(
        id=entry.pk,
        at=entry.at,
        actor=AuditActorOut(username=actor.username, name=actor.name) if actor else None,
        action=entry.action,
        desk_id=entry.desk_id,
        target_type=entry.target_type,
        target_id=entry.target_id,
        target_label=entry.target_label,
        changes=entry.changes,
    )


@router.get("/audit", response=AuditPageOut)
def list_audit(request: HttpRequest, query: Query[AuditQuery]) -> AuditPageOut:
    """Configuration changes, newest first. Site admins only (403 for anyone else)."""
    user = caller(request)
    require_site_admin(user)
    filters = selectors.audit_filter(
        desk=query.desk,
        actor=query.actor,
        action=query.action,
        at_from=query.from_,
        at_to=query.to,
    )
    page = selectors.audit_page_for(
        user=user, filters=filters, page=query.page, page_size=query.page_size
    )
    return AuditPageOut(
        count=page.count,
        page=query.page,
        page_size=query.page_size,
        results=[entry_out(e) for e in page.entries],
    )
