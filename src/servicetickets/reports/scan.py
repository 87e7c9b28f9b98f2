"""The reports' definitions (SPEC.md §5) as plain SQL aggregations over a queryset of tickets:
conditional counts and sums, durations computed per row by the database.

The endpoints do not use this: over a million tickets it takes 0.25 to 0.8 s on PostgreSQL
and 0.6 to 3 s on SQLite per report, so they read the maintained tally instead
(``reports.selectors``). It stays as the definitions written the obvious way: the tests check
the tally against it, and ``bench/reports.py`` shows what the tally saves.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum, When
from django.db.models.sql.compiler import SQLCompiler

from servicetickets.reports.tallies import Efficiency, PersonStatus, StatusCounts, Timing
from servicetickets.tickets.models import Resolution, State, Ticket

#: Tickets whose processing time counts: waiting for confirmation, or closed resolved.
PROCESSED = Q(state=State.TO_CONFIRM) | Q(state=State.CLOSED, resolution=Resolution.RESOLVED)
ACCEPTED = Q(accepted_at__isnull=False)
REJECTED = Q(state=State.CLOSED, resolution=Resolution.REJECTED)


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


def efficiency(tickets: QuerySet[Ticket]) -> Efficiency:
    row = tickets.order_by().aggregate(
        accepted=Count("pk", filter=ACCEPTED),
        response=Sum(RESPONSE, filter=ACCEPTED),
        processed=Count("pk", filter=PROCESSED),
        processing=Sum(PROCESSING, filter=PROCESSED),
    )
    return Efficiency(
        response=_timing(row["accepted"], row["response"]),
        processing=_timing(row["processed"], row["processing"]),
    )


def efficiency_by_person(tickets: QuerySet[Ticket]) -> dict[int, Efficiency]:
    """Response time credited to whoever received the ticket, processing time to its
    processor: two groupings, since they are often different people."""
    received = (
        tickets.order_by()
        .filter(ACCEPTED, received_by__isnull=False)
        .values("received_by_id")
        .annotate(n=Count("pk"), seconds=Sum(RESPONSE))
        .values_list("received_by_id", "n", "seconds")
    )
    processed = (
        tickets.order_by()
        .filter(PROCESSED, processed_by__isnull=False)
        .values("processed_by_id")
        .annotate(n=Count("pk"), seconds=Sum(PROCESSING))
        .values_list("processed_by_id", "n", "seconds")
    )
    out: dict[int, Efficiency] = {}
    for person, n, seconds in received:
        out[person] = Efficiency(response=_timing(n, seconds))
    for person, n, seconds in processed:
        out[person] = out.get(person, Efficiency()) + Efficiency(processing=_timing(n, seconds))
    return out
