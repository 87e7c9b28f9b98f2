"""The pure helpers behind uploads: display names and types read from bytes."""

from __future__ import annotations

import pytest

from servicetickets.uploads.services import clean_file_name, sniff_content_type
from tests.uploads.conftest import HTML, PNG


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("evil\x00.txt", "evil.txt"),
        ("bill\u202efdp.exe", "billfdp.exe"),
        ("a\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069b", "ab"),
        ("line\nbreak\r.txt", "linebreak.txt"),
        ("  spaced.txt  ", "spaced.txt"),
        ("...", "file"),
        ("", "file"),
        ("..", "file"),
        ("x" * 300, "x" * 200),
        ("照片.jpg", "照片.jpg"),
    ],
)
def test_clean_file_name(name: str, clean: str) -> None:
    assert clean_file_name(name) == clean


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "image/png"),
        (b"GIF89a" + b"\x00" * 20, "image/gif"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "image/jpeg"),
        (b"%PDF-1.7\n", "application/pdf"),
        (HTML, "text/html"),
        ("plain words, 中文".encode(), "text/plain"),
        (bytes(range(128, 256)), "application/octet-stream"),
    ],
)
def test_sniff_content_type(head: bytes, kind: str) -> None:
    assert sniff_content_type(head) == kind
