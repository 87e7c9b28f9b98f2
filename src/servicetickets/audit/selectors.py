"""Reading the audit log: site admins only, newest first, filtered by desk, actor, action
and time. The API and the page both read it through ``audit_page_for``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.accounts.selectors import require_site_admin
from servicetickets.audit.models import AuditEntry
from servicetickets.core.errors import BadRequest
from servicetickets.core.text import check_text
from servicetickets.desks.models import Desk
from servicetickets.tickets.periods import parse_bound

ACTION_MAX = 40


@dataclass(frozen=True)
class AuditFilter:
    """What to list. ``action`` is a prefix of the codes: ``type`` lists every ticket type
    change, ``type.publish`` only publications. Both time bounds are inclusive."""

    desk: int | None = None
    actor: User | None = None
    action: str = ""
    at_from: datetime | None = None
    at_to: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    count: int
    entries: list[AuditEntry]


def audit_filter(
    *,
    desk: int | None = None,
    actor: str | None = None,
    action: str = "",
    at_from: str | None = None,
    at_to: str | None = None,
) -> AuditFilter:
    """Filters as people and clients send them (text), checked; 400 naming the parameter for
    one that names nothing: an unknown desk or user, a malformed date, a start after the end."""
    if desk is not None and not Desk.objects.filter(pk=desk).exists():
        raise BadRequest(_("No desk with that id."), field="desk")
    user = None
    if actor:
        check_text(actor, field="actor", single_line=True, error=BadRequest)
        user = User.objects.filter(username=actor).first()
        if user is None:
            raise BadRequest(_("Unknown user: %(username)s.") % {"username": actor}, field="actor")
    action = action.strip()
    check_text(action, field="action", single_line=True, error=BadRequest)
    if len(action) > ACTION_MAX:
        raise BadRequest(_("Must be at most %(n)s characters.") % {"n": ACTION_MAX}, field="action")
    start = parse_bound(at_from, field="from", end=False)
    end = parse_bound(at_to, field="to", end=True)
    if start is not None and end is not None and start > end:
        raise BadRequest(_("The start of the period is after its end."), field="from")
    return AuditFilter(desk=desk, actor=user, action=action, at_from=start, at_to=end)


def audit_list(*, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries matching ``filters``, newest first (ties by id, so pages never overlap)."""
    qs = AuditEntry.objects.select_related("actor", "desk")
    if filters.desk is not None:
        qs = qs.filter(desk_id=filters.desk)
    if filters.actor is not None:
        qs = qs.filter(actor=filters.actor)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.at_from is not None:
        qs = qs.filter(at__gte=filters.at_from)
    if filters.at_to is not None:
        qs = qs.filter(at__lte=filters.at_to)
    return qs.order_by("-at", "-id")


def audit_list_for(*, user: User, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The log for ``user``: site admins only (403 for anyone else)."""
    require_site_admin(user)
    return audit_list(filters=filters)


def audit_page_for(*, user: User, filters: AuditFilter, page: int, page_size: int) -> AuditPage:
    qs = audit_list_for(user=user, filters=filters)
    count = qs.count()
    offset = (page - 1) * page_size
    entries = list(qs[offset : offset + page_size]) if offset < count else []
    return AuditPage(count=count, entries=entries)
