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

SLA targets (SPEC.md §7; a ticket's due times are fixed at its submission, none when its type
had no target then). A share is judged only on tickets whose outcome is written, so it never
changes by time passing alone:

- response target: of the accepted tickets with a ``response_due_at`` ("targeted"), those with
  ``accepted_at <= response_due_at`` ("within"), credited by person to the receiver. Whatever
  became of the ticket after its acceptance (rejected, cancelled) does not matter;
- processing target: of the tickets that count as processed (to confirm, or closed resolved,
  as for the average) with a ``processing_due_at``, those with ``processed_at <=
  processing_due_at`` (the last completion, so a return that is completed again late misses
  it), credited to the processor. Rejected and cancelled tickets are not judged;
- share = within / targeted, ``None`` when nothing is targeted;
- ``overdue_open``, the tickets not judged yet that already missed a target: open tickets
  past a due time at the moment of the request — pending past ``response_due_at``, or pending
  or in processing past ``processing_due_at`` (the list's ``overdue`` flag, counted once per
  ticket). By person: tickets in processing past ``processing_due_at`` with the person as
  assignee (a pending ticket has nobody to credit). Read from the tickets on each request,
  through the partial indexes on the due times of open tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.reports import tally
from servicetickets.reports.scope import ReportScope
from servicetickets.reports.tallies import (
    Efficiency,
    PersonStatus,
    StatusCounts,
    Target,
    Timing,
)
from servicetickets.tickettypes.models import TicketType

_ONE_MICROSECOND = timedelta(microseconds=1)
#: A report's sums by name: ``tally.COUNTERS`` and ``overdue_open``.
type Sums = dict[str, int]


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


def _period_sql(scope: ReportScope) -> tuple[str, list[Any]]:
    if scope.end is None:
        return "submitted_at >= %s", [scope.start]
    return "submitted_at >= %s AND submitted_at <= %s", [scope.start, scope.end]


#: The partial indexes of open tickets by (desk, due time), ``tickets.models.Ticket``.
RESPONSE_DUE_INDEX = "tickets_response_due_open"
PROCESSING_DUE_INDEX = "tickets_processing_due_open"


def _live(person: str, conditions: str, *, index: str, group: bool) -> str:
    """A SELECT counting tickets into ``overdue_open`` (the tally's counters 0) through
    ``index``. SQLite is told so: without statistics it would rather scan a type's or a
    desk's whole period by submission time, which a closed period's two bounds make look
    cheaper (and it refuses the query if the index's condition ever stops matching)."""
    zeros = ", ".join(f"0 AS {c}" for c in tally.COUNTERS)
    source = tally.TICKETS
    if connection.vendor == "sqlite":
        source = f"{source} INDEXED BY {index}"
    grouping = f" GROUP BY {person}" if group else ""
    return (
        f"SELECT {person} AS person_id, {zeros}, COUNT(*) AS overdue_open"
        f" FROM {source} WHERE {conditions}{grouping}"
    )


def _overdue_sql(
    scope: ReportScope, where: str, where_values: list[Any], *, people: bool, now: datetime
) -> tuple[str, list[Any]]:
    """SELECTs counting the open tickets of the scope (``where``: its desks and type) past a
    due time at ``now``, from the partial indexes of open tickets by due time. SQLite uses a
    partial index only when a term of the query implies its condition as written, hence the
    state conditions' exact form."""
    period, period_values = _period_sql(scope)
    scoped = f"{where} AND {period}"
    values = [*where_values, *period_values]
    open_ = "(state = 'pending' OR state = 'processing')"
    if people:
        late = f"{scoped} AND state = 'processing' AND processing_due_at < %s"
        sql = _live("assignee_id", late, index=PROCESSING_DUE_INDEX, group=True)
        return sql, [*values, now]
    # Two disjoint branches, so a ticket late for both targets counts once: pending past the
    # response due time; open past the processing due time and not already in the first.
    late_response = f"{scoped} AND state = 'pending' AND response_due_at < %s"
    late_processing = (
        f"{scoped} AND {open_} AND processing_due_at < %s"
        " AND (state <> 'pending' OR response_due_at IS NULL OR response_due_at >= %s)"
    )
    first = _live("0", late_response, index=RESPONSE_DUE_INDEX, group=False)
    second = _live("0", late_processing, index=PROCESSING_DUE_INDEX, group=False)
    return f"{first} UNION ALL {second}", [*values, now, *values, now, now]


def totals_query(
    scope: ReportScope, *, people: bool, now: datetime | None = None
) -> tuple[str, list[Any]]:
    """The one query of a report: per person id (0: the tickets' own totals; ``people``: the
    persons' rows instead) the summed ``tally.COUNTERS``, then ``overdue_open`` at ``now``
    (always 0 without ``now``)."""
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
    kept = "\nUNION ALL\n".join(selects)
    totals = f"SELECT person_id, {', '.join(tally.COUNTERS)}, 0 AS overdue_open FROM ({kept}) AS t"
    if now is not None:
        live, live_values = _overdue_sql(scope, where, where_values, people=people, now=now)
        totals = f"{totals}\nUNION ALL\n{live}"
        values += live_values
    sums = ", ".join(f"SUM({c})" for c in (*tally.COUNTERS, "overdue_open"))
    sql = f"WITH edge AS ({edge})\nSELECT person_id, {sums} FROM ({totals}) AS c GROUP BY person_id"
    return sql, tally.params(connection, values)


def _totals(scope: ReportScope, *, people: bool, now: datetime | None = None) -> dict[int, Sums]:
    sql, values = totals_query(scope, people=people, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    names = (*tally.COUNTERS, "overdue_open")
    return {
        int(row[0]): {name: int(v or 0) for name, v in zip(names, row[1:], strict=True)}
        for row in rows
    }


def _timing(count: int, milliseconds: int) -> Timing:
    return Timing(count, milliseconds / 1000)


def _efficiency(sums: Sums) -> Efficiency:
    return Efficiency(
        response=_timing(sums["accepted"], sums["response_ms"]),
        processing=_timing(sums["processed"], sums["processing_ms"]),
        response_target=Target(sums["response_targeted"], sums["response_within"]),
        processing_target=Target(sums["processing_targeted"], sums["processing_within"]),
        overdue_open=sums["overdue_open"],
    )


def report_status(scope: ReportScope) -> StatusCounts:
    sums = _totals(scope, people=False).get(0)
    if not sums:
        return StatusCounts()
    return StatusCounts(sums["pending"], sums["processing"], sums["to_confirm"], sums["closed"])


def report_efficiency(scope: ReportScope, *, now: datetime | None = None) -> Efficiency:
    """``now``: the moment ``overdue_open`` is counted at (the request's)."""
    sums = _totals(scope, people=False, now=now or timezone.now()).get(0)
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
        pk: PersonStatus(sums["processing"], sums["to_confirm"], sums["closed"])
        for pk, sums in _totals(scope, people=True).items()
    }
    credited = {pk for pk, status in totals.items() if status.processed}
    rows = [(p, totals.get(p.id, PersonStatus())) for p in _people(scope, credited)]
    rows.sort(key=lambda row: (-row[1].processed, row[0].sort_name))
    return rows


def report_efficiency_by_person(
    scope: ReportScope, *, now: datetime | None = None
) -> list[tuple[Person, Efficiency]]:
    """Ordered by tickets processed, then received (most first), then by name."""
    sums = _totals(scope, people=True, now=now or timezone.now())
    totals = {pk: _efficiency(person_sums) for pk, person_sums in sums.items()}
    credited = {
        pk for pk, e in totals.items() if e.response.count or e.processing.count or e.overdue_open
    }
    rows = [(p, totals.get(p.id, Efficiency())) for p in _people(scope, credited)]
    rows.sort(key=lambda row: (-row[1].processing.count, -row[1].response.count, row[0].sort_name))
    return rows


# --- Per-period series (the efficiency report's trend chart) -----------------------------

#: The buckets a trend is cut into: calendar weeks (starting Monday) or calendar months, of
#: UTC days (the tally's days).
TREND_BUCKETS = ("week", "month")


@dataclass(frozen=True)
class TrendPoint:
    """One bucket of a trend: tickets submitted in it, and their response and processing
    times (as ``report_efficiency`` counts them, for the tickets submitted in the bucket)."""

    start: date
    submitted: int
    response: Timing
    processing: Timing


def _bucket_sql(vendor: str, column: str, bucket: str) -> str:
    """The first day of the bucket holding the day ``column`` (a date, or SQLite's text)."""
    if vendor == "postgresql":
        return f"CAST(date_trunc('{bucket}', CAST({column} AS timestamp)) AS date)"
    if bucket == "month":
        return f"strftime('%%Y-%%m-01', {column})"
    # Monday of the week: strftime('%w') is 0 for Sunday.
    return (
        f"date({column}, '-' || ((CAST(strftime('%%w', {column}) AS INTEGER) + 6) %% 7) || ' days')"
    )


def trend_query(scope: ReportScope, *, bucket: str) -> tuple[str, list[Any]]:
    """The one query of a trend: per bucket the tickets' own sums (``person_id`` 0) read as
    ``totals_query`` reads them (whole days from the tally, the part-days at the ends from the
    tickets), grouped by the truncated day in SQL."""
    if bucket not in TREND_BUCKETS:
        raise ValueError(bucket)
    vendor = connection.vendor
    parts = split(scope.start, scope.end)
    where, where_values = _scope_sql(scope)
    counters = ("pending", "processing", "to_confirm", "closed", *tally.COUNTERS[4:8])
    columns = ", ".join(tally.TICKET_COLUMNS)
    values: list[Any] = []
    ranges = []
    for low, high in parts.edges:
        bounds = (
            "submitted_at >= %s" if high is None else "submitted_at >= %s AND submitted_at < %s"
        )
        ranges.append(f"SELECT {columns} FROM {tally.TICKETS} WHERE {where} AND {bounds}")
        values += [*where_values, low] if high is None else [*where_values, low, high]
    edge = " UNION ALL ".join(ranges)
    kept = ", ".join(counters)
    selects = [
        f"SELECT day, {kept} FROM ("
        f"{tally.contributions(vendor, 'edge', tickets=True, people=False)}) AS e"
    ]
    if parts.first_day is not None:
        days = "day >= %s" if parts.end_day is None else "day >= %s AND day < %s"
        selects.append(
            f"SELECT day, {kept} FROM {tally.TABLE} WHERE {days} AND {where} AND person_id = 0"
        )
        values.append(parts.first_day)
        if parts.end_day is not None:
            values.append(parts.end_day)
        values += where_values
    rows = "\nUNION ALL\n".join(selects)
    sums = ", ".join(f"SUM({c})" for c in counters)
    start = _bucket_sql(vendor, "day", bucket)
    sql = (
        f"WITH edge AS ({edge})\nSELECT {start} AS bucket, {sums} FROM ({rows}) AS t"
        f" GROUP BY {start} ORDER BY bucket"
    )
    return sql, tally.params(connection, values)


def _bucket_start(day: date, bucket: str) -> date:
    return day.replace(day=1) if bucket == "month" else day - timedelta(days=day.weekday())


def _next_bucket(day: date, bucket: str) -> date:
    if bucket == "week":
        return day + timedelta(days=7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def trend_bucket(scope: ReportScope, *, now: datetime | None = None) -> str:
    """Weeks for a period of up to about three months, months beyond."""
    end = scope.end or now or timezone.now()
    return "week" if end - scope.start <= timedelta(days=92) else "month"


def report_trend(
    scope: ReportScope, *, bucket: str | None = None, now: datetime | None = None
) -> list[TrendPoint]:
    """Every bucket of the period in order (empty ones too, so a chart's axis is even): the
    tickets submitted in it and their average times. One grouped SQL query; the gaps are
    filled from the few bucket dates, never from the tickets."""
    bucket = bucket or trend_bucket(scope, now=now)
    sql, values = trend_query(scope, bucket=bucket)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        found = cursor.fetchall()
    by_start: dict[date, TrendPoint] = {}
    for row in found:
        start = row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))
        pending, processing, to_confirm, closed, accepted, response_ms, done, done_ms = (
            int(v or 0) for v in row[1:]
        )
        by_start[start] = TrendPoint(
            start=start,
            submitted=pending + processing + to_confirm + closed,
            response=_timing(accepted, response_ms),
            processing=_timing(done, done_ms),
        )
    first = _bucket_start(scope.start.astimezone(UTC).date(), bucket)
    last = (scope.end or now or timezone.now()).astimezone(UTC).date()
    out: list[TrendPoint] = []
    day = first
    while day <= last:
        out.append(by_start.get(day, TrendPoint(day, 0, Timing(), Timing())))
        day = _next_bucket(day, bucket)
    return out


def report_type_choices(desk_ids: tuple[int, ...] | None) -> list[TicketType]:
    """The ticket types a reports or data filter offers for these desks (``None``: every
    desk): deleted ones too (their tickets stay), by desk then name."""
    kinds = TicketType.objects.select_related("desk")
    if desk_ids is not None:
        kinds = kinds.filter(desk_id__in=desk_ids)
    return list(kinds.order_by("desk__name", "deleted_at", "name", "pk"))
