"""Shared pieces of the form tests: a fake submission context and refusal helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from servicetickets.core.errors import Invalid
from servicetickets.forms.fields import (
    FieldDef,
    parse_fields,
)
from servicetickets.forms.values import clean_data


class FakeContext:
    """Members and uploads the submitter may use; records upload checks."""

    def __init__(
        self,
        members: tuple[str, ...] = ("alice", "bob"),
        uploads: tuple[str, ...] = ("u1", "u2", "u3", "doc1"),
        images: tuple[str, ...] = ("u1", "u2", "u3"),
    ) -> None:
        self.members = set(members)
        self.uploads = set(uploads)
        self.images = set(images)
        self.upload_calls: list[tuple[list[str], bool]] = []

    def member_exists(self, username: str) -> bool:
        return username in self.members

    def upload_problem(self, upload_ids: list[str], *, images_only: bool) -> str | None:
        self.upload_calls.append((upload_ids, images_only))
        if any(upload_id not in self.uploads for upload_id in upload_ids):
            return "Unknown upload."
        if images_only and any(upload_id not in self.images for upload_id in upload_ids):
            return "Only images can be attached here."
        return None


def refusal(call: Callable[[], object]) -> Invalid:
    with pytest.raises(Invalid) as caught:
        call()
    return caught.value


def definition(**props: Any) -> dict[str, Any]:
    return {"key": "f", "label": "Field", "kind": "text", **props}


def parse_refusal(raw: object) -> Invalid:
    return refusal(lambda: parse_fields(raw))


def clean(fields: FieldDef | list[FieldDef], data: object, context: Any = None) -> dict[str, Any]:
    form = [fields] if isinstance(fields, FieldDef) else fields
    return clean_data(form, data, context=context or FakeContext())


def value_refusal(field: FieldDef, value: object, context: Any = None) -> Invalid:
    return refusal(lambda: clean(field, {field.key: value}, context))


def cleaned(field: FieldDef, value: object, context: Any = None) -> Any:
    return clean(field, {field.key: value}, context)[field.key]


SELECT = FieldDef("size", "Size", "select", options=("S", "M", "L"))
MULTI = FieldDef("tags", "Tags", "multiselect", options=("red", "green", "blue"))
PARTS = FieldDef(
    "parts",
    "Parts",
    "table",
    columns=(
        FieldDef("name", "Name", "text", required=True),
        FieldDef("count", "Count", "number", min=1),
        FieldDef("owner", "Owner", "member"),
    ),
)
