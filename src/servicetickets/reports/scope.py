"""Which tickets a report covers: the caller's desks, the filters, and the default period.

Reports read the same tickets the caller sees in the list, restricted to the desks they
administer: a desk admin's reports cover their desks (every ticket of a desk is visible to its
admins), a site admin's every desk. Nobody else reads reports.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import BadRequest, Forbidden
from servicetickets.desks.models import Desk
from servicetickets.tickets.periods import parse_period
from servicetickets.tickettypes.models import TicketType

#: Reports cover tickets submitted in this many months up to now unless a start is given.
DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class ReportScope:
    """The tickets of a report: ``desk_ids`` ``None`` means every desk (site admins)."""

    desk_ids: tuple[int, ...] | None
    ticket_type_id: int | None
    start: datetime
    end: datetime | None


def months_before(moment: datetime, months: int) -> datetime:
    """The same local wall time ``months`` calendar months earlier (the 31st becomes the last
    day of a shorter month)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    naive = local.replace(tzinfo=None, year=year, month=month + 1, day=day)
    return timezone.make_aware(naive)


def administered_desk_ids(user: User) -> tuple[int, ...] | None:
    """``None`` for a site admin (every desk); otherwise the desks the user administers."""
    if user.is_superuser:
        return None
    return tuple(
        Desk.admins.through.objects.filter(user_id=user.pk)
        .order_by("desk_id")
        .values_list("desk_id", flat=True)
    )


def report_scope(
    *,
    user: User,
    desk: int | None,
    ticket_type: int | None,
    submitted_from: str | None,
    submitted_to: str | None,
    now: datetime | None = None,
) -> ReportScope:
    """Check the caller and the filters, then fill in the default period.

    Without ``submitted_from`` the period starts ``DEFAULT_MONTHS`` months before its end
    (``submitted_to``, or now); without ``submitted_to`` it runs up to now (nothing is
    submitted later). Refusals: 403 for a caller who administers no desk or asks for a desk or
    type they do not administer; 400 naming the filter for a desk or type that does not exist,
    a type of another desk than ``desk``, or a malformed or inverted period.
    """
    mine = administered_desk_ids(user)
    if mine is not None and not mine:
        raise Forbidden(_("Only desk admins and site admins may read reports."))
    period = parse_period(submitted_from, submitted_to)
    desk_ids = mine
    if desk is not None:
        if not Desk.objects.filter(pk=desk).exists():
            raise BadRequest(_("No desk with that id."), field="desk")
        if mine is not None and desk not in mine:
            raise Forbidden(_("Only an admin of this desk may do this."), field="desk")
        desk_ids = (desk,)
    if ticket_type is not None:
        kind_desk = (
            TicketType.objects.filter(pk=ticket_type).values_list("desk_id", flat=True).first()
        )
        if kind_desk is None:
            raise BadRequest(_("No ticket type with that id."), field="type")
        if desk is not None and kind_desk != desk:
            raise BadRequest(_("That ticket type belongs to another desk."), field="type")
        if mine is not None and kind_desk not in mine:
            raise Forbidden(_("Only an admin of this desk may do this."), field="type")
        desk_ids = (kind_desk,)
    end = period.end
    start = period.start or months_before(end or now or timezone.now(), DEFAULT_MONTHS)
    return ReportScope(desk_ids=desk_ids, ticket_type_id=ticket_type, start=start, end=end)
