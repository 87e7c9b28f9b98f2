"""The four reports of SPEC.md §5 over a ``ReportScope``.

Each report is one SQL query: the whole UTC days of the period summed from the maintained
tally (``reports.tally``), plus the part-days at its ends aggregated from the tickets
themselves with the same expressions. The definitions, once:

- status: tickets per state;
- status by person: ``processing`` = in processing with the person as assignee; ``to_confirm``
  = to confirm with the person as processor; ``closed`` = closed resolved with the person as
  processor, plus closed rejected by the person (``closed_by``); ``processed`` = their sum;
- response time = ``accepted_at - submitted_at``, averaged over the tickets with
  ``accepted_at``, credited by person to whoever received the ticket (``received_by``: the
  claimer, or the target of the transfer that took it out of pending);
- processing time = ``processed_at - submitted_at`` (the last entry into ``to_confirm``),
  averaged over the tickets that are to confirm or closed resolved, credited to the processor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.reports import tally
from servicetickets.reports.scope import ReportScope
from servicetickets.reports.tallies import Efficiency, PersonStatus, StatusCounts, Timing
from servicetickets.tickettypes.models import TicketType

_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    name: str
    deleted: bool

    @property
    def sort_name(self) -> tuple[str, str]:
        return ((self.name or self.username).casefold(), self.username)


@dataclass(frozen=True)
class Split:
    """A period as whole UTC days (``first_day`` up to, not including, ``end_day``; ``None``:
    no end) and the moments outside them (half-open ranges of ``submitted_at``)."""

    first_day: date | None
    end_day: date | None
    edges: tuple[tuple[datetime, datetime | None], ...]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def split(start: datetime, end: datetime | None) -> Split:
    """``start``..``end`` (both inclusive; ``end`` ``None`` is open) cut into whole UTC days
    and the part-days around them."""
    start = start.astimezone(UTC)
    first = start.date() if start == _midnight(start.date()) else start.date() + timedelta(1)
    if end is None:
        return Split(first, None, ((start, _midnight(first)),))
    stop = end.astimezone(UTC) + _ONE_MICROSECOND  # exclusive
    last = stop.date()
    if first >= last:  # no whole day inside
        return Split(None, None, ((start, stop),))
    return Split(first, last, ((start, _midnight(first)), (_midnight(last), stop)))


def _scope_sql(scope: ReportScope) -> tuple[str, list[Any]]:
    # Every desk spelt out, so the tickets' (desk, submitted_at) index finds the part-days.
    desk_ids = scope.desk_ids
    if desk_ids is None:
        desk_ids = tuple(Desk.objects.order_by("pk").values_list("pk", flat=True)) or (0,)
    conditions = [f"desk_id IN ({', '.join(['%s'] * len(desk_ids))})"]
    values: list[Any] = list(desk_ids)
    if scope.ticket_type_id is not None:
        conditions.append("ticket_type_id = %s")
        values.append(scope.ticket_type_id)
    return " AND ".join(conditions), values


def totals_query(scope: ReportScope, *, people: bool) -> tuple[str, list[Any]]:
    """The one query of a report: summed ``tally.COUNTERS`` per person id (0: the tickets'
    own totals; ``people``: the persons' rows instead)."""
    vendor = connection.vendor
    parts = split(scope.start, scope.end)
    where, where_values = _scope_sql(scope)
    values: list[Any] = []
    # The part-days, from the tickets: one range scan of (desk, submitted_at) each (an OR of
    # the two ranges makes PostgreSQL scan the whole table instead).
    columns = ", ".join(tally.TICKET_COLUMNS)
    ranges = []
    for low, high in parts.edges:
        bounds = (
            "submitted_at >= %s" if high is None else "submitted_at >= %s AND submitted_at < %s"
        )
        ranges.append(f"SELECT {columns} FROM {tally.TICKETS} WHERE {where} AND {bounds}")
        values += [*where_values, low] if high is None else [*where_values, low, high]
    edge = " UNION ALL ".join(ranges)
    selects = [tally.contributions(vendor, "edge", tickets=not people, people=people)]
    # The whole days, from the tally.
    if parts.first_day is not None:
        days = "day >= %s" if parts.end_day is None else "day >= %s AND day < %s"
        counters = ", ".join(tally.COUNTERS)
        person = "person_id <> 0" if people else "person_id = 0"
        selects.append(
            f"SELECT {', '.join(tally.KEY)}, {counters} FROM {tally.TABLE}"
            f" WHERE {days} AND {where} AND {person}"
        )
        values.append(parts.first_day)
        if parts.end_day is not None:
            values.append(parts.end_day)
        values += where_values
    sums = ", ".join(f"SUM({c})" for c in tally.COUNTERS)
    union = "\nUNION ALL\n".join(selects)
    sql = f"WITH edge AS ({edge})\nSELECT person_id, {sums} FROM ({union}) AS c GROUP BY person_id"
    return sql, tally.params(connection, values)


def _totals(scope: ReportScope, *, people: bool) -> dict[int, tuple[int, ...]]:
    sql, values = totals_query(scope, people=people)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    return {int(row[0]): tuple(int(v or 0) for v in row[1:]) for row in rows}


def _timing(count: int, milliseconds: int) -> Timing:
    return Timing(count, milliseconds / 1000)


def _efficiency(sums: tuple[int, ...]) -> Efficiency:
    _p, _pr, _tc, _c, accepted, response_ms, processed, processing_ms = sums
    return Efficiency(_timing(accepted, response_ms), _timing(processed, processing_ms))


def report_status(scope: ReportScope) -> StatusCounts:
    sums = _totals(scope, people=False).get(0)
    return StatusCounts(*sums[:4]) if sums else StatusCounts()


def report_efficiency(scope: ReportScope) -> Efficiency:
    sums = _totals(scope, people=False).get(0)
    return _efficiency(sums) if sums else Efficiency()


def _people(scope: ReportScope, credited: set[int]) -> list[Person]:
    """The rows of a by-person report: every active handler of the types in scope (the
    filtered type even if deleted, otherwise the desks' types that are not deleted), plus
    everyone the tickets in scope credit, deactivated or not (flagged ``deleted``)."""
    kinds = TicketType.objects.all()
    if scope.ticket_type_id is not None:
        kinds = kinds.filter(pk=scope.ticket_type_id)
    else:
        kinds = kinds.filter(deleted_at__isnull=True)
        if scope.desk_ids is not None:
            kinds = kinds.filter(desk_id__in=scope.desk_ids)
    handlers = TicketType.handlers.through.objects.filter(tickettype__in=kinds).values("user_id")
    users = User.objects.filter(Q(pk__in=credited) | Q(pk__in=handlers, is_active=True))
    return [
        Person(pk, username, name, not active)
        for pk, username, name, active in users.values_list("pk", "username", "name", "is_active")
    ]


def report_status_by_person(scope: ReportScope) -> list[tuple[Person, PersonStatus]]:
    """Ordered by ``processed`` (most first), then by name."""
    totals = {
        pk: PersonStatus(processing, to_confirm, closed)
        for pk, (_p, processing, to_confirm, closed, *_rest) in _totals(scope, people=True).items()
    }
    credited = {pk for pk, status in totals.items() if status.processed}
    rows = [(p, totals.get(p.id, PersonStatus())) for p in _people(scope, credited)]
    rows.sort(key=lambda row: (-row[1].processed, row[0].sort_name))
    return rows


def report_efficiency_by_person(scope: ReportScope) -> list[tuple[Person, Efficiency]]:
    """Ordered by tickets processed, then received (most first), then by name."""
    totals = {pk: _efficiency(sums) for pk, sums in _totals(scope, people=True).items()}
    credited = {pk for pk, e in totals.items() if e.response.count or e.processing.count}
    rows = [(p, totals.get(p.id, Efficiency())) for p in _people(scope, credited)]
    rows.sort(key=lambda row: (-row[1].processing.count, -row[1].response.count, row[0].sort_name))
    return rows
