from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportState(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class Failure(models.TextChoices):
    ERROR = "error", "error"
    INTERRUPTED = "interrupted", "interrupted"


class Export(models.Model):
    """A background export of the ticket list, for its creator only. Its file lives under the
    data folder (``services.file_path``) and both are removed a day after it was asked for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The list's query parameters as sent, checked when the export was asked for.
    query: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    # The language of the request: column titles and messages are in it.
    language = models.CharField(max_length=16)
    state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    total = models.PositiveIntegerField(null=True)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=100)
    # Why it failed (``Failure``), shown in the reader's language.
    failure = models.CharField(max_length=12, choices=Failure.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Moved on every chunk written: a running export whose worker died stops moving.
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["creator", "state"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.state})"
