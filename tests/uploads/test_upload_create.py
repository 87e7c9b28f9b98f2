"""POST /uploads: size-limited files whose type is read from their bytes, never the client."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from servicetickets.uploads.models import Upload
from tests.conftest import People
from tests.uploads.conftest import HTML, PNG, raw_upload, stored_files, upload


def test_upload_answers_with_its_description(people: People, api: Any) -> None:
    r = upload(api(people.requester), b"hello world\n", name="note.txt")

    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "name", "size", "content_type"}
    assert uuid.UUID(body["id"])
    assert (body["name"], body["size"], body["content_type"]) == ("note.txt", 12, "text/plain")


def test_upload_is_stored_once_on_disk(people: People, api: Any, upload_root: Path) -> None:
    upload(api(people.requester), b"hello world\n")

    files = stored_files(upload_root)
    assert len(files) == 1
    assert files[0].read_bytes() == b"hello world\n"
    assert files[0].name != "note.txt"


def test_upload_records_the_uploader(people: People, api: Any) -> None:
    body = upload(api(people.requester), b"x").json()

    assert Upload.objects.get(pk=body["id"]).uploader == people.requester


def test_png_named_txt_is_a_png(people: People, api: Any) -> None:
    r = upload(api(people.requester), PNG, name="x.txt", content_type="text/plain")

    assert r.json()["content_type"] == "image/png"
    assert r.json()["name"] == "x.txt"


def test_html_declared_as_png_is_not_a_png(people: People, api: Any) -> None:
    r = upload(api(people.requester), HTML, name="cat.png", content_type="image/png")

    assert r.status_code == 201
    assert r.json()["content_type"] != "image/png"
    assert not r.json()["content_type"].startswith("image/")


def test_unknown_binary_is_octet_stream(people: People, api: Any) -> None:
    r = upload(api(people.requester), bytes(range(128, 256)) * 4, name="blob")

    assert r.json()["content_type"] == "application/octet-stream"


def test_file_over_the_limit_is_too_large_and_nothing_is_stored(
    people: People, api: Any, settings: Settings, upload_root: Path
) -> None:
    settings.UPLOAD_MAX_BYTES = 100

    r = upload(api(people.requester), b"x" * 101)

    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert r.json()["error"]["field"] == "file"
    assert set(r.json()["error"]) == {"code", "message", "field"}
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


def test_file_of_exactly_the_limit_is_accepted(
    people: People, api: Any, settings: Settings
) -> None:
    settings.UPLOAD_MAX_BYTES = 100

    assert upload(api(people.requester), b"x" * 100).status_code == 201


def test_large_file_streamed_to_disk_is_still_limited(
    people: People, api: Any, settings: Settings, upload_root: Path
) -> None:
    """Past FILE_UPLOAD_MAX_MEMORY_SIZE Django spools to a temporary file; the limit holds."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.UPLOAD_MAX_BYTES = 10_000

    r = upload(api(people.requester), b"y" * 20_000)

    assert r.status_code == 413
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


def test_empty_file_is_invalid(people: People, api: Any, upload_root: Path) -> None:
    r = upload(api(people.requester), b"")

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "file"
    assert not Upload.objects.exists()
    assert stored_files(upload_root) == []


def test_missing_file_is_invalid(people: People, api: Any) -> None:
    client = api(people.requester)

    r = client.client.post("/api/v1/uploads", {"other": "x"}, **client.headers)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "file"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (b"../../etc/passwd", "passwd"),
        (b"..\\..\\windows\\win.ini", "win.ini"),
        (b"/abs/path/report.pdf", "report.pdf"),
        ("invoice\u202egnp.exe".encode(), "invoicegnp.exe"),
        ("a\u200fb\u2066c.txt".encode(), "abc.txt"),
        (b"tab\there.txt", "tabhere.txt"),
        (b".hidden", "hidden"),
        ("报告.pdf".encode(), "报告.pdf"),
    ],
)
def test_file_name_is_cleaned(people: People, api: Any, sent: bytes, kept: str) -> None:
    r = raw_upload(api(people.requester), sent, b"content")

    assert r.status_code == 201, r.content
    assert r.json()["name"] == kept


def test_file_name_with_nul_is_cleaned(people: People, api: Any) -> None:
    r = upload(api(people.requester), b"content", name="evil\x00.txt")

    assert r.status_code == 201, r.content
    assert "\x00" not in r.json()["name"]
