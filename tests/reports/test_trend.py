"""The efficiency report's trend: tickets and average times per week or month, one grouped
query over the tally and the part-days, agreeing with the report over the same period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from servicetickets.reports.scope import ReportScope
from servicetickets.reports.selectors import report_efficiency, report_status, report_trend
from tests.reports.conftest import World
from tests.reports.helpers import HOUR, claim, complete, new_ticket, times

pytestmark = pytest.mark.django_db


def _at(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _scope(world: World, start: datetime, end: datetime | None) -> ReportScope:
    return ReportScope(desk_ids=(world.desk.pk,), ticket_type_id=None, start=start, end=end)


@pytest.fixture
def spread(world: World) -> World:
    """Tickets on Mon 2026-03-02 (2, one accepted after 2 h), Wed 03-04 (1, accepted after
    4 h and processed after 10 h), Mon 03-16 (1) and in April (1, accepted after 6 h); one of
    another desk."""
    p = world.people
    for submitted, accepted, processed in (
        (_at("2026-03-02", 9), 2 * HOUR, None),
        (_at("2026-03-02", 23), None, None),
        (_at("2026-03-04", 12), 4 * HOUR, 10 * HOUR),
        (_at("2026-03-16", 1), None, None),
        (_at("2026-04-07", 8), 6 * HOUR, None),
    ):
        ticket = new_ticket(world.kind, p.requester)
        if accepted is not None:
            claim(ticket, p.handler)
        if processed is not None:
            complete(ticket, p.handler)
        times(ticket, submitted=submitted, accepted=accepted, processed=processed)
    times(new_ticket(world.other_type, p.requester), submitted=_at("2026-03-03", 10))
    return world


def test_weeks_start_on_monday_and_include_empty_ones(spread: World) -> None:
    scope = _scope(spread, _at("2026-03-01", 0), _at("2026-03-20", 0))

    trend = report_trend(scope, bucket="week")

    assert [(p.start, p.submitted) for p in trend] == [
        (date(2026, 2, 23), 0),
        (date(2026, 3, 2), 3),
        (date(2026, 3, 9), 0),
        (date(2026, 3, 16), 1),
    ]
    week = trend[1]
    assert (week.response.count, week.response.average) == (2, 3 * 3600)
    assert (week.processing.count, week.processing.average) == (1, 10 * 3600)


def test_months_agree_with_the_report_over_the_whole_period(spread: World) -> None:
    # Both ends cut mid-day, so the part-days come from the tickets and the rest from the tally.
    scope = _scope(spread, _at("2026-03-02", 12), _at("2026-04-07", 9))

    trend = report_trend(scope, bucket="month")

    assert [(p.start, p.submitted) for p in trend] == [(date(2026, 3, 1), 3), (date(2026, 4, 1), 1)]
    assert sum(p.submitted for p in trend) == report_status(scope).total
    efficiency = report_efficiency(scope)
    accepted = sum(p.response.count for p in trend)
    seconds = sum(p.response.seconds for p in trend)
    assert (accepted, seconds) == (efficiency.response.count, efficiency.response.seconds)


def test_an_open_period_runs_up_to_now(spread: World) -> None:
    now = _at("2026-04-20", 12)
    scope = _scope(spread, _at("2026-03-10", 0), None)

    trend = report_trend(scope, bucket="week", now=now)

    assert trend[0].start == date(2026, 3, 9)
    assert trend[-1].start == date(2026, 4, 20)
    assert sum(p.submitted for p in trend) == 2
    assert trend[-1].start - trend[0].start == timedelta(weeks=6)
