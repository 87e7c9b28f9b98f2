"""The employee portal in a real browser on a phone: desks, a desk's menu, a ticket submitted
with several field kinds (a detail-table row, a picture uploaded with its preview, a colleague
picked by typing), a refusal shown beside its field, and the list of one's own tickets."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

from playwright.sync_api import expect

from servicetickets.desks.services import MenuItem, menu_set
from servicetickets.tickets import services as ticket_services
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import Upload
from tests.browser.conftest import Screen
from tests.conftest import People
from tests.factories import TicketTypeFactory, submit


def _png(size: int = 64) -> bytes:
    """A small picture with something to see in its preview (a colour gradient)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4, y * 4, 200)) for x in range(size)) for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png()

FORM: list[dict[str, Any]] = [
    {"key": "tip", "label": "Good to know", "kind": "note", "help": "We answer within a day."},
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "where", "label": "Where", "kind": "select", "options": ["Office", "Home"]},
    {"key": "day", "label": "Since when", "kind": "date"},
    {"key": "buddy", "label": "Colleague to contact", "kind": "member"},
    {"key": "photos", "label": "Photos", "kind": "image", "help": "Show us the problem."},
    {
        "key": "parts",
        "label": "Parts needed",
        "kind": "table",
        "columns": [
            {"key": "name", "label": "Part", "kind": "text", "required": True},
            {"key": "qty", "label": "Quantity", "kind": "number", "min": 1},
        ],
    },
]


def _portal(people: People) -> TicketType:
    kind = TicketTypeFactory(
        desk=people.desk, name="Laptop", fields=FORM, handlers=[people.handler]
    )
    kind.description = "Repairs and spare parts for your laptop"
    kind.save(update_fields=["description"])
    menu_set(
        desk=people.desk,
        entries=[
            MenuItem(label="Something else broke", type_id=people.ticket_type.pk),
            MenuItem(
                label="Hardware", children=[MenuItem(label="Laptop trouble", type_id=kind.pk)]
            ),
        ],
    )
    return kind


def test_employee_submits_a_ticket_from_the_desk_menu_on_a_phone(phone: Screen) -> None:
    people = People()
    kind = _portal(people)
    submit(people.ticket_type, people.requester, {"summary": "Printer jammed"})

    page = phone.sign_in("alice")
    phone.go("/")
    expect(page.get_by_role("heading", name="How can we help?")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("IT Assistant"))).to_contain_text("Laptop")
    phone.shot("portal-home")

    page.get_by_role("link", name=re.compile("IT Assistant")).click()
    expect(page.get_by_role("heading", name="Hardware")).to_be_visible()
    phone.shot("portal-desk")
    page.get_by_role("link", name=re.compile("Laptop trouble")).click()

    expect(page.get_by_role("heading", name="Laptop", exact=True)).to_be_visible()
    page.get_by_label("Summary").fill("Screen flickers")
    page.get_by_label("Home").check()
    page.get_by_label("Since when").fill("2026-11-20")

    picker = page.get_by_role("combobox", name="Colleague to contact")
    picker.press_sequentially("han", delay=30)
    page.get_by_role("option", name=re.compile("Hank")).click()
    expect(picker).to_have_value("hank")

    page.get_by_role("button", name="Add row").click()
    row = page.get_by_role("group", name="Row 1")
    row.get_by_label("Part").fill("Display cable")
    row.get_by_label("Quantity").fill("2")

    page.locator("input[type=file][data-upload-input]").set_input_files(
        files=[{"name": "flicker.png", "mimeType": "image/png", "buffer": PNG}]
    )
    item = page.locator("[data-upload-item]").filter(has_text="flicker.png")
    expect(item.locator("img.upload-thumb")).to_be_visible()
    expect(item).to_have_attribute("data-done", "")
    page.evaluate("window.scrollTo(0, 0)")
    phone.shot("portal-submit")

    page.get_by_role("button", name="Submit ticket").click()

    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket = Ticket.objects.exclude(title="Printer jammed").get()
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    upload = Upload.objects.get(ticket=ticket)
    assert ticket.ticket_type_id == kind.pk
    assert ticket.data == {
        "summary": "Screen flickers",
        "where": "Home",
        "day": "2026-11-20",
        "buddy": "hank",
        "photos": [str(upload.pk)],
        "parts": [{"name": "Display cable", "qty": 2}],
    }


def test_required_field_left_empty_is_shown_beside_it(phone: Screen) -> None:
    people = People()
    kind = _portal(people)

    page = phone.sign_in("alice")
    phone.go(f"/submit/{kind.pk}/")
    page.get_by_label("Home").check()
    page.get_by_role("button", name="Add row").click()
    page.get_by_role("group", name="Row 1").get_by_label("Quantity").fill("3")
    page.locator("input[type=file][data-upload-input]").set_input_files(
        files=[{"name": "keys.png", "mimeType": "image/png", "buffer": PNG}]
    )
    expect(page.locator("[data-upload-item][data-done]")).to_have_count(1)
    page.get_by_role("button", name="Submit ticket").click()

    summary = page.locator('[data-field="summary"]')
    expect(summary.locator(".field-error")).to_have_text("This field is required.")
    expect(page.get_by_label("Summary")).to_be_focused()
    expect(page.get_by_label("Home")).to_be_checked()
    expect(page.get_by_role("group", name="Row 1").get_by_label("Quantity")).to_have_value("3")
    # The picture uploaded before the error is still there, its preview read back from the server.
    thumb = page.locator("[data-upload-item]").filter(has_text="keys.png").locator("img")
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 64
    page.evaluate("window.scrollTo(0, 0)")
    phone.shot("portal-submit-error")
    assert not Ticket.objects.exists()

    # Fixing the summary, the row's missing part is named next.
    page.get_by_label("Summary").fill("Keyboard")
    page.get_by_role("button", name="Submit ticket").click()
    part = page.get_by_role("group", name="Row 1").locator('[data-field="name"]')
    expect(part.locator(".field-error")).to_have_text("This field is required.")
    page.get_by_role("group", name="Row 1").get_by_role("button", name="Remove row").click()
    page.get_by_role("button", name="Submit ticket").click()
    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket = Ticket.objects.get()
    upload = Upload.objects.get(ticket=ticket)
    assert ticket.data == {"summary": "Keyboard", "where": "Home", "photos": [str(upload.pk)]}


def test_my_tickets_lists_mine_and_refreshes_when_a_reminder_arrives(phone: Screen) -> None:
    people = People()
    kind = people.ticket_type
    submit(kind, people.requester, {"summary": "New monitor"})
    waiting = submit(kind, people.requester, {"summary": "VPN does not connect"})
    ticket_services.ticket_claim(user=people.handler, ticket_id=waiting.pk)
    ticket_services.ticket_complete(user=people.handler, ticket_id=waiting.pk, note="Reset")
    live = submit(kind, people.requester, {"summary": "Mouse is broken"})
    ticket_services.ticket_claim(user=people.handler, ticket_id=live.pk)
    submit(kind, people.outsider, {"summary": "Olga's own"})

    page = phone.sign_in("alice")
    phone.go("/my/")
    rows = page.locator(".ticket-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_text("Olga's own")).to_have_count(0)
    expect(page.locator(".ticket-row.needs-action")).to_contain_text("VPN does not connect")
    phone.shot("portal-mine")

    chips = page.get_by_role("navigation", name="Filter by state")
    chips.get_by_role("link", name=re.compile("^To confirm")).click()
    page.wait_for_url(re.compile(r"state=to_confirm"))
    expect(rows).to_have_count(1)

    # The handler finishes another ticket: its reminder refreshes the list in place.
    ticket_services.ticket_complete(user=people.handler, ticket_id=live.pk, note="New mouse")
    expect(rows).to_have_count(2, timeout=15_000)
    expect(page.locator(".ticket-row.needs-action").filter(has_text="Mouse")).to_be_visible()


def test_attachments_can_be_removed_before_submitting_on_a_desktop(desktop: Screen) -> None:
    people = People()
    kind = TicketTypeFactory(
        desk=people.desk,
        name="Contracts",
        handlers=[people.handler],
        fields=[
            {"key": "summary", "label": "Summary", "kind": "text", "required": True},
            {"key": "docs", "label": "Documents", "kind": "file", "max_files": 2},
        ],
    )

    page = desktop.sign_in("alice")
    desktop.go(f"/submit/{kind.pk}/")
    page.get_by_label("Summary").fill("Sign the NDA")
    page.get_by_label("Documents").set_input_files(
        files=[
            {"name": "wrong.txt", "mimeType": "text/plain", "buffer": b"not this one"},
            {"name": "nda.txt", "mimeType": "text/plain", "buffer": b"the agreement"},
        ]
    )
    expect(page.locator("[data-upload-item][data-done]")).to_have_count(2)
    page.get_by_role("button", name="Remove wrong.txt").click()
    expect(page.locator("[data-upload-item]")).to_have_count(1)
    desktop.shot("portal-submit-desktop")
    page.get_by_role("button", name="Submit ticket").click()

    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket = Ticket.objects.get()
    kept = Upload.objects.get(ticket=ticket)
    assert kept.name == "nda.txt"
    assert ticket.data["docs"] == [str(kept.pk)]
