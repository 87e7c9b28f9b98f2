from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

#: Pictures a browser draws without running anything: the only files shown inline (thumbnails)
#: and accepted by image fields. SVG is left out on purpose: it can carry script.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
#: Types a download is labelled with as sniffed; anything else (HTML, SVG, XML, scripts,
#: programs) goes out as opaque bytes, so no browser or proxy treats it as a page.
SERVED_AS_IS = IMAGE_TYPES | {"application/pdf", "text/plain"}


class Upload(models.Model):
    """An uploaded file. Stored under the data folder by a generated name, never the client's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    stored_name = models.CharField(max_length=64, unique=True)
    # The ticket that uses it, set when a submission, completion or comment attaches it.
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def served_type(self) -> str:
        """The Content-Type its download carries."""
        if self.content_type in SERVED_AS_IS:
            return self.content_type
        return "application/octet-stream"
