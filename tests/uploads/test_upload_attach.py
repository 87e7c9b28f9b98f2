"""Using uploads in a ticket's image and attachment fields."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import Upload
from tests.conftest import People
from tests.factories import TicketTypeFactory
from tests.uploads.conftest import HTML, PNG, upload

FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "photos", "label": "Photos", "kind": "image", "max_files": 2},
    {"key": "files", "label": "Files", "kind": "file"},
]


@pytest.fixture
def kind(people: People) -> TicketType:
    return TicketTypeFactory(desk=people.desk, name="Photo", fields=FORM, handlers=[people.handler])


def _submit(api: Any, user: Any, kind: TicketType, **data: Any) -> Any:
    return api(user).post(f"/types/{kind.pk}/tickets", {"data": {"summary": "Broken", **data}})


def test_image_field_accepts_a_picture(people: People, api: Any, kind: TicketType) -> None:
    upload_id = upload(api(people.requester), PNG, name="p.png").json()["id"]

    r = _submit(api, people.requester, kind, photos=[upload_id])

    assert r.status_code == 201, r.content
    assert r.json()["data"]["photos"] == [upload_id]
    assert Upload.objects.get(pk=upload_id).ticket_id == r.json()["id"]


def test_image_field_refuses_a_non_image(people: People, api: Any, kind: TicketType) -> None:
    upload_id = upload(api(people.requester), b"just text").json()["id"]

    r = _submit(api, people.requester, kind, photos=[upload_id])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "photos"
    assert Upload.objects.get(pk=upload_id).ticket_id is None


def test_image_field_refuses_html_claiming_to_be_png(
    people: People, api: Any, kind: TicketType
) -> None:
    upload_id = upload(api(people.requester), HTML, "x.png", "image/png").json()["id"]

    r = _submit(api, people.requester, kind, photos=[upload_id])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "photos"


def test_file_field_accepts_any_upload(people: People, api: Any, kind: TicketType) -> None:
    upload_id = upload(api(people.requester), b"minutes").json()["id"]

    assert _submit(api, people.requester, kind, files=[upload_id]).status_code == 201


def test_upload_used_by_one_ticket_cannot_be_attached_to_another(
    people: People, api: Any, kind: TicketType
) -> None:
    upload_id = upload(api(people.requester), b"minutes").json()["id"]
    first = _submit(api, people.requester, kind, files=[upload_id])

    r = _submit(api, people.requester, kind, files=[upload_id])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "files"
    assert Upload.objects.get(pk=upload_id).ticket_id == first.json()["id"]


def test_someone_elses_upload_cannot_be_attached(
    people: People, api: Any, kind: TicketType
) -> None:
    upload_id = upload(api(people.outsider), b"theirs").json()["id"]

    r = _submit(api, people.requester, kind, files=[upload_id])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "files"


def test_unknown_upload_id_is_invalid(people: People, api: Any, kind: TicketType) -> None:
    r = _submit(api, people.requester, kind, files=["00000000-0000-0000-0000-000000000000"])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "files"


def test_more_files_than_allowed_is_invalid(people: People, api: Any, kind: TicketType) -> None:
    alice = api(people.requester)
    ids = [upload(alice, PNG, name=f"{i}.png").json()["id"] for i in range(3)]

    r = _submit(api, people.requester, kind, photos=ids)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "photos"
    assert not Upload.objects.filter(ticket__isnull=False).exists()


def test_completion_attachment_must_be_unused(people: People, api: Any, kind: TicketType) -> None:
    upload_id = upload(api(people.requester), b"minutes").json()["id"]
    ticket = _submit(api, people.requester, kind, files=[upload_id]).json()
    hank = api(people.handler)
    hank.post(f"/tickets/{ticket['id']}/claim")

    r = hank.post(f"/tickets/{ticket['id']}/complete", {"note": "Done", "attachments": [upload_id]})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "attachments"


def test_completion_attachment_becomes_visible_to_the_requester(
    people: People, api: Any, kind: TicketType
) -> None:
    ticket = _submit(api, people.requester, kind).json()
    hank = api(people.handler)
    hank.post(f"/tickets/{ticket['id']}/claim")
    upload_id = upload(hank, b"report").json()["id"]
    hank.post(f"/tickets/{ticket['id']}/complete", {"note": "Done", "attachments": [upload_id]})

    alice = api(people.requester)
    r = alice.client.get(f"/api/v1/uploads/{upload_id}", **alice.headers)

    assert r.status_code == 200
    r.close()
