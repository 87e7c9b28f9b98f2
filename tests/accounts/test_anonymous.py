"""Every endpoint of the API refuses a caller who is neither signed in nor holds a token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

ERROR_KEYS = {"code", "message", "field"}
# Endpoints anyone may read: the contract and its human-readable page.
PUBLIC = {"/api/v1/openapi.json", "/api/v1/docs"}


def _operations() -> list[tuple[str, str]]:
    from servicetickets.core.api import api

    schema = api.get_openapi_schema()
    found = []
    for path, methods in schema["paths"].items():
        if path in PUBLIC:
            continue
        for method in methods:
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            found.append((method, concrete))
    return sorted(found)


OPERATIONS = _operations()


def test_the_api_has_operations_to_check() -> None:
    assert len(OPERATIONS) > 20


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_caller_is_not_authenticated(method: str, path: str) -> None:
    client = Client()
    call: Any = getattr(client, method)

    if method in ("get", "head", "delete"):
        r = call(path)
    else:
        r = call(path, data="{}", content_type="application/json")

    assert r.status_code == 401, (method, path, r.content)
    assert set(r.json()["error"]) == ERROR_KEYS
    assert r.json()["error"]["code"] == "not_authenticated"
