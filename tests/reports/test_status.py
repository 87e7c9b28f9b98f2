"""``GET /reports/status`` (SPEC.md §5): tickets per state in the period."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from pytest_django.fixtures import Settings

from servicetickets.tickets.models import Ticket
from tests.reports.conftest import World
from tests.reports.helpers import cancel, claim, complete, confirm, new_ticket, reject, report


def _one_in_each_state(world: World) -> list[Ticket]:
    p = world.people
    made = []
    for end in ("pending", "processing", "to_confirm", "resolved", "rejected", "cancelled"):
        ticket = new_ticket(world.kind, p.requester)
        if end == "cancelled":
            cancel(ticket, p.requester)
        elif end != "pending":
            claim(ticket, p.handler)
            if end == "rejected":
                reject(ticket, p.handler)
            elif end != "processing":
                complete(ticket, p.handler)
                if end == "resolved":
                    confirm(ticket, p.requester)
        made.append(ticket)
    return made


def test_status_counts_the_tickets_of_each_state(world: World) -> None:
    _one_in_each_state(world)

    assert report(world.people.admin, "status") == {
        "total": 6,
        "pending": 1,
        "processing": 1,
        "to_confirm": 1,
        "closed": 3,
    }


def test_an_empty_desk_reports_zeros(world: World) -> None:
    assert report(world.people.admin, "status") == {
        "total": 0,
        "pending": 0,
        "processing": 0,
        "to_confirm": 0,
        "closed": 0,
    }


def test_the_default_period_is_the_last_six_months(world: World) -> None:
    old, recent, *_ = _one_in_each_state(world)
    now = timezone.now()
    Ticket.objects.filter(pk=old.pk).update(submitted_at=now - timedelta(days=200))
    Ticket.objects.filter(pk=recent.pk).update(submitted_at=now - timedelta(days=170))

    body = report(world.people.admin, "status")

    assert (body["total"], body["pending"], body["processing"]) == (5, 0, 1)


def test_an_explicit_period_reaches_older_tickets(world: World) -> None:
    old, *_ = _one_in_each_state(world)
    Ticket.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now().replace(year=2024, month=3, day=10)
    )

    body = report(
        world.people.admin, "status", submitted_from="2024-03-01", submitted_to="2024-03-31"
    )

    assert (body["total"], body["pending"]) == (1, 1)


def test_a_date_as_the_end_includes_that_whole_day(world: World) -> None:
    ticket, *_ = _one_in_each_state(world)
    late = timezone.make_aware(datetime(2025, 1, 31, 23, 59, 59, 999999))
    Ticket.objects.filter(pk=ticket.pk).update(submitted_at=late)

    def total(**period: str) -> int:
        return int(report(world.people.admin, "status", **period)["total"])

    assert total(submitted_from="2025-01-31", submitted_to="2025-01-31") == 1
    assert total(submitted_from="2025-01-01", submitted_to="2025-01-30") == 0
    assert total(submitted_from="2025-02-01", submitted_to="2025-02-28") == 0
    assert total(submitted_from="2025-01-31T23:59:59.999999", submitted_to="2025-02-01") == 1
    assert total(submitted_from="2025-01-31", submitted_to="2025-01-31T23:59:59") == 0


def test_the_period_is_read_in_the_installation_time_zone(world: World, settings: Settings) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    ticket, *_ = _one_in_each_state(world)
    # 2025-03-01 07:30 in Shanghai is still 2025-02-28 in UTC.
    Ticket.objects.filter(pk=ticket.pk).update(submitted_at="2025-02-28T23:30:00+00:00")

    def total(**period: str) -> int:
        return int(report(world.people.admin, "status", **period)["total"])

    assert total(submitted_from="2025-03-01", submitted_to="2025-03-01") == 1
    assert total(submitted_from="2025-02-28", submitted_to="2025-02-28") == 0
    assert total(submitted_from="2025-03-01T07:00", submitted_to="2025-03-01T07:29") == 0
    assert total(submitted_from="2025-02-28T23:00Z", submitted_to="2025-02-28T23:45Z") == 1


def test_only_a_start_runs_the_period_up_to_now(world: World) -> None:
    old, *_ = _one_in_each_state(world)
    Ticket.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=400))
    start = (timezone.now() - timedelta(days=500)).date().isoformat()

    assert report(world.people.admin, "status", submitted_from=start)["total"] == 6


def test_only_an_end_covers_the_six_months_before_it(world: World) -> None:
    a, b, c, *_ = _one_in_each_state(world)
    end = timezone.now() - timedelta(days=100)
    Ticket.objects.filter(pk=a.pk).update(submitted_at=end - timedelta(days=10))
    Ticket.objects.filter(pk=b.pk).update(submitted_at=end - timedelta(days=175))
    Ticket.objects.filter(pk=c.pk).update(submitted_at=end - timedelta(days=190))

    body = report(world.people.admin, "status", submitted_to=end.isoformat())

    assert (body["total"], body["pending"], body["processing"]) == (2, 1, 1)
