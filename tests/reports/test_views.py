"""The report pages: who reaches them, and that they show the API's numbers for the same
filters (deleted types and users marked), with a refused filter shown beside its field."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from servicetickets.accounts.models import User
from servicetickets.accounts.services import user_deactivate
from servicetickets.tickettypes.services import type_delete
from servicetickets.web.templatetags.web import duration
from tests.factories import TicketTypeFactory
from tests.reports.conftest import World
from tests.reports.helpers import (
    HOUR,
    base,
    claim,
    complete,
    confirm,
    new_ticket,
    reject,
    report,
    rows,
    times,
)

pytestmark = pytest.mark.django_db

PAGES = ("/reports/", "/reports/status/", "/reports/efficiency/")


def _page(user: User | None, path: str, **params: Any) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(path, params)


def _kpi(html: str, name: str) -> str:
    match = re.search(rf'data-kpi="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def _cells(html: str, attribute: str, key: str) -> list[str]:
    """The cells of the table row marked ``attribute="key"`` (its header first)."""
    match = re.search(rf'<tr {attribute}="{key}">(.*?)</tr>', html, re.S)
    assert match, key
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    ]


@pytest.fixture
def history(world: World) -> World:
    """Tickets in every state, with exact times: two processed by hank (one confirmed), one
    received by hilda and rejected, one pending, one of another desk."""
    p = world.people
    start = base()
    a = new_ticket(world.kind, p.requester)
    claim(a, p.handler)
    complete(a, p.handler)
    confirm(a, p.requester)
    times(a, submitted=start, accepted=2 * HOUR, processed=26 * HOUR)
    b = new_ticket(world.kind, p.requester)
    claim(b, p.handler)
    complete(b, p.handler)
    times(b, submitted=start + HOUR, accepted=4 * HOUR, processed=51 * HOUR)
    c = new_ticket(world.kind, p.requester)
    claim(c, p.handler2)
    reject(c, p.handler2)
    times(c, submitted=start + 2 * HOUR, accepted=30 * timedelta(minutes=1))
    new_ticket(world.kind, p.requester)
    claim(new_ticket(world.other_type, p.requester), world.other_handler)
    return world


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(db: None, path: str) -> None:
    response = _page(None, path)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_only_admins_find_the_reports(world: World, path: str, who: str) -> None:
    response = _page(getattr(world.people, who), path)

    assert response.status_code == 404


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["admin", "site_admin"])
def test_desk_and_site_admins_read_the_reports(world: World, path: str, who: str) -> None:
    assert _page(getattr(world.people, who), path).status_code == 200


def test_the_key_indicators_are_the_apis(history: World) -> None:
    admin = history.people.admin
    status = report(admin, "status")
    efficiency = report(admin, "efficiency")

    html = _page(admin, "/reports/").content.decode()

    for name in ("total", "pending", "processing", "to_confirm", "closed"):
        assert _kpi(html, name) == str(status[name])
    assert (status["total"], status["closed"]) == (4, 2)
    assert _kpi(html, "avg_response") == duration(
        timedelta(seconds=efficiency["avg_response_seconds"])
    )
    assert _kpi(html, "avg_processing") == duration(
        timedelta(seconds=efficiency["avg_processing_seconds"])
    )
    # (26 h + 51 h) / 2 = 38 h 30 min; (2 h + 4 h + 30 min) / 3 = 2 h 10 min.
    assert (_kpi(html, "avg_processing"), _kpi(html, "avg_response")) == (
        "1 d 14 h",
        "2 h 10 min",
    )
    assert 'href="/reports/status/"' in html and 'href="/reports/efficiency/"' in html


def test_a_site_admin_sees_every_desk(history: World) -> None:
    html = _page(history.people.site_admin, "/reports/").content.decode()

    assert _kpi(html, "total") == str(report(history.people.site_admin, "status")["total"]) == "5"


def test_the_status_report_shows_states_and_people_as_the_api(history: World) -> None:
    admin = history.people.admin
    status = report(admin, "status")
    people = rows(admin, "status-by-person")

    html = _page(admin, "/reports/status/").content.decode()

    for state in ("pending", "processing", "to_confirm", "closed"):
        assert _cells(html, "data-state", state)[1] == str(status[state])
    for username, row in people.items():
        assert _cells(html, "data-person", username)[1:] == [
            str(row[k]) for k in ("processed", "processing", "to_confirm", "closed")
        ]
    assert _cells(html, "data-person", "hank") == ["Hank", "2", "0", "1", "1"]
    assert 'role="img"' in html and '<title id="chart-status-title">' in html


def test_the_efficiency_report_shows_people_and_a_trend(history: World) -> None:
    admin = history.people.admin
    people = rows(admin, "efficiency-by-person")

    html = _page(admin, "/reports/efficiency/").content.decode()

    hank = _cells(html, "data-person", "hank")
    assert hank[1] == str(people["hank"]["received"]) == "2"
    assert hank[2] == duration(timedelta(seconds=people["hank"]["avg_response_seconds"]))
    assert hank[3] == str(people["hank"]["processed"]) == "2"
    assert 'id="chart-submitted"' in html and 'id="chart-response"' in html
    # The trend's table adds up to the tickets of the period.
    submitted = re.findall(r'<tr><th scope="row">[^<]+</th><td class="num">(\d+)</td>', html)
    assert sum(int(n) for n in submitted) == 4


def test_a_deleted_type_is_offered_marked_and_filters_the_reports(world: World) -> None:
    p = world.people
    old = TicketTypeFactory(desk=world.desk, name="Old", handlers=[p.handler])
    claim(new_ticket(old, p.requester), p.handler)
    new_ticket(world.kind, p.requester)
    type_delete(kind=old)

    html = _page(p.admin, "/reports/status/", type=old.pk).content.decode()

    assert re.search(rf'<option value="{old.pk}" selected>Old \(deleted\)</option>', html)
    assert _cells(html, "data-state", "processing")[1] == "1"
    assert _cells(html, "data-state", "pending")[1] == "0"
    assert report(p.admin, "status", type=old.pk)["total"] == 1


def test_a_deactivated_handler_is_marked_deleted(history: World) -> None:
    p = history.people
    user_deactivate(user=p.handler)

    html = _page(p.admin, "/reports/status/").content.decode()

    assert _cells(html, "data-person", "hank")[0] == "Hank (deleted)"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"submitted_from": "yesterday"}, "from", "Enter a date as YYYY-MM-DD"),
        (
            {"submitted_from": "2026-03-02", "submitted_to": "2026-03-01"},
            "from",
            "The start of the period is after its end.",
        ),
        ({"type": "abc"}, "type", "Enter a whole number."),
        ({"type": "999999"}, "type", "No ticket type with that id."),
    ],
)
@pytest.mark.parametrize("path", PAGES)
def test_a_bad_filter_is_shown_beside_it_with_422(
    world: World, path: str, params: dict[str, str], field: str, message: str
) -> None:
    response = _page(world.people.admin, path, **params)

    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert "data-kpi" not in html and "data-state" not in html


def test_the_period_filter_and_presets(history: World) -> None:
    admin = history.people.admin
    day = base().date()

    html = _page(
        admin, "/reports/", submitted_from=day.isoformat(), submitted_to=day.isoformat()
    ).content.decode()

    expected = report(admin, "status", submitted_from=day.isoformat(), submitted_to=day.isoformat())
    assert _kpi(html, "total") == str(expected["total"])
    assert "30 days" in html and "12 months" in html
    # The default period is the 6 months preset.
    default = _page(admin, "/reports/").content.decode()
    assert re.search(r'aria-current="page"><span class="chip">6 months', default)


def test_a_desk_of_someone_else_is_refused_beside_the_filter(world: World) -> None:
    response = _page(world.people.admin, "/reports/", desk=world.other_desk.pk)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Only an admin of this desk may do this." in html
    assert "data-kpi" not in html
