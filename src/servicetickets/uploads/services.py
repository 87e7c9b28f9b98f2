"""Storing uploads: size-limited, type sniffed from the bytes, kept under generated names."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import puremagic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Invalid, TooLarge
from servicetickets.uploads.models import Upload

SNIFF_BYTES = 64 * 1024


def sniff_content_type(head: bytes) -> str:
    """The type the bytes say they are, never what the client claimed."""
    try:
        found = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        found = ""
    if found:
        return found
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def clean_file_name(name: str) -> str:
    """A display name safe to show and to put in a header: no folders, controls or bidi marks."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".")
    return name[:200] or "file"


def path_of(upload: Upload) -> Path:
    return Path(settings.UPLOAD_ROOT) / upload.stored_name[:2] / upload.stored_name


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        _("A file may be at most %(size)s.") % {"size": filesizeformat(limit)}, field="file"
    )


def upload_create(*, uploader: User, file: UploadedFile) -> Upload:
    """Store ``file`` for ``uploader``. Refused whole (no row, no bytes left on disk) when it
    is empty or larger than ``UPLOAD_MAX_BYTES``."""
    limit = settings.UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise _too_large(limit)
    if not file.size:
        raise Invalid(_("The file is empty."), field="file")
    stored_name = secrets.token_hex(16)
    target = Path(settings.UPLOAD_ROOT) / stored_name[:2] / stored_name
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    head = b""
    try:
        with target.open("wb") as out:
            for chunk in file.chunks():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                out.write(chunk)
        return Upload.objects.create(
            uploader=uploader,
            name=clean_file_name(file.name or ""),
            size=size,
            content_type=sniff_content_type(head),
            stored_name=stored_name,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def uploads_create(
    *, uploader: User, files: Sequence[UploadedFile], most: int, field: str
) -> list[Upload]:
    """Store a form's files all or none: more than ``most`` are refused before any is stored,
    and a file refused on the way (too large, empty) takes those stored before it with it."""
    if len(files) > most:
        raise Invalid(_("Attach at most %(n)d files.") % {"n": most}, field=field)
    done: list[Upload] = []
    try:
        for file in files:
            done.append(upload_create(uploader=uploader, file=file))
    except BaseException:
        for upload in done:
            path_of(upload).unlink(missing_ok=True)
            upload.delete()
        raise
    return done
