"""The Content-Security-Policy in a real browser: the main pages of every role load and work
(htmx, page scripts, the ticket page's live refresh, the API docs) without one violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from servicetickets.tickets import services as ticket_services
from tests.browser.conftest import Screen
from tests.conftest import People
from tests.factories import submit

# Records violations in every document the tab opens (Playwright's init scripts are not
# subject to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


class Watch:
    """Console errors about the policy, and the violation events of each page visited."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.found: list[str] = []
        screen.context.add_init_script(RECORD_VIOLATIONS)
        screen.page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.found.append(f"console: {text}")

    def visit(self, path: str, shot: str) -> Page:
        page = self.screen.go(path)
        page.wait_for_load_state("load")
        # htmx has started (it injects its indicator style then, were it allowed to).
        page.wait_for_function(
            "() => window.htmx !== undefined && document.readyState === 'complete'"
        )
        page.wait_for_timeout(300)
        self.collect(path)
        self.screen.shot(f"csp-{shot}")
        return page

    def collect(self, where: str) -> None:
        seen: list[Any] = self.screen.page.evaluate("() => window.__cspViolations || []")
        self.found.extend(f"{where}: {v}" for v in seen)


@pytest.fixture
def cast() -> People:
    return People()


def test_every_role_s_pages_load_without_a_policy_violation(
    desktop: Screen, phone: Screen, cast: People
) -> None:
    ticket = submit(cast.ticket_type, cast.requester)
    type_id = cast.ticket_type.pk

    anonymous = Watch(desktop)
    anonymous.visit("/accounts/login/", "signin")
    assert anonymous.found == []

    requester = Watch(phone)
    phone.sign_in("alice")
    for path, shot in [
        ("/", "home"),
        (f"/submit/{type_id}/", "submit"),
        (f"/tickets/{ticket.pk}/", "ticket"),
        ("/my/", "my-tickets"),
    ]:
        requester.visit(path, shot)
    assert requester.found == []


def test_staff_pages_load_without_a_policy_violation(desktop: Screen, cast: People) -> None:
    submit(cast.ticket_type, cast.requester)
    cast.desk.admins.add(cast.handler)  # one person who handles and manages
    watch = Watch(desktop)
    desktop.sign_in("hank")
    for path, shot in [
        ("/work/", "workbench"),
        (f"/manage/types/{cast.ticket_type.pk}/form/", "designer"),
        ("/reports/", "reports"),
        ("/data/", "data"),
        ("/reminders/", "reminders"),
    ]:
        watch.visit(path, shot)
    assert watch.found == [], "\n".join(watch.found)


def test_the_ticket_refreshes_on_its_reminder_under_the_policy(phone: Screen, cast: People) -> None:
    """The refresh used to be an htmx trigger filter, which the policy blocks as eval."""
    ticket = submit(cast.ticket_type, cast.requester)
    other = submit(cast.ticket_type, cast.requester)
    watch = Watch(phone)
    phone.sign_in("alice")
    page = watch.visit(f"/tickets/{ticket.pk}/", "ticket-before")
    expect(page.get_by_test_id("state")).to_have_text("Pending")

    ticket_services.ticket_claim(user=cast.handler, ticket_id=ticket.pk)
    # A reminder about another ticket leaves this one alone...
    page.evaluate(
        "(id) => document.body.dispatchEvent(new CustomEvent('reminder', "
        "{detail: {ticket_id: id}, bubbles: true}))",
        other.pk,
    )
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("state")).to_have_text("Pending")
    # ...one about this ticket fetches its block again.
    page.evaluate(
        "(id) => document.body.dispatchEvent(new CustomEvent('reminder', "
        "{detail: {ticket_id: id}, bubbles: true}))",
        ticket.pk,
    )
    expect(page.get_by_test_id("state")).to_have_text("Processing")
    watch.collect("ticket after refresh")
    assert watch.found == [], "\n".join(watch.found)


def test_the_api_docs_render_under_the_policy(desktop: Screen, cast: People) -> None:
    watch = Watch(desktop)
    desktop.sign_in("alice")
    page = desktop.go("/api/v1/docs")
    expect(page.get_by_text("Service Tickets API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    watch.collect("/api/v1/docs")
    desktop.shot("csp-api-docs")
    assert watch.found == [], "\n".join(watch.found)
