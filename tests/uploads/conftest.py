"""Uploads go to a fresh folder per test, so a test can see exactly what was left on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def upload_root(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    root.mkdir()
    settings.UPLOAD_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def upload(
    client: Any, content: bytes, name: str = "note.txt", content_type: str = "text/plain"
) -> Any:
    """POST one file as multipart field ``file`` with the client's bearer token."""
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.client.post("/api/v1/uploads", {"file": file}, **client.headers)


def raw_upload(client: Any, filename: bytes, content: bytes) -> Any:
    """POST a hand-made multipart body, so the file name reaches the server exactly as given."""
    boundary = b"----servicetickets-test"
    body = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + content + b"\r\n"
        b"--" + boundary + b"--\r\n"
    )
    return client.client.post(
        "/api/v1/uploads",
        body,
        content_type="multipart/form-data; boundary=" + boundary.decode(),
        **client.headers,
    )


def download(client: Any, upload_id: str) -> Any:
    return client.client.get(f"/api/v1/uploads/{upload_id}", **client.headers)


def body_of(response: Any) -> bytes:
    data = b"".join(response.streaming_content)
    response.close()
    return data
