from __future__ import annotations

from ninja import Schema
from pydantic import Field

from servicetickets.core.schemas import InSchema


class DeskIn(InSchema):
    code: str = Field(max_length=8)
    name: str = Field(max_length=60)


class DeskOut(Schema):
    id: int
    code: str
    name: str


class DeskAdminIn(InSchema):
    username: str = Field(max_length=150)


class MenuEntryIn(InSchema):
    label: str = Field(max_length=200)
    type_id: int | None = None
    # Read-only (GET shows it); accepted and ignored so a menu read can be sent back as it is.
    type_name: str | None = Field(default=None, max_length=200)
    children: list[MenuEntryIn] = Field(default_factory=list, max_length=50)


class MenuIn(InSchema):
    entries: list[MenuEntryIn] = Field(max_length=50)


class MenuEntryOut(Schema):
    label: str
    type_id: int | None = None
    type_name: str | None = None
    children: list[MenuEntryOut] = Field(default_factory=list)


class MenuOut(Schema):
    entries: list[MenuEntryOut]
