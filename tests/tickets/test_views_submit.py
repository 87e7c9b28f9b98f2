"""The submission page: every field kind posted from the page reaches the ticket's values;
the service's refusals are shown beside the field they name (422) with nothing lost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes import services as type_services
from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import Upload
from servicetickets.uploads.services import upload_create
from tests.conftest import People
from tests.factories import TicketTypeFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

EVERY_KIND: list[dict[str, Any]] = [
    {"key": "intro", "label": "Before you start", "kind": "note", "help": "Read <b>this</b>."},
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "details", "label": "Details", "kind": "textarea"},
    {"key": "qty", "label": "Quantity", "kind": "number", "min": 1, "max": 10},
    {"key": "cost", "label": "Cost", "kind": "amount"},
    {"key": "day", "label": "Day", "kind": "date"},
    {"key": "at", "label": "Start time", "kind": "datetime"},
    {"key": "trip", "label": "Trip", "kind": "daterange"},
    {"key": "size", "label": "Size", "kind": "select", "options": ["S", "M", "L"]},
    {"key": "extras", "label": "Extras", "kind": "multiselect", "options": ["A", "B", "C"]},
    {"key": "phone", "label": "Phone", "kind": "phone"},
    {"key": "email", "label": "Email", "kind": "email"},
    {"key": "buddy", "label": "Colleague", "kind": "member"},
    {"key": "photos", "label": "Photos", "kind": "image"},
    {"key": "docs", "label": "Documents", "kind": "file"},
    {
        "key": "items",
        "label": "Items",
        "kind": "table",
        "columns": [
            {"key": "name", "label": "Name", "kind": "text", "required": True},
            {"key": "count", "label": "Count", "kind": "number"},
            {"key": "kind", "label": "Kind", "kind": "select", "options": ["X", "Y"]},
            {"key": "tags", "label": "Tags", "kind": "multiselect", "options": ["t1", "t2"]},
        ],
    },
]


@pytest.fixture
def everything(people: People) -> TicketType:
    return TicketTypeFactory(
        desk=people.desk, name="Everything", fields=EVERY_KIND, handlers=[people.handler]
    )


def _upload(people: People, name: str, content: bytes, user: Any = None) -> str:
    file = SimpleUploadedFile(name, content)
    return str(upload_create(uploader=user or people.requester, file=file).pk)


def _signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _error_beside(html: str, key: str) -> str:
    """The error text inside the element that holds field ``key``."""
    match = re.search(
        r'data-field="'
        + re.escape(key)
        + r'".*?<p class="field-error"[^>]*data-field-error>([^<]*)</p>',
        html,
        re.S,
    )
    assert match, f"no error beside {key}"
    return match.group(1)


def test_page_shows_an_input_for_every_kind(
    people: People, everything: TicketType, client: Client
) -> None:
    html = _signed_in(client, people.requester).get(f"/submit/{everything.pk}/").content.decode()

    for expected in [
        'name="f.summary"',
        '<textarea id="f-details" name="f.details"',
        'type="number" id="f-qty" name="f.qty"',
        'step="0.01"',
        'type="date" id="f-day"',
        'type="datetime-local" id="f-at"',
        'name="f.trip.start"',
        'name="f.trip.end"',
        'type="radio" id="f-size-2" name="f.size" value="M"',
        'type="checkbox" id="f-extras-3" name="f.extras" value="C"',
        'type="tel" id="f-phone"',
        'type="email" id="f-email"',
        'role="combobox"',
        'data-users-url="/api/v1/users"',
        'data-name="f.photos"',
        'data-name="f.docs"',
        'name="f.items[__i__].name"',
        "Read &lt;b&gt;this&lt;/b&gt;.",
    ]:
        assert expected in html, expected
    assert 'name="f.intro"' not in html


def test_every_kind_posted_from_the_page_reaches_the_ticket(
    people: People, everything: TicketType, client: Client
) -> None:
    photo = _upload(people, "screen.png", PNG)
    doc = _upload(people, "notes.txt", b"plain notes")

    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/",
        {
            "title": "",
            "f.summary": "  Broken screen ",
            "f.details": "First line\r\nSecond line",
            "f.qty": "3",
            "f.cost": "12.50",
            "f.day": "2026-12-01",
            "f.at": "2026-12-01T09:30",
            "f.trip.start": "2026-12-01",
            "f.trip.end": "2026-12-03",
            "f.size": "M",
            "f.extras": ["C", "A"],
            "f.phone": "+1 555 0100",
            "f.email": "Bob@Example.COM",
            "f.buddy": "hank",
            "f.photos": [photo],
            "f.docs": [doc],
            "f.items[0].name": "Cable",
            "f.items[0].count": "2",
            "f.items[0].kind": "X",
            "f.items[0].tags": ["t2", "t1"],
            # Rows removed on the page leave gaps; a row left blank is dropped.
            "f.items[4].name": "",
            "f.items[7].name": "Plug",
        },
    )

    ticket = Ticket.objects.get()
    assert r.status_code == 302
    assert r["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.requester == people.requester
    assert ticket.title == "Broken screen"
    assert ticket.data == {
        "summary": "Broken screen",
        "details": "First line\nSecond line",
        "qty": 3,
        "cost": 12.5,
        "day": "2026-12-01",
        "at": "2026-12-01T09:30:00+00:00",
        "trip": ["2026-12-01", "2026-12-03"],
        "size": "M",
        "extras": ["A", "C"],
        "phone": "+1 555 0100",
        "email": "Bob@example.com",
        "buddy": "hank",
        "photos": [photo],
        "docs": [doc],
        "items": [
            {"name": "Cable", "count": 2, "kind": "X", "tags": ["t1", "t2"]},
            {"name": "Plug"},
        ],
    }
    attached = Upload.objects.filter(ticket=ticket).values_list("pk", flat=True)
    assert {str(pk) for pk in attached} == {photo, doc}


def test_success_message_names_the_ticket(
    people: People, everything: TicketType, client: Client
) -> None:
    client = _signed_in(client, people.requester)
    r = client.post(
        f"/submit/{everything.pk}/", {"f.summary": "Hi", "title": "My own title"}, follow=True
    )

    ticket = Ticket.objects.get()
    assert ticket.title == "My own title"
    assert f"Ticket {ticket.number} submitted." in r.content.decode()


def test_required_field_missing_is_shown_beside_it_and_nothing_is_lost(
    people: People, everything: TicketType, client: Client
) -> None:
    photo = _upload(people, "screen.png", PNG)

    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/",
        {
            "f.summary": "",
            "f.details": "Keep <me>",
            "f.size": "L",
            "f.extras": ["B"],
            "f.trip.start": "2026-01-02",
            "f.trip.end": "2026-01-05",
            "f.photos": [photo],
            "f.items[2].name": "Cable",
            "title": "Typed title",
        },
    )

    html = r.content.decode()
    assert r.status_code == 422
    assert not Ticket.objects.exists()
    assert _error_beside(html, "summary") == "This field is required."
    assert 'aria-invalid="true"' in html
    assert ">Keep &lt;me&gt;</textarea>" in html
    assert 'value="L" checked' in html
    assert 'value="B" checked' in html
    assert 'value="2026-01-02"' in html
    assert 'value="Typed title"' in html
    # The upload made before the error is still part of the form, with its preview.
    assert f'<input type="hidden" name="f.photos" value="{photo}">' in html
    assert f'src="/api/v1/uploads/{photo}"' in html
    # The table row comes back as the first row.
    assert 'name="f.items[0].name" value="Cable"' in html


def test_a_bad_cell_of_a_table_row_is_shown_beside_that_cell(
    people: People, everything: TicketType, client: Client
) -> None:
    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/",
        {"f.summary": "Ok", "f.items[0].name": "Cable", "f.items[3].count": "5"},
    )

    html = r.content.decode()
    assert r.status_code == 422
    # The second row (index 1 once gaps are closed) misses its required name.
    match = re.search(r'id="f-items-1-name"[^>]*>\s*<p class="field-error"[^>]*>([^<]*)<', html)
    assert match and match.group(1) == "This field is required."
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("post", "key", "message"),
    [
        ({"f.qty": "99"}, "qty", "Must be at most 10."),
        ({"f.qty": "many"}, "qty", "Enter a number."),
        ({"f.cost": "1.234"}, "cost", "Enter an amount with at most 2 decimal places."),
        ({"f.email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"f.phone": "call me"}, "phone", "Enter a valid phone number."),
        ({"f.buddy": "nobody"}, "buddy", "Unknown user."),
        (
            {"f.trip.start": "2026-05-02", "f.trip.end": "2026-05-01"},
            "trip",
            "The end must not be before the start.",
        ),
        ({"f.photos": ["not-an-id"]}, "photos", "Unknown upload id."),
    ],
)
def test_a_refused_value_is_named_beside_its_field(
    people: People,
    everything: TicketType,
    client: Client,
    post: dict[str, Any],
    key: str,
    message: str,
) -> None:
    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/", {"f.summary": "Ok", **post}
    )

    assert r.status_code == 422
    assert _error_beside(r.content.decode(), key) == message
    assert not Ticket.objects.exists()


def test_a_text_file_in_an_image_field_is_refused(
    people: People, everything: TicketType, client: Client
) -> None:
    doc = _upload(people, "notes.txt", b"plain notes")

    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/", {"f.summary": "Ok", "f.photos": [doc]}
    )

    assert r.status_code == 422
    assert "Only pictures" in _error_beside(r.content.decode(), "photos")


def test_someone_elses_upload_cannot_be_attached_or_shown(
    people: People, everything: TicketType, client: Client
) -> None:
    theirs = _upload(people, "secret.png", PNG, user=people.outsider)

    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/", {"f.summary": "Ok", "f.photos": [theirs]}
    )

    html = r.content.decode()
    assert r.status_code == 422
    assert _error_beside(html, "photos") == "Unknown upload id."
    assert "secret.png" not in html
    assert Upload.objects.get(pk=theirs).ticket is None


def test_a_too_long_title_is_shown_beside_the_title(
    people: People, everything: TicketType, client: Client
) -> None:
    r = _signed_in(client, people.requester).post(
        f"/submit/{everything.pk}/", {"f.summary": "Ok", "title": "x" * 201}
    )

    assert r.status_code == 422
    assert _error_beside(r.content.decode(), "title") == "Must be at most 200 characters."


def test_anyone_signed_in_may_submit_a_published_type(
    people: People, everything: TicketType, client: Client
) -> None:
    client = _signed_in(client, people.outsider)

    assert client.get(f"/submit/{everything.pk}/").status_code == 200
    r = client.post(f"/submit/{everything.pk}/", {"f.summary": "From Olga"})

    assert r.status_code == 302
    assert Ticket.objects.get().requester == people.outsider


def test_anonymous_is_sent_to_sign_in(db: None, people: People, client: Client) -> None:
    r = client.get(f"/submit/{people.ticket_type.pk}/")

    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("change", ["unpublish", "delete", "draft"])
def test_a_type_not_published_is_not_found(people: People, client: Client, change: str) -> None:
    kind = people.ticket_type
    if change == "unpublish":
        type_services.type_unpublish(kind=kind)
    elif change == "delete":
        type_services.type_delete(kind=kind)
    else:
        kind = TicketTypeFactory(desk=people.desk, name="Draft", publish=False)
    # Not even its admin or handler gets a form for it.
    for user in (people.requester, people.admin, people.handler):
        client.force_login(user)
        assert client.get(f"/submit/{kind.pk}/").status_code == 404
        assert client.post(f"/submit/{kind.pk}/", {"f.summary": "x"}).status_code == 404
    assert not Ticket.objects.exists()


def test_a_type_that_does_not_exist_is_not_found(people: People, client: Client) -> None:
    assert _signed_in(client, people.requester).get("/submit/999999/").status_code == 404
