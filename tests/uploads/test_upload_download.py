"""GET /uploads/{id}: the bytes, as an attachment, to the uploader and to whoever may see a
ticket using the file; to anyone else the file does not exist."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import Upload
from servicetickets.uploads.services import path_of
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory
from tests.uploads.conftest import HTML, PNG, body_of, download, upload

FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "photos", "label": "Photos", "kind": "image"},
    {"key": "files", "label": "Files", "kind": "file"},
]


@pytest.fixture
def kind(people: People) -> TicketType:
    return TicketTypeFactory(desk=people.desk, name="Photo", fields=FORM, handlers=[people.handler])


def _ticket_with_photo(people: People, api: Any, kind: TicketType) -> str:
    alice = api(people.requester)
    upload_id: str = upload(alice, PNG, name="photo.png").json()["id"]
    r = alice.post(
        f"/types/{kind.pk}/tickets", {"data": {"summary": "Broken", "photos": [upload_id]}}
    )
    assert r.status_code == 201, r.content
    return upload_id


def test_uploader_downloads_the_bytes(people: People, api: Any) -> None:
    alice = api(people.requester)
    upload_id = upload(alice, b"hello world\n", name="note.txt").json()["id"]

    r = download(alice, upload_id)

    assert r.status_code == 200
    assert body_of(r) == b"hello world\n"


def test_download_is_an_attachment_the_browser_must_not_sniff(people: People, api: Any) -> None:
    alice = api(people.requester)
    upload_id = upload(alice, PNG, name="photo.png").json()["id"]

    r = download(alice, upload_id)

    assert r["Content-Disposition"].startswith("attachment")
    assert 'filename="photo.png"' in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Type"] == "image/png"
    body_of(r)


def test_html_is_served_as_attachment_never_as_a_page(people: People, api: Any) -> None:
    alice = api(people.requester)
    upload_id = upload(alice, HTML, name="page.png", content_type="image/png").json()["id"]

    r = download(alice, upload_id)

    assert r["Content-Disposition"].startswith("attachment")
    assert r["Content-Type"] != "image/png"
    assert "sandbox" in r["Content-Security-Policy"]
    body_of(r)


def test_unicode_file_name_is_kept_in_the_header(people: People, api: Any) -> None:
    alice = api(people.requester)
    upload_id = upload(alice, b"x", name="报告.txt").json()["id"]

    r = download(alice, upload_id)

    assert "filename*=utf-8''%E6%8A%A5%E5%91%8A.txt" in r["Content-Disposition"]
    body_of(r)


@pytest.mark.parametrize("who", ["handler", "admin", "site_admin"])
def test_people_who_see_the_ticket_download_its_file(
    people: People, api: Any, kind: TicketType, who: str
) -> None:
    upload_id = _ticket_with_photo(people, api, kind)

    r = download(api(getattr(people, who)), upload_id)

    assert r.status_code == 200
    assert body_of(r) == PNG


def test_outsider_cannot_download_a_tickets_file(
    people: People, api: Any, kind: TicketType
) -> None:
    upload_id = _ticket_with_photo(people, api, kind)

    r = download(api(people.outsider), upload_id)

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_admin_of_another_desk_cannot_download(people: People, api: Any, kind: TicketType) -> None:
    upload_id = _ticket_with_photo(people, api, kind)
    DeskFactory(code="HR").admins.add(people.outsider)

    assert download(api(people.outsider), upload_id).status_code == 404


def test_nobody_else_downloads_an_unattached_upload(people: People, api: Any) -> None:
    upload_id = upload(api(people.requester), b"private").json()["id"]

    for user in (people.handler, people.admin, people.outsider):
        assert download(api(user), upload_id).status_code == 404


@pytest.mark.parametrize(
    "upload_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "1", "%2e%2e"]
)
def test_unknown_or_malformed_id_is_not_found(people: People, api: Any, upload_id: str) -> None:
    r = download(api(people.requester), upload_id)

    assert r.status_code == 404
    assert set(r.json()["error"]) == {"code", "message", "field"}


def test_file_missing_from_disk_is_not_found(people: People, api: Any) -> None:
    alice = api(people.requester)
    upload_id = upload(alice, b"gone").json()["id"]
    path_of(Upload.objects.get(pk=upload_id)).unlink()

    assert download(alice, upload_id).status_code == 404
