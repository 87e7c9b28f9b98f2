"""The site admin area, sign-in and settings in a real browser: a site admin creates a desk,
names its admin by searching, adds a user who then signs in; the sign-in page switches
language; a token is made and copied on the settings page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from tests.browser.conftest import Screen
from tests.conftest import People
from tests.factories import PASSWORD


def test_site_admin_sets_up_a_desk_and_a_user_who_then_signs_in(
    desktop: Screen, phone: Screen
) -> None:
    People()
    page = desktop.sign_in("root")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Site admin").click()
    expect(page.get_by_role("heading", name="Desks")).to_be_visible()

    page.get_by_label("Code").fill("fac")
    page.get_by_label("Name").fill("Facilities")
    page.get_by_role("button", name="Create desk").click()
    expect(page.get_by_role("heading", name=re.compile("^Facilities"))).to_be_visible()
    desk = Desk.objects.get(code="FAC")

    page.get_by_label("Add a desk admin").press_sequentially("hil", delay=40)
    page.get_by_role("button", name="Add Hilda").click()
    admins = page.locator(".admin-list")
    expect(admins).to_contain_text("Hilda")
    assert list(desk.admins.values_list("username", flat=True)) == ["hilda"]
    page.get_by_label("Add a desk admin").press_sequentially("h", delay=40)
    results = page.locator("#picker-results")
    expect(results.get_by_role("button", name="Add Hank")).to_be_visible()
    expect(results.get_by_role("button", name="Add Hilda")).to_have_count(0)  # already admin
    desktop.shot("site-desk")

    tabs = page.get_by_role("navigation", name="Site admin")
    tabs.get_by_role("link", name="Desks").click()
    expect(page.get_by_role("row", name=re.compile("Facilities"))).to_contain_text("Hilda")
    desktop.shot("site-desks")

    tabs.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add a user").click()
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Name", exact=True).fill("Eve Example")
    page.get_by_label("E-mail").fill("eve@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("status")).to_contain_text("User eve added.")
    expect(page.locator(".user-list")).to_contain_text("Eve Example")

    phone.sign_in("eve")
    expect(phone.page.locator('summary[aria-label=Account][title="Eve Example"]')).to_be_visible()
    assert User.objects.get(username="eve").last_login is not None


def test_site_admin_deactivates_a_user_after_confirming(desktop: Screen) -> None:
    People()
    page = desktop.sign_in("root")
    desktop.go("/site/users/")

    page.get_by_role("button", name="Deactivate olga").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Deactivate Olga?")
    dialog.get_by_role("button", name="Cancel").click()
    assert User.objects.get(username="olga").is_active

    page.get_by_role("button", name="Deactivate olga").click()
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("Olga is deactivated.")
    expect(page.locator(".is-inactive")).to_contain_text("Deactivated")
    desktop.shot("site-users")

    page.get_by_role("button", name="Deactivate root").click()
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alert")).to_have_text("You cannot deactivate yourself.")
    assert User.objects.get(username="root").is_active


def test_sign_in_page_switches_to_chinese(phone: Screen, desktop: Screen) -> None:
    People()
    page = desktop.go("/accounts/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    desktop.shot("sign-in")

    page = phone.go("/accounts/login/")
    phone.shot("sign-in-phone")
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_wrong_password_is_told_on_the_sign_in_page(phone: Screen) -> None:
    People()
    page = phone.go("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page.get_by_label("Username")).to_have_value("alice")


def test_token_is_made_copied_and_revoked_on_the_settings_page(desktop: Screen) -> None:
    People()
    page = desktop.sign_in("alice")
    desktop.context.grant_permissions(["clipboard-read", "clipboard-write"])
    desktop.go("/settings/")
    page.get_by_role("button", name="Create a token").click()
    token = page.locator("#new-token").inner_text()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token
    desktop.shot("settings")

    page.get_by_role("button", name=re.compile("^Revoke ")).click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status").first).to_contain_text("Token revoked.")
    expect(page.get_by_text("No tokens yet.")).to_be_visible()


def test_site_admin_searches_users_on_a_phone(phone: Screen) -> None:
    People()
    page = phone.sign_in("root")
    phone.go("/site/users/")
    page.get_by_label("Search users").fill("hi")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("1 user", exact=True)).to_be_visible()
    expect(page.locator(".user-list")).to_contain_text("Hilda")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("site-users-phone")
