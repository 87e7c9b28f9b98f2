"""The data page: the API's ticket list for desk and site admins, with its filters, search,
sorting and pages in the query string, a refused filter shown beside it (422), and "Generate
report": the API's direct export, or a background export with progress for large lists."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.exports import services as export_services
from servicetickets.exports.models import Export
from servicetickets.ops import worker
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.services import type_delete
from tests.conftest import Api, People
from tests.factories import DeskFactory, TicketTypeFactory, submit
from tests.tickets.lifecycle import ticket_in

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _export_root(settings: Settings, tmp_path: Path) -> None:
    settings.EXPORT_ROOT = tmp_path / "exports"


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(user: User, path: str = "/data/", htmx: bool = False, **params: Any) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    return _client(user).get(path, params, headers=headers)


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)">', html)


def _api_numbers(user: User, **params: Any) -> list[str]:
    response = Api(user).get("/tickets", params)
    assert response.status_code == 200, response.content
    return [t["number"] for t in response.json()["results"]]


def _field_error(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="e-{name}"[^>]*>([^<]*)</p>', html)
    assert match, name
    return match.group(1)


def _xlsx_numbers(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [row[0] for row in list(book.worksheets[0].iter_rows(values_only=True))[1:]]


@pytest.fixture
def spread(people: People) -> dict[str, Ticket]:
    """Tickets in every state of the desk, one of a type later deleted, one of another desk."""
    tickets = {
        state: ticket_in(people, state)
        for state in ("pending", "processing", "to_confirm", "closed_resolved", "closed_rejected")
    }
    tickets["mine"] = submit(people.ticket_type, people.outsider, title="Broken kettle")
    old = TicketTypeFactory(desk=people.desk, name="Old", handlers=[people.handler])
    tickets["old"] = submit(old, people.requester, title="Old request")
    type_delete(kind=old)
    other = DeskFactory(code="FM", name="Facilities")
    cleaning = TicketTypeFactory(desk=other, name="Cleaning", handlers=[people.handler2])
    tickets["other_desk"] = submit(cleaning, people.requester, title="Spilled coffee")
    return tickets


# --- Access -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/data/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_only_admins_find_the_data_page(people: People, who: str) -> None:
    user = getattr(people, who)

    assert _get(user).status_code == 404
    assert _get(user, htmx=True, q="x").status_code == 404
    assert _client(user).post("/data/export/").status_code == 404


@pytest.mark.parametrize("who", ["admin", "site_admin"])
def test_admins_see_the_list_the_api_gives_them(
    people: People, spread: dict[str, Ticket], who: str
) -> None:
    user = getattr(people, who)

    html = _get(user).content.decode()

    assert _numbers(html) == _api_numbers(user)
    assert (spread["other_desk"].number in _numbers(html)) == (who == "site_admin")


# --- Filters, search, sorting, pages ---------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"state": "closed"},
        {"state": "closed", "resolution": "rejected"},
        {"requester": "olga"},
        {"processor": "hank"},
        {"overdue": "false"},
        {"submitted_from": "2000-01-01", "submitted_to": "2999-12-31"},
        {"q": "kettle"},
        {"ordering": "number"},
        {"ordering": "-state"},
    ],
)
def test_each_filter_lists_what_the_api_lists(
    people: People, spread: dict[str, Ticket], params: dict[str, str]
) -> None:
    html = _get(people.admin, **params).content.decode()

    assert _numbers(html) == _api_numbers(people.admin, **params)
    assert f"{len(_numbers(html))} ticket" in html


def test_a_deleted_type_is_offered_marked_and_filters(
    people: People, spread: dict[str, Ticket]
) -> None:
    old = spread["old"].ticket_type

    html = _get(people.admin, type=old.pk).content.decode()

    assert re.search(rf'<option value="{old.pk}" selected>Old \(deleted\)</option>', html)
    assert _numbers(html) == [spread["old"].number]


def test_search_as_you_type_answers_the_results_alone(
    people: People, spread: dict[str, Ticket]
) -> None:
    response = _get(people.admin, htmx=True, q="Kettle", state="", type="")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/data/?q=Kettle"
    assert "<form" not in html.split('id="data-export"')[0]  # no filter form: results only
    assert _numbers(html) == [spread["mine"].number]
    # The form's inputs carry the htmx search that pushes the URL.
    page = _get(people.admin).content.decode()
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'hx-push-url="true"' in page


def test_sorting_links_keep_the_filters_and_say_the_order(
    people: People, spread: dict[str, Ticket]
) -> None:
    html = _get(people.admin, state="closed", ordering="number").content.decode()

    number = re.search(r'<a href="([^"]+)"[^>]*aria-sort="ascending">Number</a>', html)
    assert number and "ordering=-number" in number.group(1) and "state=closed" in number.group(1)
    assert re.search(r'aria-sort="none">Submitted</a>', html)
    assert _numbers(html) == sorted(_numbers(html))


def test_pages_follow_each_other(people: People, spread: dict[str, Ticket]) -> None:
    first = _get(people.admin, page_size=3, ordering="number").content.decode()
    second = _get(people.admin, page_size=3, ordering="number", page=2).content.decode()

    assert "Page 1 of 3" in first and "Page 2 of 3" in second
    assert 'rel="next"' in first and "page=2" in first
    assert _numbers(first) + _numbers(second) == _api_numbers(
        people.admin, ordering="number", page_size=6
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"state": "bogus"}, "state", "Choose one of"),
        ({"requester": "nobody"}, "requester", "Unknown user: nobody."),
        ({"submitted_from": "soon"}, "submitted_from", "Enter a date as YYYY-MM-DD"),
        (
            {"submitted_from": "2026-03-02", "submitted_to": "2026-03-01"},
            "submitted_from",
            "The start of the period is after its end.",
        ),
        ({"type": "999999"}, "type", "No ticket type with that id."),
        ({"ordering": "title"}, "ordering", "Choose one of"),
        ({"page": "0"}, "page", "Must be at least 1."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_filter_is_shown_beside_it_with_422(
    people: People,
    spread: dict[str, Ticket],
    params: dict[str, str],
    field: str,
    message: str,
    htmx: bool,
) -> None:
    response = _get(people.admin, htmx=htmx, **params)

    html = response.content.decode()
    assert response.status_code == 422
    assert message in _field_error(html, field)
    assert _numbers(html) == []
    if htmx:  # swapped beside the field, out of band
        assert re.search(rf'id="e-{field}" hx-swap-oob="true">', html)
    # The API refuses the same query with the same message.
    body = Api(people.admin).get("/tickets", params).json()
    assert message in body["error"]["message"]


# --- Generate report --------------------------------------------------------------------------


def test_generate_report_downloads_the_filtered_list(
    people: People, spread: dict[str, Ticket]
) -> None:
    html = _get(people.admin, state="closed", ordering="number").content.decode()
    href = re.search(r'<a class="btn btn-primary" href="([^"]+)" download', html)
    assert href
    url = href.group(1).replace("&amp;", "&")
    assert url.startswith("/api/v1/tickets/export?")

    # The web session is enough for the API's GET.
    response = _client(people.admin).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    numbers = _xlsx_numbers(b"".join(response.streaming_content))
    assert (
        numbers
        == _numbers(html)
        == sorted([spread["closed_resolved"].number, spread["closed_rejected"].number])
    )


def test_a_large_export_runs_in_the_background_with_progress(
    people: People, spread: dict[str, Ticket], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_services, "DIRECT_MAX_TICKETS", 1)
    client = _client(people.admin)
    page = client.get("/data/", {"state": "closed", "ordering": "number"}).content.decode()
    assert 'action="/data/export/"' in page and 'name="state" value="closed"' in page

    started = client.post(
        "/data/export/", {"state": "closed", "ordering": "number"}, headers={"HX-Request": "true"}
    )

    export = Export.objects.get(creator=people.admin)
    assert export.query["state"] == "closed"
    progress = started.content.decode()
    assert f'hx-get="/data/exports/{export.pk}/" hx-trigger="every 1s"' in progress
    assert "Preparing the report" in progress

    assert worker.run_tasks() == 1
    done = client.get(f"/data/exports/{export.pk}/", headers={"HX-Request": "true"})

    html = done.content.decode()
    assert "every 1s" not in html
    link = re.search(r'href="(/api/v1/exports/[^"]+/file)" download', html)
    assert link
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert _xlsx_numbers(b"".join(response.streaming_content)) == _numbers(page)


def test_a_background_export_without_js_opens_its_progress_page(
    people: People, spread: dict[str, Ticket]
) -> None:
    client = _client(people.admin)

    response = client.post("/data/export/", {"q": "kettle"})

    export = Export.objects.get(creator=people.admin)
    assert response.status_code == 302
    assert response["Location"] == f"/data/exports/{export.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<progress" in page.content.decode()


def test_a_bad_filter_starts_no_export(people: People) -> None:
    response = _client(people.admin).post(
        "/data/export/", {"requester": "nobody"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    assert "Unknown user: nobody." in response.content.decode()
    assert not Export.objects.exists()


def test_only_the_creator_finds_an_export(people: People) -> None:
    _client(people.admin).post("/data/export/", {})
    export = Export.objects.get()

    assert _get(people.site_admin, f"/data/exports/{export.pk}/").status_code == 404
    assert _get(people.requester, f"/data/exports/{export.pk}/").status_code == 404


def test_too_many_exports_under_way_is_said_where_the_button_was(people: People) -> None:
    client = _client(people.admin)
    for _ in range(export_services.UNFINISHED_PER_USER):
        client.post("/data/export/", {})

    response = client.post("/data/export/", {}, headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert "exports under way" in response.content.decode()
    assert Export.objects.count() == export_services.UNFINISHED_PER_USER
