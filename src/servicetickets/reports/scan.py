"""The reports' definitions (SPEC.md §5) as plain SQL aggregations over a queryset of tickets:
conditional counts and sums, durations computed per row by the database.

The endpoints do not use this: over a million tickets it takes 0.25 to 0.8 s on PostgreSQL
and 0.6 to 3 s on SQLite per report, so they read the maintained tally instead
(``reports.selectors``). It stays as the definitions written the obvious way: the tests check
the tally against it, and ``bench/reports.py`` shows what the tally saves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum, When
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from servicetickets.reports.tallies import Efficiency, PersonStatus, StatusCounts, Target, Timing
from servicetickets.tickets.models import Resolution, State, Ticket

#: Tickets whose processing time counts: waiting for confirmation, or closed resolved.
PROCESSED = Q(state=State.TO_CONFIRM) | Q(state=State.CLOSED, resolution=Resolution.RESOLVED)
ACCEPTED = Q(accepted_at__isnull=False)
REJECTED = Q(state=State.CLOSED, resolution=Resolution.REJECTED)
#: SLA (``reports.selectors``): accepted with a response due time, and accepted by it;
#: processed with a processing due time, and processed by it.
RESPONSE_TARGETED = ACCEPTED & Q(response_due_at__isnull=False)
RESPONSE_WITHIN = RESPONSE_TARGETED & Q(accepted_at__lte=F("response_due_at"))
PROCESSING_TARGETED = PROCESSED & Q(processing_due_at__isnull=False)
PROCESSING_WITHIN = PROCESSING_TARGETED & Q(processed_at__lte=F("processing_due_at"))


def overdue(now: datetime) -> Q:
    """Open tickets past a due time at ``now`` (``Ticket.is_overdue``)."""
    return Q(state=State.PENDING, response_due_at__lt=now) | Q(
        state__in=[State.PENDING, State.PROCESSING], processing_due_at__lt=now
    )


class Seconds(Func):
    """``end - start`` in seconds as a float, computed by the database."""

    output_field = FloatField()
    arity = 2
    # date_part (not EXTRACT) keeps double precision; EXTRACT gives numeric since PG 14.
    template = "date_part('epoch', %(expressions)s)"
    arg_joiner = " - "

    def __init__(self, end: str, start: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        # Native julianday(); Django's own datetime subtraction calls a Python function per row.
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


RESPONSE = Seconds("accepted_at", "submitted_at")
PROCESSING = Seconds("processed_at", "submitted_at")

#: The one person a ticket's state credits in "status by person", if any.
STATUS_PERSON = Case(
    When(state=State.PROCESSING, then=F("assignee_id")),
    When(state=State.TO_CONFIRM, then=F("processed_by_id")),
    When(Q(state=State.CLOSED, resolution=Resolution.RESOLVED), then=F("processed_by_id")),
    When(REJECTED, then=F("closed_by_id")),
    default=None,
    output_field=IntegerField(),
)


def _timing(count: int | None, seconds: float | None) -> Timing:
    return Timing(count or 0, float(seconds or 0.0))


def status_counts(tickets: QuerySet[Ticket]) -> StatusCounts:
    by_state = dict(
        tickets.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    return StatusCounts(
        pending=by_state.get(State.PENDING, 0),
        processing=by_state.get(State.PROCESSING, 0),
        to_confirm=by_state.get(State.TO_CONFIRM, 0),
        closed=by_state.get(State.CLOSED, 0),
    )


def status_by_person(tickets: QuerySet[Ticket]) -> dict[int, PersonStatus]:
    rows = (
        tickets.order_by()
        .filter(
            Q(state__in=[State.PROCESSING, State.TO_CONFIRM])
            | Q(state=State.CLOSED, resolution__in=[Resolution.RESOLVED, Resolution.REJECTED])
        )
        .annotate(person=STATUS_PERSON)
        .values("person")
        .annotate(
            processing=Count("pk", filter=Q(state=State.PROCESSING)),
            to_confirm=Count("pk", filter=Q(state=State.TO_CONFIRM)),
            closed=Count("pk", filter=Q(state=State.CLOSED)),
        )
    )
    return {
        row["person"]: PersonStatus(row["processing"], row["to_confirm"], row["closed"])
        for row in rows
        if row["person"] is not None
    }


def efficiency(tickets: QuerySet[Ticket], *, now: datetime | None = None) -> Efficiency:
    row = tickets.order_by().aggregate(
        accepted=Count("pk", filter=ACCEPTED),
        response=Sum(RESPONSE, filter=ACCEPTED),
        processed=Count("pk", filter=PROCESSED),
        processing=Sum(PROCESSING, filter=PROCESSED),
        response_targeted=Count("pk", filter=RESPONSE_TARGETED),
        response_within=Count("pk", filter=RESPONSE_WITHIN),
        processing_targeted=Count("pk", filter=PROCESSING_TARGETED),
        processing_within=Count("pk", filter=PROCESSING_WITHIN),
        overdue_open=Count("pk", filter=overdue(now or timezone.now())),
    )
    return Efficiency(
        response=_timing(row["accepted"], row["response"]),
        processing=_timing(row["processed"], row["processing"]),
        response_target=Target(row["response_targeted"], row["response_within"]),
        processing_target=Target(row["processing_targeted"], row["processing_within"]),
        overdue_open=row["overdue_open"],
    )


def efficiency_by_person(
    tickets: QuerySet[Ticket], *, now: datetime | None = None
) -> dict[int, Efficiency]:
    """Response time and target credited to whoever received the ticket, processing time and
    target to its processor, overdue tickets in processing to their assignee: three groupings,
    since they are often different people."""
    received = (
        tickets.order_by()
        .filter(ACCEPTED, received_by__isnull=False)
        .values("received_by_id")
        .annotate(
            n=Count("pk"),
            seconds=Sum(RESPONSE),
            targeted=Count("pk", filter=RESPONSE_TARGETED),
            within=Count("pk", filter=RESPONSE_WITHIN),
        )
        .values_list("received_by_id", "n", "seconds", "targeted", "within")
    )
    processed = (
        tickets.order_by()
        .filter(PROCESSED, processed_by__isnull=False)
        .values("processed_by_id")
        .annotate(
            n=Count("pk"),
            seconds=Sum(PROCESSING),
            targeted=Count("pk", filter=PROCESSING_TARGETED),
            within=Count("pk", filter=PROCESSING_WITHIN),
        )
        .values_list("processed_by_id", "n", "seconds", "targeted", "within")
    )
    late = (
        tickets.order_by()
        .filter(state=State.PROCESSING, processing_due_at__lt=now or timezone.now())
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    out: dict[int, Efficiency] = {}
    for person, n, seconds, targeted, within in received:
        out[person] = Efficiency(
            response=_timing(n, seconds), response_target=Target(targeted, within)
        )
    for person, n, seconds, targeted, within in processed:
        out[person] = out.get(person, Efficiency()) + Efficiency(
            processing=_timing(n, seconds), processing_target=Target(targeted, within)
        )
    for person, n in late:
        out[person] = out.get(person, Efficiency()) + Efficiency(overdue_open=n)
    return out
