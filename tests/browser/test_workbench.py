"""The handler's phone in a real browser: a live reminder brings a new ticket onto the open
workbench without a reload; the ticket is claimed, transferred, completed, returned by the
requester on her phone, completed again and confirmed with a rating."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from tests.browser.conftest import Screen
from tests.conftest import People
from tests.factories import submit


def action_form(page: Page, action: str) -> object:
    return page.locator(f"form[action$='/{action}']")


def open_action(page: Page, label: str) -> None:
    page.locator("details.action > summary", has_text=label).click()


def test_live_reminder_then_the_whole_lifecycle_across_phones(
    phone: Screen, second_phone: Screen, desktop: Screen
) -> None:
    people = People()
    hank = phone.sign_in("hank")
    phone.go("/work/")
    expect(hank.get_by_role("heading", name="No new tickets")).to_be_visible()

    # The requester submits; the handler's open workbench shows it without a reload.
    ticket = submit(people.ticket_type, people.requester, data={"summary": "Projector dead"})
    expect(hank.locator("#toasts .toast")).to_contain_text(f"New ticket {ticket.number}")
    expect(hank.locator("#unread-badge")).to_have_text("1")
    row = hank.locator(f'li[data-number="{ticket.number}"]')
    expect(row).to_contain_text("Projector dead")
    expect(row).to_contain_text("Alice")
    expect(hank.locator('a[data-tab="new"] .count')).to_have_text("1")
    phone.shot("workbench-new")

    # Claim right from the row.
    row.get_by_role("button", name=f"Claim {ticket.number}").click()
    expect(hank.get_by_text(f"You claimed {ticket.number}.")).to_be_visible()
    hank.locator('a[data-tab="mine"]').click()
    expect(hank.locator(f'li[data-number="{ticket.number}"]')).to_be_visible()
    phone.shot("workbench-mine")

    # On the ticket page: the handler's buttons only.
    hank.get_by_role("link", name=re.compile("Projector dead")).click()
    expect(hank.get_by_role("heading", name="Projector dead")).to_be_visible()
    expect(hank.locator("details.action > summary", has_text="Complete")).to_be_visible()
    expect(hank.locator("details.action > summary", has_text="Confirm")).to_have_count(0)
    phone.shot("ticket-handler")

    # Transfer to hilda, who works on her own screen.
    hilda = desktop.sign_in("hilda")
    desktop.go("/work/?tab=mine")
    expect(hilda.get_by_role("heading", name="Nothing in progress")).to_be_visible()
    open_action(hank, "Transfer")
    hank.get_by_label("Transfer to").select_option("hilda")
    hank.get_by_label("Note").fill("You know this projector")
    hank.locator("form[action$='/transfer'] button[type=submit]").click()
    expect(hank.get_by_text("Transferred.")).to_be_visible()
    expect(hank.locator("details.action")).to_have_count(1)  # only Comment is left for hank

    # Hilda's Mine tab fills live with the transferred ticket; she completes it with a note.
    hilda_row = hilda.locator(f'li[data-number="{ticket.number}"]')
    expect(hilda_row).to_be_visible()
    hilda_row.get_by_role("link").click()
    open_action(hilda, "Complete")
    hilda.locator("form[action$='/complete'] button[type=submit]").click()
    expect(hilda.locator("#complete-note-error")).to_have_text("This field is required.")
    hilda.get_by_label("What was done").fill("Replaced the lamp")
    hilda.locator("form[action$='/complete'] button[type=submit]").click()
    expect(hilda.get_by_text("Completed; the requester is asked to confirm.")).to_be_visible()

    # The requester, on her phone, returns it with a reason.
    alice = second_phone.sign_in("alice")
    second_phone.go(f"/tickets/{ticket.pk}/")
    expect(alice.get_by_text("Replaced the lamp").first).to_be_visible()
    open_action(alice, "Return as not resolved")
    alice.get_by_label("What is still wrong?").fill("Still flickers")
    alice.locator("form[action$='/return'] button[type=submit]").click()
    expect(alice.get_by_text("Returned to the handler.")).to_be_visible()

    # Hilda's open ticket page refreshes itself on the "returned" reminder; she completes again.
    expect(hilda.locator("[data-testid=state]")).to_have_text("Processing")
    open_action(hilda, "Complete")
    hilda.get_by_label("What was done").fill("New lamp and cleaned the filter")
    hilda.locator("form[action$='/complete'] button[type=submit]").click()
    expect(hilda.get_by_text("Completed; the requester is asked to confirm.")).to_be_visible()

    # Alice's page shows the new result live and she confirms with 4 stars.
    expect(alice.locator("[data-testid=state]")).to_have_text("To confirm")
    expect(alice.get_by_text("New lamp and cleaned the filter").first).to_be_visible()
    alice.evaluate("document.getElementById('toasts').replaceChildren()")
    second_phone.shot("ticket-requester")
    alice.locator("label.rating-option", has_text="4").click()
    alice.get_by_label("Comment").first.fill("Works now")
    alice.locator("form[action$='/confirm'] button[type=submit]").click()
    expect(alice.get_by_text("Rated 4 of 5")).to_be_visible()

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.state, ticket.resolution, ticket.rating) == (
        State.CLOSED,
        Resolution.RESOLVED,
        4,
    )
    assert ticket.processed_by == people.handler2
    assert ticket.received_by == people.handler
    assert ticket.return_count == 1
    actions = list(TimelineEntry.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == ["submit", "claim", "transfer", "complete", "return", "complete", "confirm"]

    # The handler's reminders: opening one marks it read and goes to the ticket.
    phone.go("/reminders/")
    expect(hank.get_by_role("heading", name="1 unread")).to_be_visible()
    phone.shot("reminders")
    hank.get_by_role("button", name=re.compile(f"^New ticket {ticket.number}")).click()
    expect(hank).to_have_url(re.compile(f"/tickets/{ticket.pk}/$"))
    assert not Notification.objects.filter(recipient=people.handler, read_at=None).exists()
    expect(hank.locator("#unread-badge")).to_be_hidden()
