"""Helpers for ticket type tests: the admin's client and a valid type body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import People

FORM: list[dict[str, Any]] = [
    {"key": "where", "label": "Where", "kind": "text", "required": True},
    {"key": "count", "label": "How many", "kind": "number", "min": 1},
]


def type_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Badge",
        "description": "A new or replacement badge",
        "fields": FORM,
        "handlers": ["hank"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def create_type(people: People, api: Any) -> Callable[..., Any]:
    """POST a type to the standard desk as its admin; returns the response."""
    admin = api(people.admin)

    def create(**overrides: Any) -> Any:
        return admin.post(f"/desks/{people.desk.pk}/types", type_body(**overrides))

    return create
