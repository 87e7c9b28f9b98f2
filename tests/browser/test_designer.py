"""A desk admin builds a ticket type in a real browser: creates it, drags field kinds onto
the form, reorders by keyboard, saves, names a handler, publishes, puts it on the desk menu;
an employee then finds it on the desk."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from servicetickets.desks.selectors import menu_get
from servicetickets.desks.services import MenuItem, menu_set
from servicetickets.tickettypes.models import FormVersion, TicketType, TypeState
from tests.browser.conftest import Screen
from tests.conftest import People
from tests.factories import TicketTypeFactory


def field_labels(page: Page) -> list[str]:
    return page.locator("#canvas .field-card .field-label").all_inner_texts()


def test_admin_designs_publishes_and_an_employee_sees_the_entry(
    desktop: Screen, phone: Screen
) -> None:
    people = People()
    page = desktop.sign_in("admin")

    # The list of types, with the desk's limit.
    desktop.go("/manage/types/")
    expect(page.get_by_text("1 of 15 ticket types.")).to_be_visible()
    desktop.shot("admin-types")
    page.get_by_role("link", name="New ticket type").click()

    # Checked as you type: a duplicate name is refused before sending.
    name = page.get_by_label("Name")
    name.fill("repair")
    expect(page.locator("#name-error")).to_have_text(
        "This desk already has a ticket type with that name."
    )
    name.fill("Badge")
    expect(page.locator("#name-error")).to_be_empty()
    expect(page.locator("#name-count")).to_have_text("5/12")
    page.get_by_label("Description").fill("A new or replacement badge")
    expect(page.locator("#description-count")).to_have_text("26/140")
    desktop.shot("admin-type-new")
    page.get_by_role("button", name="Create and design the form").click()

    # The designer: drag three kinds from the palette onto the form.
    page.wait_for_url(re.compile(r"/manage/types/\d+/form/$"))
    canvas = page.locator("#canvas")
    for kind in ("text", "select", "date"):
        # Dropped at the bottom of the form, so each lands after the ones before it.
        box = canvas.bounding_box()
        assert box is not None
        page.locator(f".palette-item[data-kind={kind}]").drag_to(
            canvas, target_position={"x": box["width"] / 2, "y": box["height"] - 6}
        )
    expect(page.locator("#canvas .field-card")).to_have_count(3)
    assert field_labels(page) == ["Single-line text", "Single choice", "Date"]

    # Reorder by keyboard: the date moves up; focus stays on its Move up button.
    move_up = page.get_by_role("button", name="Move up: Date")
    move_up.focus()
    page.keyboard.press("Enter")
    assert field_labels(page) == ["Single-line text", "Date", "Single choice"]
    expect(page.get_by_role("button", name="Move up: Date")).to_be_focused()
    expect(page.locator("#announce")).to_have_text("Date moved to position 2 of 3.")

    # Edit a label: the key follows it, the preview shows it.
    page.locator("#canvas .field-main").first.click()
    page.locator("#set-label").fill("Badge holder")
    expect(page.locator("#set-key")).to_have_value("badge_holder")
    expect(page.locator("#preview").get_by_label("Badge holder")).to_be_visible()
    page.locator("#set-required").check()
    desktop.shot("admin-designer")
    page.get_by_role("button", name="Save form").click()
    expect(page.locator("#save-status")).to_have_text("Saved.")

    kind = TicketType.objects.get(name="Badge")
    stored = FormVersion.objects.get(ticket_type=kind, version=1).fields
    assert [f["key"] for f in stored] == ["badge_holder", "date", "single_choice"]
    assert stored[0]["required"] is True

    # A handler, then publish: it leads to the menu editor with the type ready to add.
    desktop.go(f"/manage/types/{kind.pk}/")
    page.get_by_label("Add a handler").fill("hil")
    page.get_by_role("button", name="Add Hilda").click()
    expect(page.get_by_role("button", name="Remove Hilda")).to_be_visible()
    expect(page.get_by_label("Add a handler")).to_be_focused()
    desktop.shot("admin-type-edit")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(rf"/manage/desks/{people.desk.pk}/menu/\?add={kind.pk}$"))
    assert TicketType.objects.get(pk=kind.pk).state == TypeState.PUBLISHED

    expect(page.get_by_label("Ticket type", exact=True)).to_have_value(str(kind.pk))
    expect(page.locator("#add-label")).to_have_value("Badge")
    page.get_by_role("button", name="Add entry").click()
    page.locator("#group-label").fill("Access")
    page.get_by_role("button", name="Add group").click()
    # The Badge entry goes into the group by keyboard: group first, then "into the group above".
    page.get_by_role("button", name="Move up: Access").focus()
    page.keyboard.press("Enter")
    into = page.get_by_role("button", name="Move into the group above: Badge")
    into.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Move out of the group: Badge")).to_be_focused()
    desktop.shot("admin-menu")
    page.get_by_role("button", name="Save menu").click()
    expect(page.locator("#save-status")).to_have_text("Menu saved.")
    menu = menu_get(desk=people.desk)
    assert [(e.label, [c.label for c in e.children.all()]) for e in menu] == [("Access", ["Badge"])]

    # An employee opens the desk and sees the entry.
    phone.sign_in("alice")
    employee = phone.go(f"/desks/{people.desk.pk}/")
    expect(employee.get_by_role("heading", name="Access")).to_be_visible()
    expect(employee.get_by_role("link", name=re.compile("Badge"))).to_be_visible()


def test_a_bad_form_is_refused_beside_the_field(desktop: Screen) -> None:
    people = People()
    page = desktop.sign_in("admin")
    desktop.go(f"/manage/types/{people.ticket_type.pk}/form/")
    page.locator(".palette-item[data-kind=select]").click()
    page.locator("#set-options").fill("   ")
    page.get_by_role("button", name="Save form").click()
    expect(page.locator("#set-options-error")).to_have_text("Add at least one option.")
    expect(page.locator("#set-options")).to_be_focused()
    expect(page.locator("#canvas .field-card.has-error")).to_have_count(1)


def test_designer_is_usable_on_a_phone(phone: Screen) -> None:
    people = People()
    page = phone.sign_in("admin")
    phone.go(f"/manage/types/{people.ticket_type.pk}/form/")
    page.locator(".palette-item[data-kind=number]").click()
    expect(page.locator("#canvas .field-card")).to_have_count(3)
    phone.shot("admin-designer-phone")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"
    )
    assert wide == []


def test_menu_editor_on_a_phone_reorders_by_buttons_and_shows_errors(phone: Screen) -> None:
    people = People()
    page = phone.sign_in("admin")
    page.set_viewport_size({"width": 360, "height": 740})
    phone.go(f"/manage/desks/{people.desk.pk}/menu/")
    page.get_by_role("button", name="Add entry").click()
    page.locator("#group-label").fill("Hardware")
    page.get_by_role("button", name="Add group").click()
    # A group with no entries is refused by the service, beside the group.
    page.get_by_role("button", name="Save menu").click()
    expect(page.locator(".menu-item.has-error .field-error")).to_have_text(
        "Choose a ticket type or add entries to the group."
    )
    page.get_by_role("button", name="Remove: Hardware").click()
    page.get_by_role("button", name="Save menu").click()
    expect(page.locator("#save-status")).to_have_text("Menu saved.")
    assert [e.label for e in menu_get(desk=people.desk)] == ["Repair"]
    phone.shot("admin-menu-phone")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 361).length"
    )
    assert wide == 0


def touch_drag(page: Page, source: Locator, target: Locator, *, below: bool = False) -> None:
    """Drag with a finger (Chromium's touch events, so pointer events of type touch) from the
    middle of ``source`` to the top (or bottom) edge of ``target``, across to its middle."""
    start, end = source.bounding_box(), target.bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x, to_y = end["x"] + end["width"] / 2, end["y"] + (end["height"] - 4 if below else 4)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x + (to_x - x) * step / 10, "y": y + (to_y - y) * step / 10}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_menu_editor_reorders_and_groups_by_touch_drag(phone: Screen) -> None:
    people = People()
    network = TicketTypeFactory(desk=people.desk, name="Network", handlers=[people.handler])
    repair = people.ticket_type.pk
    menu_set(
        desk=people.desk,
        entries=[
            MenuItem("Repair", repair),
            MenuItem("Network", network.pk),
            MenuItem("Hardware", None, [MenuItem("Printer", repair)]),
        ],
    )
    page = phone.sign_in("admin")
    phone.go(f"/manage/desks/{people.desk.pk}/menu/")
    top = page.locator("#menu-tree > .menu-item")

    def handle(item: Locator) -> Locator:
        return item.locator(":scope > .menu-row .handle")

    touch_drag(page, handle(top.nth(1)), top.nth(0))  # Network above Repair
    expect(top.nth(0).locator("input").first).to_have_value("Network")
    last_child = page.locator(".menu-children > .menu-item").last
    # Repair and the group's last entry both on the screen, below the sticky app bar.
    top.nth(1).evaluate("e => { e.scrollIntoView({block: 'start'}); scrollBy(0, -160); }")
    touch_drag(page, handle(top.nth(1)), last_child, below=True)
    page.get_by_role("button", name="Save menu").click()
    expect(page.locator("#save-status")).to_have_text("Menu saved.")
    saved = menu_get(desk=people.desk)
    assert [(e.label, [c.label for c in e.children.all()]) for e in saved] == [
        ("Network", []),
        ("Hardware", ["Printer", "Repair"]),
    ]


def test_designer_reorders_fields_by_touch_drag(phone: Screen) -> None:
    people = People()
    page = phone.sign_in("admin")
    phone.go(f"/manage/types/{people.ticket_type.pk}/form/")
    page.locator(".palette-item[data-kind=number]").click()
    cards = page.locator("#canvas .field-card")
    expect(cards).to_have_count(3)
    cards.nth(2).scroll_into_view_if_needed()
    touch_drag(page, cards.nth(2).locator(".handle"), cards.nth(0))
    assert field_labels(page) == ["Number", "Summary *", "Details"]
