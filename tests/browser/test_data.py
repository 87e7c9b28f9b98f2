"""The data page in a real browser: search as you type narrows the list (and the URL keeps
it); "Generate report" downloads the filtered tickets; a background export shows its progress
and then its file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
from playwright.sync_api import expect

from servicetickets.exports import services as export_services
from servicetickets.ops import worker
from tests.browser.conftest import Screen
from tests.conftest import People
from tests.factories import submit


def _rows(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    return list(book.worksheets[0].iter_rows(values_only=True))[1:]


def _tickets(people: People) -> dict[str, str]:
    titles = ("Printer jammed", "Kettle broken", "Kettle leaking", "VPN down", "New laptop")
    return {
        title: submit(people.ticket_type, people.requester, title=title).number for title in titles
    }


def test_search_as_you_type_narrows_the_list_and_the_report(
    desktop: Screen, tmp_path: Path
) -> None:
    people = People()
    numbers = _tickets(people)
    page = desktop.sign_in("admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data").click()
    rows = page.locator("#data-table tbody tr")
    expect(rows).to_have_count(5)

    page.get_by_label("Search").press_sequentially("kettle", delay=40)

    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/data/\?q=kettle$"))
    expect(page.locator("#data-count")).to_have_text("2 tickets")
    desktop.shot("data-list")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Generate report").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)

    exported = {row[0]: row[2] for row in _rows(saved)}
    assert exported == {
        numbers["Kettle broken"]: "Kettle broken",
        numbers["Kettle leaking"]: "Kettle leaking",
    }
    # The shared URL opens the same list.
    page.reload()
    expect(rows).to_have_count(2)


def test_a_background_export_shows_progress_then_downloads(desktop: Screen, tmp_path: Path) -> None:
    people = People()
    numbers = _tickets(people)
    page = desktop.sign_in("admin")
    # Large exports start from the data page; here one is started as the page would start it.
    export = export_services.export_start(
        user=people.admin, query={"q": "kettle", "ordering": "number"}
    )

    desktop.go(f"/data/exports/{export.pk}/")
    expect(page.get_by_text("Preparing the report")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    desktop.shot("data-export-progress")

    assert worker.run_tasks() == 1
    link = page.get_by_role("link", name=re.compile(r"Download tickets-.*\.xlsx"))
    expect(link).to_be_visible(timeout=5_000)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "export.xlsx"
    download_info.value.save_as(saved)

    assert [row[0] for row in _rows(saved)] == sorted(
        [numbers["Kettle broken"], numbers["Kettle leaking"]]
    )


def test_a_bad_filter_is_shown_beside_it(desktop: Screen) -> None:
    people = People()
    _tickets(people)
    page = desktop.sign_in("admin")
    desktop.go("/data/")

    page.get_by_label("Requester").fill("nobody")
    page.get_by_role("button", name="Filter").click()

    expect(page.locator("#e-requester")).to_have_text("Unknown user: nobody.")
    expect(page.locator("#data-table")).to_have_count(0)


def test_the_data_page_fits_a_360px_phone(phone: Screen) -> None:
    people = People()
    _tickets(people)
    page = phone.sign_in("admin")
    page.set_viewport_size({"width": 360, "height": 780})
    phone.go("/data/")
    expect(page.locator("#data-table tbody tr")).to_have_count(5)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    phone.shot("data-list-phone")
    assert export_services.DIRECT_MAX_TICKETS > 5
