"""The audit log page in a real browser: a site admin reads and filters configuration changes."""

from __future__ import annotations

from playwright.sync_api import expect

from servicetickets.desks import services as desks
from servicetickets.tickettypes import services as types
from tests.browser.conftest import Screen
from tests.conftest import People


def _changes(people: People) -> None:
    desks.desk_update(
        desk=people.desk, name="IT Help", confirm_timeout_days=5, actor=people.site_admin
    )
    types.type_update(kind=people.ticket_type, name="Fix", actor=people.admin)
    types.type_update(kind=people.ticket_type, handlers=[people.handler], actor=people.admin)
    desks.desk_admin_add(desk=people.desk, user=people.outsider, actor=people.site_admin)


def test_site_admin_reads_and_filters_the_log_on_a_phone(phone: Screen) -> None:
    people = People()
    _changes(people)
    page = phone.sign_in("root")
    phone.go("/site/desks/")
    page.get_by_role("link", name="Audit log").click()
    entries = page.locator(".audit-entry")
    # The cast's type was created and published by the system first.
    expect(entries).to_have_count(6)
    expect(entries.first).to_contain_text("Desk admin added")
    expect(entries.nth(3)).to_contain_text("Desk settings changed")
    expect(entries.last).to_contain_text("by the system")
    phone.shot("audit-phone")
    page.get_by_label("Change").select_option(label="Ticket types")
    expect(entries).to_have_count(4)
    expect(entries.first).to_contain_text("Handlers changed")
    expect(entries.first).to_contain_text("hank, hilda")
    phone.shot("audit-phone-filtered")


def test_site_admin_reads_the_log_on_a_desktop(desktop: Screen) -> None:
    people = People()
    _changes(people)
    desktop.sign_in("root")
    page = desktop.go("/site/audit/")
    expect(page.locator(".audit-entry")).to_have_count(6)
    desktop.shot("audit-desktop")
