"""The ticket list's ``count`` from the day counts (``tickets.daycounts``) where it can be.

The arms of what a caller sees (``tickets.visibility``) are disjoint, so the count is their
sum. The typeset arms together, and the caller's own requests, are read from the day counts
when the filters are only desk, type, state, resolution, period and one of requester or
processor: the UTC days wholly inside the period are summed there, and the tickets of the
part-days at its ends are counted from the tickets table (at most two days' worth, from an
index on the submission time). Anything else (a search, ``overdue``, requester and processor
together, tickets acted on) is counted from the tickets: those filters leave few tickets, or
the search index drives the count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q

from servicetickets.tickets import daycounts
from servicetickets.tickets.visibility import OWN, TYPESET, Visibility

if TYPE_CHECKING:
    from servicetickets.tickets.listing import TicketFilter


@dataclass(frozen=True)
class Period:
    """A period split at UTC midnights: the whole days (``None`` for an open side), or no
    whole day at all; and the rest of the period as conditions on the tickets."""

    whole: tuple[date | None, date | None] | None
    parts: list[Q]

    def parts_q(self) -> Q | None:
        if not self.parts:
            return None
        out = self.parts[0]
        for part in self.parts[1:]:
            out |= part
        return out


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def split_period(start: datetime | None, end: datetime | None) -> Period:
    """Split the inclusive period ``[start, end]`` (``None``: open) at UTC midnights."""
    first: date | None = None
    if start is not None:
        moment = start.astimezone(UTC)
        first = moment.date() + timedelta(days=0 if moment == _midnight(moment.date()) else 1)
    last: date | None = None
    if end is not None:
        # The last day whose end (the next midnight) is at most a microsecond after ``end``.
        last = (end.astimezone(UTC) + timedelta(microseconds=1)).date() - timedelta(days=1)
    if first is not None and last is not None and first > last:
        return Period(None, [Q(submitted_at__gte=start, submitted_at__lte=end)])
    parts = []
    if start is not None and first is not None and _midnight(first) > start:
        parts.append(Q(submitted_at__gte=start, submitted_at__lt=_midnight(first)))
    if end is not None and last is not None:
        after = _midnight(last + timedelta(days=1))
        if after <= end:
            parts.append(Q(submitted_at__gte=after, submitted_at__lte=end))
    return Period((first, last), parts)


def counted_person(f: TicketFilter, arm_kind: str, user_id: int) -> tuple[str, int] | None:
    """The day-count rows (kind, person) that count an arm's tickets under these filters, or
    None when they cannot."""
    if f.q or f.overdue is not None or arm_kind not in (TYPESET, OWN):
        return None
    requester = user_id if arm_kind == OWN else (f.requester.pk if f.requester else None)
    if requester is not None:
        return None if f.processor is not None else (daycounts.REQUESTER, requester)
    if f.processor is not None:
        return daycounts.PROCESSOR, f.processor.pk
    return daycounts.EVERY, 0


def _in(column: str, values: Iterable[int]) -> tuple[str, list[Any]]:
    items = sorted(values)
    return f"{column} IN ({', '.join(['%s'] * len(items))})", list(items)


def summed_sql(
    vis: Visibility,
    f: TicketFilter,
    *,
    arm_kind: str,
    person: tuple[str, int],
    whole: tuple[date | None, date | None],
) -> tuple[str, list[Any]]:
    """A query of the tickets of the typeset arms (or the own arm) over the whole days."""
    adapt = connection.ops.adapt_datefield_value
    kind, person_id = person
    where = ["kind = %s", "person_id = %s"]
    params: list[Any] = [kind, person_id]
    first, last = whole
    if first is not None:
        where.append("day >= %s")
        params.append(adapt(first))
    if last is not None:
        where.append("day <= %s")
        params.append(adapt(last))
    anchors = []
    for column, values in (("desk_id", vis.desks), ("ticket_type_id", vis.types)):
        if values and not vis.everything:
            sql, values_params = _in(column, values)
            anchors.append(sql)
            params += values_params
    if anchors:
        joined = " OR ".join(anchors)
        where.append(f"({joined})" if arm_kind == TYPESET else f"NOT ({joined})")
    for column, value in (
        ("desk_id", f.desk),
        ("ticket_type_id", f.ticket_type),
        ("state", f.state),
        ("resolution", f.resolution),
    ):
        if value is not None and value != "":
            where.append(f"{column} = %s")
            params.append(value)
    condition = " AND ".join(where)
    return f"SELECT COALESCE(SUM(n), 0) FROM {daycounts.TABLE} WHERE {condition}", params
