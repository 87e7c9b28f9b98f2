from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class TypeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    # Checked field by field by ``forms.parse_fields`` so errors name ``fields[i].prop``.
    fields: list[Any] = Field(default_factory=list)
    handlers: list[str] = Field(default_factory=list, max_length=200)


class TypePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    fields: list[Any] | None = None
    handlers: list[str] | None = Field(default=None, max_length=200)


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


class FormOut(Schema):
    """One version of a type's form, as a ticket submitted with it is shown."""

    type_id: int
    version: int
    fields: list[dict[str, Any]]
