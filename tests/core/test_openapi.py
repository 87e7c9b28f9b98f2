"""The OpenAPI document describes every path of API.md, secured by bearer tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

# Every operation API.md promises, with its path parameters written as {}.
API_MD: list[tuple[str, str]] = [
    ("post", "/users"),
    ("get", "/users"),
    ("delete", "/users/{}"),
    ("post", "/desks"),
    ("get", "/desks"),
    ("post", "/desks/{}/admins"),
    ("get", "/desks/{}/types"),
    ("post", "/desks/{}/types"),
    ("get", "/types/{}"),
    ("patch", "/types/{}"),
    ("delete", "/types/{}"),
    ("post", "/types/{}/publish"),
    ("post", "/types/{}/unpublish"),
    ("get", "/desks/{}/menu"),
    ("put", "/desks/{}/menu"),
    ("post", "/uploads"),
    ("get", "/uploads/{}"),
    ("post", "/types/{}/tickets"),
    ("get", "/tickets"),
    ("get", "/tickets/{}"),
    ("post", "/tickets/{}/claim"),
    ("post", "/tickets/{}/transfer"),
    ("post", "/tickets/{}/reject"),
    ("post", "/tickets/{}/complete"),
    ("post", "/tickets/{}/confirm"),
    ("post", "/tickets/{}/return"),
    ("post", "/tickets/{}/cancel"),
    ("post", "/tickets/{}/comment"),
    ("post", "/tickets/{}/urge"),
    ("get", "/notifications"),
    ("post", "/notifications/{}/read"),
    ("post", "/notifications/read-all"),
    ("get", "/notifications/stream"),
    ("get", "/reports/status"),
    ("get", "/reports/status-by-person"),
    ("get", "/reports/efficiency"),
    ("get", "/reports/efficiency-by-person"),
    ("get", "/tickets/export"),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for path, methods in document["paths"].items():
        short = re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api/v1"))
        found.update((method, short) for method in methods)
    return found


def test_openapi_document_is_public_json(db: None) -> None:
    r = Client().get("/api/v1/openapi.json")

    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["openapi"].startswith("3.")


@pytest.mark.parametrize(("method", "path"), API_MD)
def test_every_operation_of_api_md_is_documented(
    document: dict[str, Any], method: str, path: str
) -> None:
    assert (method, path) in _operations(document)


def test_bearer_token_security_is_declared(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]

    assert {"type": "http", "scheme": "bearer"} in schemes.values()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/desks"), ("post", "/types/{}/publish"), ("get", "/notifications/stream")],
)
def test_operations_require_the_bearer_token(
    document: dict[str, Any], method: str, path: str
) -> None:
    schemes = document["components"]["securitySchemes"]
    bearer = next(name for name, s in schemes.items() if s.get("scheme") == "bearer")
    full = next(p for p in document["paths"] if re.sub(r"\{[^}]+\}", "{}", p) == "/api/v1" + path)

    security = document["paths"][full][method]["security"]

    assert {bearer: []} in security


def _each_operation(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_declares_its_errors_with_the_error_body(
    document: dict[str, Any],
) -> None:
    error_ref = {"$ref": "#/components/schemas/Error"}
    missing = []
    for method, path, operation in _each_operation(document):
        responses = operation["responses"]
        params = {p["in"] for p in operation.get("parameters", [])}
        expected = {"401", "403"}
        if "path" in params:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        if not expected <= set(responses):
            missing.append((method, path, sorted(expected - set(responses))))
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == error_ref, (
                    method,
                    path,
                    status,
                )

    assert missing == []


def test_the_error_schema_is_api_md_error_body(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]

    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "field"]
