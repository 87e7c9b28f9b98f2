"""Upload attacks in one place: what a hostile client can send as a file and what it gets back.

Proves, over the API (``POST /uploads``, ``GET /uploads/{id}``) and the ticket page's own upload
path (a completion's files): an oversize file is a 413 with the error body and leaves nothing
stored; a file's declared name and type are never trusted (HTML, SVG, script or a program named
``.png`` is not a picture); polyglots and scriptable files are only ever downloaded as
attachments the browser may not sniff, never as ``text/html`` or ``image/svg+xml``; hostile file
names come back as a plain, header-safe ``filename``; too many files are refused; and stored
bytes never land outside the upload folder. ``tests/uploads/`` holds the ordinary behaviour.
"""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from servicetickets.tickets.inputs import ATTACHMENTS_MAX
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import IMAGE_TYPES, Upload
from servicetickets.uploads.services import path_of
from tests.conftest import People
from tests.factories import TicketTypeFactory
from tests.tickets.lifecycle import ticket_in
from tests.uploads.conftest import HTML, PNG, download, raw_upload, stored_files, upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
XML_SVG = b'<?xml version="1.0"?>\n' + SVG
JS = b"fetch('/api/v1/users').then(r => r.text()).then(alert);\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 2
PNG_THEN_HTML = PNG + b"<html><body><script>alert(document.domain)</script></body></html>"
PNG_HEADER_THEN_HTML = b"\x89PNG\r\n\x1a\n" + HTML
#: Types that a browser would run or render as a document.
SCRIPTABLE = ("text/html", "image/svg+xml", "application/xml", "text/xml", "text/javascript")

FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "photos", "label": "Photos", "kind": "image"},
    {"key": "files", "label": "Files", "kind": "file"},
]


@pytest.fixture(autouse=True)
def upload_root(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    root.mkdir()
    settings.UPLOAD_ROOT = root
    return root


@pytest.fixture
def kind(people: People) -> TicketType:
    return TicketTypeFactory(desk=people.desk, name="Photo", fields=FORM, handlers=[people.handler])


def _submit(api: Any, people: People, kind: TicketType, **data: Any) -> Any:
    body = {"data": {"summary": "Broken", **data}}
    return api(people.requester).post(f"/types/{kind.pk}/tickets", body)


def _page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _filename(response: Any) -> str:
    """The name a browser saves the download as, read the way a mail or HTTP client reads it."""
    message = Message()
    message["Content-Disposition"] = response["Content-Disposition"]
    assert message.get_content_disposition() == "attachment"
    name = message.get_filename()
    assert isinstance(name, str)
    return name


def assert_safe_download(response: Any, name: str | None = None) -> bytes:
    """Every served file: an attachment under a plain name, typed by us, never sniffed, never a
    document a browser would run."""
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    saved_as = _filename(response)
    assert not re.search(r"[/\\\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", saved_as)
    if name is not None:
        assert saved_as == name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].split(";")[0] not in SCRIPTABLE
    assert "sandbox" in response["Content-Security-Policy"]
    # Read through the test client's wrapper only: it closes the response without closing
    # the test's database connection (a second ``close()`` would).
    return b"".join(response.streaming_content)


# Oversize ---------------------------------------------------------------------------------


def test_oversize_upload_is_413_with_the_error_body_and_nothing_stored(
    people: People, api: Any, settings: Settings, upload_root: Path
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000

    r = upload(api(people.requester), PNG + b"\x00" * 1000, "big.png", "image/png")

    assert r.status_code == 413
    assert r.json() == {
        "error": {"code": "too_large", "message": r.json()["error"]["message"], "field": "file"}
    }
    assert r.json()["error"]["message"]
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


def test_oversize_file_on_the_completion_page_is_413_and_nothing_stored(
    people: People, settings: Settings, upload_root: Path
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    ticket = ticket_in(people, "processing")
    small = SimpleUploadedFile("ok.txt", b"fine")
    big = SimpleUploadedFile("big.txt", b"x" * 1001)

    r = _page_client(people.handler).post(
        f"/tickets/{ticket.pk}/complete", {"note": "Done", "files": [small, big]}
    )

    assert r.status_code == 413
    assert "A file may be at most" in r.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == "processing"
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


# Declared type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [HTML, SVG, XML_SVG, JS, EXE], ids=["html", "svg", "xml-svg", "js", "exe"]
)
def test_non_image_declared_as_png_is_not_an_image(
    people: People, api: Any, kind: TicketType, content: bytes
) -> None:
    alice = api(people.requester)
    r = upload(alice, content, "cat.png", "image/png")
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] not in IMAGE_TYPES

    refused = _submit(api, people, kind, photos=[r.json()["id"]])

    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "photos"
    assert Upload.objects.get(pk=r.json()["id"]).ticket_id is None
    served = download(alice, r.json()["id"])
    assert served["Content-Type"] not in IMAGE_TYPES
    assert assert_safe_download(served, "cat.png") == content


@pytest.mark.parametrize("content", [HTML, SVG, XML_SVG], ids=["html", "svg", "xml-svg"])
def test_scriptable_file_is_served_as_opaque_bytes(
    people: People, api: Any, content: bytes
) -> None:
    alice = api(people.requester)
    upload_id = upload(alice, content, "page.html", "text/html").json()["id"]

    served = download(alice, upload_id)

    assert served["Content-Type"] == "application/octet-stream"
    assert assert_safe_download(served) == content


def test_svg_in_a_file_field_is_a_link_never_an_inline_picture(
    people: People, api: Any, kind: TicketType
) -> None:
    upload_id = upload(api(people.requester), SVG, "logo.svg", "image/svg+xml").json()["id"]
    ticket = _submit(api, people, kind, files=[upload_id])
    assert ticket.status_code == 201, ticket.content

    page = _page_client(people.requester).get(f"/tickets/{ticket.json()['id']}/")

    assert page.status_code == 200
    assert f"/api/v1/uploads/{upload_id}" in page.content.decode()
    assert not re.search(rf"<img[^>]*{upload_id}", page.content.decode())


# Polyglots --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [PNG_THEN_HTML, PNG_HEADER_THEN_HTML], ids=["png+html", "png-header+html"]
)
def test_png_html_polyglot_is_downloaded_as_an_unsniffed_attachment(
    people: People, api: Any, content: bytes
) -> None:
    alice = api(people.requester)
    r = upload(alice, content, "photo.png", "image/png")
    assert r.status_code == 201, r.content

    served = download(alice, r.json()["id"])

    assert served["Content-Type"] in (*IMAGE_TYPES, "application/octet-stream")
    assert assert_safe_download(served, "photo.png") == content


def test_image_previews_on_the_ticket_page_are_pictures_only(
    people: People, api: Any, kind: TicketType
) -> None:
    alice = api(people.requester)
    ids = [upload(alice, body, "p.png", "image/png").json()["id"] for body in (PNG, PNG_THEN_HTML)]
    ticket = _submit(api, people, kind, photos=ids)
    assert ticket.status_code == 201, ticket.content

    page = _page_client(people.requester).get(f"/tickets/{ticket.json()['id']}/")
    sources = re.findall(r'<img[^>]*src="(/api/v1/uploads/[^"]+)"', page.content.decode())

    assert sorted(s.rsplit("/", 1)[-1] for s in sources) == sorted(ids)
    for source in sources:
        served = alice.client.get(source, **alice.headers)
        assert served["Content-Type"] in IMAGE_TYPES
        assert_safe_download(served)


# File names -------------------------------------------------------------------------------

HOSTILE_NAMES: list[tuple[bytes, str]] = [
    (b"../../../etc/cron.d/evil", "evil"),
    (b"..\\..\\..\\Windows\\System32\\evil.dll", "evil.dll"),
    (b"/var/lib/servicetickets/db.sqlite3", "db.sqlite3"),
    (b"C:\\Users\\Public\\evil.bat", "evil.bat"),
    (b"evil\x00.png.exe", "evil.png.exe"),
    ("photo\u202egnp.exe".encode(), "photognp.exe"),
    ("in\u200bvis\u200cible\u200d\ufeff.txt".encode(), "invisible.txt"),
    (b"split\nname\r.txt", "splitname.txt"),
    (b"x; filename=evil.exe", "x; filename=evil.exe"),
    (b'quote\\"d.txt', 'quote"d.txt'),
    (b"a" * 300 + b".txt", "a" * 200),
    (b"....", "file"),
    ("报告\u202e.pdf".encode(), "报告.pdf"),
]


@pytest.mark.parametrize(("sent", "kept"), HOSTILE_NAMES, ids=[k[:20] for _, k in HOSTILE_NAMES])
def test_hostile_file_name_is_stored_plain_and_sent_back_header_safe(
    people: People, api: Any, upload_root: Path, sent: bytes, kept: str
) -> None:
    alice = api(people.requester)

    r = raw_upload(alice, sent, b"content")

    assert r.status_code == 201, r.content
    assert r.json()["name"] == kept
    assert assert_safe_download(download(alice, r.json()["id"]), kept) == b"content"
    stored = path_of(Upload.objects.get(pk=r.json()["id"])).resolve()
    assert stored.is_relative_to(upload_root.resolve())
    assert stored.name not in sent.decode(errors="replace")


def test_header_injection_through_a_file_name_cannot_add_a_header(people: People, api: Any) -> None:
    alice = api(people.requester)
    r = upload(alice, b"content", name='x.txt"\r\nSet-Cookie: sessionid=evil\r\nX-A: "')
    assert r.status_code == 201, r.content

    served = download(alice, r.json()["id"])

    assert "Set-Cookie" not in served
    assert "X-A" not in served
    assert_safe_download(served, r.json()["name"])


def test_uploads_never_land_outside_the_upload_folder(
    people: People, api: Any, tmp_path: Path, upload_root: Path
) -> None:
    alice = api(people.requester)
    for sent, _kept in HOSTILE_NAMES:
        assert raw_upload(alice, sent, b"content").status_code == 201

    everywhere = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    assert len(everywhere) == len(HOSTILE_NAMES)
    assert all(p.is_relative_to(upload_root.resolve()) for p in everywhere)
    assert everywhere == {path_of(u).resolve() for u in Upload.objects.all()}


# Too many files ---------------------------------------------------------------------------


def test_too_many_files_on_one_field_is_refused(people: People, api: Any, kind: TicketType) -> None:
    alice = api(people.requester)
    ids = [upload(alice, b"doc %d" % i).json()["id"] for i in range(6)]  # file kind allows 5

    r = _submit(api, people, kind, files=ids)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "files"
    assert not Ticket.objects.exists()
    assert not Upload.objects.filter(ticket__isnull=False).exists()


@pytest.mark.parametrize("action", ["comment", "complete"])
def test_too_many_attachments_on_a_comment_or_completion_is_refused(
    people: People, api: Any, action: str
) -> None:
    ticket = ticket_in(people, "processing")
    hank = api(people.handler)
    ids = [upload(hank, b"doc %d" % i).json()["id"] for i in range(ATTACHMENTS_MAX + 1)]
    words = {"text": "See"} if action == "comment" else {"note": "Done"}
    body: dict[str, Any] = {**words, "attachments": ids}

    r = hank.post(f"/tickets/{ticket.pk}/{action}", body)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "attachments"
    assert Ticket.objects.get(pk=ticket.pk).state == "processing"
    assert not Upload.objects.filter(ticket__isnull=False).exists()


def test_too_many_files_on_the_completion_page_are_refused_before_any_is_stored(
    people: People, upload_root: Path
) -> None:
    ticket = ticket_in(people, "processing")
    files = [SimpleUploadedFile(f"{i}.txt", b"doc") for i in range(ATTACHMENTS_MAX + 1)]

    r = _page_client(people.handler).post(
        f"/tickets/{ticket.pk}/complete", {"note": "Done", "files": files}
    )

    assert r.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).state == "processing"
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


def test_more_parts_than_django_reads_is_413_with_the_error_body_not_a_crash(
    people: People, api: Any, upload_root: Path
) -> None:
    """Past ``DATA_UPLOAD_MAX_NUMBER_FILES`` Django refuses to parse the body at all."""
    alice = api(people.requester)
    files = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(101)]

    r = alice.client.post("/api/v1/uploads", {"file": files}, **alice.headers)

    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert set(r.json()["error"]) == {"code", "message", "field"}
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


def test_more_parts_than_django_reads_on_the_completion_page_is_refused(
    people: People, upload_root: Path
) -> None:
    ticket = ticket_in(people, "processing")
    files = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(101)]

    r = _page_client(people.handler).post(
        f"/tickets/{ticket.pk}/complete", {"note": "Done", "files": files}
    )

    assert r.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).state == "processing"
    assert stored_files(upload_root) == []
