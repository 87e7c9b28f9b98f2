"""Reading a period's bounds (shared by the ticket list and the reports)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_django.fixtures import Settings

from servicetickets.core.errors import BadRequest
from servicetickets.reports.scope import months_before
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.periods import parse_bound, parse_period
from tests.conftest import Api, People
from tests.factories import submit
from tests.tickets.lifecycle import assert_error


@pytest.fixture(autouse=True)
def _shanghai(settings: Settings) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"


def test_a_date_starts_at_the_first_moment_of_that_local_day() -> None:
    moment = parse_bound("2025-03-01", field="submitted_from", end=False)

    assert moment == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)


def test_a_date_as_the_end_runs_to_the_last_microsecond_of_that_local_day() -> None:
    moment = parse_bound("2025-03-01", field="submitted_to", end=True)

    assert moment == datetime(2025, 3, 1, 15, 59, 59, 999999, tzinfo=UTC)


def test_a_time_without_offset_is_local_and_one_with_an_offset_is_kept() -> None:
    assert parse_bound("2025-03-01T08:30", field="f", end=False) == datetime(
        2025, 3, 1, 0, 30, tzinfo=UTC
    )
    assert parse_bound("2025-03-01 08:30:00Z", field="f", end=True) == datetime(
        2025, 3, 1, 8, 30, tzinfo=UTC
    )


def test_empty_bounds_are_no_bounds() -> None:
    period = parse_period("", None)

    assert (period.start, period.end) == (None, None)


def test_a_start_equal_to_the_end_is_a_period() -> None:
    period = parse_period("2025-03-01T10:00", "2025-03-01T10:00")

    assert period.start == period.end


@pytest.mark.parametrize(
    "text",
    ["tomorrow", "2025-3-1", "20250301", "2025-03-01T", "2025-13-01", "9999-12-31T23:00-05:00"],
)
def test_anything_else_is_refused_naming_the_bound(text: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_bound(text, field="submitted_to", end=True)

    assert caught.value.field == "submitted_to"


def test_six_months_before_keeps_the_wall_time_and_clamps_the_day() -> None:
    moment = datetime(2025, 8, 31, 2, 15, tzinfo=UTC)  # 10:15 on 31 August in Shanghai

    earlier = months_before(moment, 6)

    assert earlier == datetime(2025, 2, 28, 2, 15, tzinfo=UTC)


def test_the_ticket_list_reads_its_period_the_same_way(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    # 23:59 on 31 January in Shanghai.
    Ticket.objects.filter(pk=ticket.pk).update(submitted_at="2025-01-31T15:59:00+00:00")

    def numbers(**period: str) -> list[str]:
        r = Api(people.site_admin).get("/tickets", period)
        assert r.status_code == 200, r.content
        return [t["number"] for t in r.json()["results"]]

    assert numbers(submitted_from="2025-01-31", submitted_to="2025-01-31") == [ticket.number]
    assert numbers(submitted_to="2025-01-30") == []
    assert numbers(submitted_from="2025-02-01") == []
    bad = Api(people.site_admin).get("/tickets", {"submitted_to": "2025-01-32"})
    assert_error(bad, 400, field="submitted_to", code="bad_request")
