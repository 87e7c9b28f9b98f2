from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class ExportOut(Schema):
    id: str
    state: str = Field(description="queued, running, done or failed")
    done: int = Field(description="Tickets written so far.")
    total: int | None = Field(description="Tickets in the export; null until the job starts.")
    file_name: str
    file: str | None = Field(description="Where to download the file once it is done.")
    error: str | None
    created_at: datetime
    finished_at: datetime | None
