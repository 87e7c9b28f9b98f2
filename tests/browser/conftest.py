"""Browser tests (each on a transactional database, so the server process sees its data):
Playwright for Python driving Debian's Chromium against a real uvicorn
process on the test database. Outside CI they skip, saying why, when Chromium is missing;
in CI (``CI=1``) they fail instead. Screenshots go to ``screenshots/`` (kept out of git)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.factories import PASSWORD
from tests.servers import Server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def _chromium_or_skip() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop on the test's thread; the tests' own ORM calls
    # (building data, checking results) are still plain synchronous calls between its steps.
    # Set only while browser tests run (they run last), never for the server it starts.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    executable = _chromium_or_skip()
    browser = playwright_session.chromium.launch(
        executable_path=executable,
        headless=True,
        # Without the background-networking flags Chromium keeps dialling out of this closed
        # network; the sandbox needs user namespaces that containers often lack.
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One uvicorn process for the whole browser run, on the suite's test database."""
    log = tmp_path_factory.mktemp("browser") / "server.log"
    server = Server(log)
    server.wait_ready()
    yield server
    server.stop()


class Screen:
    """A browser tab signed in (or not) as one person, with a screenshot helper."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.page: Page = context.new_page()
        self.page.set_default_timeout(10_000)

    def go(self, path: str) -> Page:
        self.page.goto(f"{self.base_url}{path}")
        return self.page

    def sign_in(self, username: str, password: str = PASSWORD) -> Page:
        page = self.go("/accounts/login/")
        page.get_by_label(re.compile("Username|用户名")).fill(username)
        page.get_by_label(re.compile("Password|密码")).fill(password)
        page.get_by_role("button", name=re.compile("Sign in|登录")).click()
        page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
        return page

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot under ``screenshots/<name>.png``."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _screen(browser: Browser, server: Server, viewport: dict[str, int], mobile: bool) -> Screen:
    context = browser.new_context(
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
        device_scale_factor=2 if mobile else 1,
        locale="en-GB",
        timezone_id="UTC",
        accept_downloads=True,
    )
    return Screen(context, server.url)


@pytest.fixture
def desktop(browser: Browser, server: Server, transactional_db: None) -> Iterator[Screen]:
    screen = _screen(browser, server, DESKTOP, mobile=False)
    yield screen
    screen.context.close()


@pytest.fixture
def phone(browser: Browser, server: Server, transactional_db: None) -> Iterator[Screen]:
    screen = _screen(browser, server, PHONE, mobile=True)
    yield screen
    screen.context.close()


@pytest.fixture
def second_phone(browser: Browser, server: Server, transactional_db: None) -> Iterator[Screen]:
    """Another person's phone, for flows between two people (handler and requester)."""
    screen = _screen(browser, server, PHONE, mobile=True)
    yield screen
    screen.context.close()
