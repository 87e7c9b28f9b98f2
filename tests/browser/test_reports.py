"""The report pages in a real browser: a desk admin reads the key indicators of a known set
of tickets, opens each report, and the pages fit a 360px phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Screen
from tests.conftest import People
from tests.reports.helpers import (
    HOUR,
    base,
    claim,
    complete,
    confirm,
    new_ticket,
    times,
)


def _known_tickets(people: People) -> None:
    """Five tickets: 2 pending, 1 processing, 1 to confirm, 1 closed (resolved). Responses
    2 h, 4 h, 6 h (average 4 h); processing 26 h, 50 h (average 1 d 14 h)."""
    start = base()
    a = new_ticket(people.ticket_type, people.requester)
    claim(a, people.handler)
    complete(a, people.handler)
    confirm(a, people.requester)
    times(a, submitted=start, accepted=2 * HOUR, processed=26 * HOUR)
    b = new_ticket(people.ticket_type, people.requester)
    claim(b, people.handler)
    complete(b, people.handler)
    times(b, submitted=start - 40 * HOUR, accepted=4 * HOUR, processed=50 * HOUR)
    c = new_ticket(people.ticket_type, people.requester)
    claim(c, people.handler2)
    times(c, submitted=start - 400 * HOUR, accepted=6 * HOUR)
    new_ticket(people.ticket_type, people.requester)
    new_ticket(people.ticket_type, people.requester)


def test_the_reports_show_the_numbers_of_a_known_data_set(desktop: Screen) -> None:
    people = People()
    _known_tickets(people)
    page = desktop.sign_in("admin")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()

    status = page.locator("#indicator-status")
    for kpi, value in (
        ("total", "5"),
        ("pending", "2"),
        ("processing", "1"),
        ("to_confirm", "1"),
        ("closed", "1"),
    ):
        expect(status.locator(f'[data-kpi="{kpi}"]')).to_have_text(value)
    efficiency = page.locator("#indicator-efficiency")
    expect(efficiency.locator('[data-kpi="avg_response"]')).to_have_text("4 h")
    expect(efficiency.locator('[data-kpi="avg_processing"]')).to_have_text("1 d 14 h")
    desktop.shot("reports-home")

    status.click()
    expect(page).to_have_url(re.compile(r"/reports/status/$"))
    expect(page.get_by_role("img", name="Tickets by state", exact=True)).to_be_visible()
    expect(page.locator('#people-table tr[data-person="hank"] td').first).to_have_text("2")
    desktop.shot("reports-status")

    page.get_by_role("link", name="Service efficiency").click()
    expect(page.get_by_role("img", name="Tickets submitted", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Average times by person")).to_be_visible()
    desktop.shot("reports-efficiency")


def test_a_quick_period_and_a_bad_period(desktop: Screen) -> None:
    people = People()
    _known_tickets(people)
    page = desktop.sign_in("admin")
    desktop.go("/reports/")

    page.get_by_role("link", name="30 days").click()
    # The ticket submitted 400 hours (16.7 days) before the others, 20 days ago, is out.
    expect(page.locator('#indicator-status [data-kpi="total"]')).to_have_text("4")

    page.get_by_label("Submitted to").fill("2020-01-01")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#e-from")).to_have_text("The start of the period is after its end.")


def test_the_reports_fit_a_360px_phone(phone: Screen) -> None:
    people = People()
    _known_tickets(people)
    page = phone.sign_in("admin")
    page.set_viewport_size({"width": 360, "height": 780})

    for path, name in (
        ("/reports/", "reports-home-phone"),
        ("/reports/efficiency/", "reports-efficiency-phone"),
    ):
        phone.go(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
        phone.shot(name)
