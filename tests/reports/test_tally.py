"""The maintained totals behind the reports agree with adding up the tickets themselves,
whatever wrote the tickets and wherever a period starts and ends."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from servicetickets.cli import main
from servicetickets.reports import scan, selectors, tally
from servicetickets.reports.scope import ReportScope
from servicetickets.reports.tallies import Efficiency
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.services import type_update
from tests.factories import UserFactory
from tests.reports.conftest import World
from tests.reports.helpers import (
    HOUR,
    base,
    cancel,
    claim,
    complete,
    confirm,
    give_back,
    new_ticket,
    reject,
    report,
    transfer,
)

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


def _random_history(world: World, rng: random.Random, count: int) -> None:
    """Tickets on both desks taken to random ends by the services, then moved to random
    times over a fortnight (so the totals move between days, as demo data does), with
    random due times (none, met, missed, exactly met) for each SLA target."""
    p = world.people
    type_update(kind=world.kind, targets={"response_target": HOUR, "processing_target": DAY})
    for _ in range(count):
        other = rng.random() < 0.3
        kind = world.other_type if other else world.kind
        first = world.other_handler if other else rng.choice([p.handler, p.handler2])
        second = first if other else rng.choice([p.handler, p.handler2])
        ticket = new_ticket(kind, p.requester)
        end = rng.choice(["pending", "processing", "to_confirm", "resolved", "rejected", "gone"])
        if end == "gone":
            cancel(ticket, p.requester)
        elif end != "pending":
            if rng.random() < 0.3 and second != first:
                transfer(ticket, first, second)
                first = second
            else:
                claim(ticket, first)
            if end == "rejected":
                reject(ticket, first)
            elif end != "processing":
                complete(ticket, first)
                if rng.random() < 0.3:
                    give_back(ticket, p.requester)
                    complete(ticket, first)
                if end == "resolved":
                    confirm(ticket, p.requester)
        submitted = base() - timedelta(days=rng.uniform(0, 14))
        accepted = submitted + timedelta(hours=rng.uniform(0, 30))
        processed = accepted + timedelta(hours=rng.uniform(0, 50))
        Ticket.objects.filter(pk=ticket.pk).update(submitted_at=submitted)
        Ticket.objects.filter(pk=ticket.pk, accepted_at__isnull=False).update(accepted_at=accepted)
        Ticket.objects.filter(pk=ticket.pk, processed_at__isnull=False).update(
            processed_at=processed
        )
        Ticket.objects.filter(pk=ticket.pk).update(
            response_due_at=_due(rng, submitted, accepted, hours=30),
            processing_due_at=_due(rng, submitted, processed, hours=80),
        )


def _due(rng: random.Random, submitted: datetime, done: datetime, *, hours: float) -> Any:
    """No due time, exactly ``done``, or a random one up to ``hours`` after submission (which
    may have passed the test's "now" or not)."""
    draw = rng.random()
    if draw < 0.25:
        return None
    if draw < 0.35:
        return done
    return submitted + timedelta(hours=rng.uniform(0, hours))


def _by_scan(scope: ReportScope, now: datetime) -> dict[str, Any]:
    tickets = Ticket.objects.filter(submitted_at__gte=scope.start)
    if scope.end is not None:
        tickets = tickets.filter(submitted_at__lte=scope.end)
    if scope.desk_ids is not None:
        tickets = tickets.filter(desk_id__in=scope.desk_ids)
    if scope.ticket_type_id is not None:
        tickets = tickets.filter(ticket_type_id=scope.ticket_type_id)
    return {
        "status": scan.status_counts(tickets),
        "efficiency": _rounded(scan.efficiency(tickets, now=now)),
        "status_by_person": scan.status_by_person(tickets),
        "efficiency_by_person": {
            pk: _rounded(e) for pk, e in scan.efficiency_by_person(tickets, now=now).items()
        },
    }


def _rounded(e: Efficiency) -> tuple[Any, ...]:
    def avg(t: Any) -> Any:
        return None if t.average is None else round(t.average, 1)

    return (
        e.response.count,
        avg(e.response),
        e.processing.count,
        avg(e.processing),
        e.response_target,
        e.processing_target,
        e.overdue_open,
    )


def _by_tally(scope: ReportScope, now: datetime) -> dict[str, Any]:
    return {
        "status": selectors.report_status(scope),
        "efficiency": _rounded(selectors.report_efficiency(scope, now=now)),
        "status_by_person": {
            person.id: status
            for person, status in selectors.report_status_by_person(scope)
            if status.processed
        },
        "efficiency_by_person": {
            person.id: _rounded(e)
            for person, e in selectors.report_efficiency_by_person(scope, now=now)
            if e != Efficiency()
        },
    }


def test_reports_agree_with_the_tickets_for_any_period_and_filter(world: World) -> None:
    rng = random.Random(20240527)
    _random_history(world, rng, 60)
    low, high = base() - timedelta(days=15), base() + timedelta(days=1)
    span = (high - low).total_seconds()
    for _ in range(40):
        start = low + timedelta(seconds=rng.uniform(0, span))
        end = None if rng.random() < 0.25 else start + timedelta(seconds=rng.uniform(0, span))
        if rng.random() < 0.2:  # a period of whole UTC days
            start = start.replace(hour=0, minute=0, second=0, microsecond=0)
            end = None if end is None else end.replace(hour=0, minute=0, second=0) - SECOND
        desks = rng.choice([None, (world.desk.pk,), (world.other_desk.pk,)])
        kind = rng.choice([None, world.kind.pk]) if desks != (world.other_desk.pk,) else None
        scope = ReportScope(desks, kind, start, end)
        now = low + timedelta(seconds=rng.uniform(0, span))  # for the open tickets' lateness

        assert _by_tally(scope, now) == _by_scan(scope, now), (scope, now)


def _table() -> set[tuple[Any, ...]]:
    """The totals, leaving out rows that have gone back to all zeros."""
    columns = ", ".join((*tally.KEY, *tally.COUNTERS))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {tally.TABLE}")
        found = cursor.fetchall()
    return {tuple(str(v) for v in row) for row in found if any(row[len(tally.KEY) :])}


def test_the_totals_kept_by_the_database_equal_a_rebuild_from_the_tickets(world: World) -> None:
    _random_history(world, random.Random(7), 25)
    kept = _table()

    tally.rebuild(connection)

    assert kept == _table()
    assert kept


def test_deleting_tickets_takes_them_out_of_the_totals(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    Ticket.objects.filter(pk=ticket.pk).delete()

    assert _table() == set()
    assert report(p.admin, "status")["total"] == 0


def test_lost_triggers_are_put_back_after_migrating(world: World) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    p = world.people
    with connection.cursor() as cursor:
        for event in ("insert", "update", "delete"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {tally.TABLE}_{event} ON {tally.TICKETS}")
            else:
                cursor.execute(f"DROP TRIGGER {tally.TABLE}_{event}")
    claim(new_ticket(world.kind, p.requester), p.handler)  # not counted: no triggers
    assert report(p.admin, "status")["total"] == 0

    call_command("migrate", verbosity=0)

    assert report(p.admin, "status")["processing"] == 1
    claim(new_ticket(world.kind, p.requester), p.handler)
    assert report(p.admin, "status")["processing"] == 2


@pytest.mark.django_db
def test_a_bulk_seeded_history_is_in_the_totals_and_the_reports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``servicetickets seed`` writes thousands of rows per statement (COPY on PostgreSQL)."""
    assert main(["seed", "--tickets", "400", "--seed", "3", "--users", "30"]) == 0
    capsys.readouterr()
    kept = _table()
    root = UserFactory(username="root", is_superuser=True)
    start = timezone.now() - timedelta(days=400)

    tally.rebuild(connection)
    status = report(root, "status", submitted_from=start.isoformat())

    assert kept == _table()
    assert status["total"] == 400
    scope = ReportScope(None, None, start, None)
    now = timezone.now()
    assert _by_tally(scope, now) == _by_scan(scope, now)
    # The seed gives some types targets, so the SLA columns are exercised.
    efficiency = selectors.report_efficiency(scope, now=now)
    assert efficiency.response_target.targeted and efficiency.processing_target.targeted
