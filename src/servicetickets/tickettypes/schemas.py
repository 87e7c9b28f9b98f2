from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from servicetickets.core.schemas import InSchema

TARGET_HOURS_MAX = 24 * 365


class TypeIn(InSchema):
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    # Checked field by field by ``forms.parse_fields`` so errors name ``fields[i].prop``.
    fields: list[Any] = Field(default_factory=list)
    handlers: list[str] = Field(default_factory=list, max_length=200)
    response_hours: float | None = Field(default=None, gt=0, le=TARGET_HOURS_MAX)
    processing_hours: float | None = Field(default=None, gt=0, le=TARGET_HOURS_MAX)


class TypePatch(InSchema):
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    fields: list[Any] | None = None
    handlers: list[str] | None = Field(default=None, max_length=200)
    # Absent leaves a target as it is; null removes it.
    response_hours: float | None = Field(default=None, gt=0, le=TARGET_HOURS_MAX)
    processing_hours: float | None = Field(default=None, gt=0, le=TARGET_HOURS_MAX)


class TypeOut(Schema):
    id: int
    desk_id: int
    name: str
    description: str
    state: str
    deleted: bool
    version: int
    fields: list[dict[str, Any]]
    handlers: list[str]
    # SLA targets in hours from submission: to be accepted, and to be processed.
    response_hours: float | None
    processing_hours: float | None


class FormOut(Schema):
    """One version of a type's form, as a ticket submitted with it is shown."""

    type_id: int
    version: int
    fields: list[dict[str, Any]]
