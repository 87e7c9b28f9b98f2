"""The page shell in a real browser: sign-in, navigation by role, language switch."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Screen
from tests.conftest import People


def test_handler_signs_in_on_a_phone_and_sees_the_workbench_link(phone: Screen) -> None:
    People()
    page = phone.sign_in("hank")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Workbench")).to_be_visible()
    expect(nav.get_by_role("link", name="Reports")).to_have_count(0)
    phone.shot("shell-phone-handler")


def test_switching_to_chinese_translates_the_page(desktop: Screen) -> None:
    People()
    page = desktop.sign_in("admin")
    page.locator("summary[aria-label=Account]").click()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("link", name="报表")).to_be_visible()
