from __future__ import annotations

import uuid

from ninja import Schema


class UploadOut(Schema):
    id: uuid.UUID
    name: str
    size: int
    content_type: str
