"""The export's operations are in the OpenAPI document; the file ones say they answer .xlsx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.exports.conftest import XLSX


@pytest.fixture(scope="module")
def paths() -> dict[str, Any]:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    found: dict[str, Any] = r.json()["paths"]
    return found


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/tickets/export"),
        ("post", "/api/v1/exports"),
        ("get", "/api/v1/exports"),
        ("get", "/api/v1/exports/{export_id}"),
        ("get", "/api/v1/exports/{export_id}/file"),
    ],
)
def test_export_operations_are_documented(paths: dict[str, Any], method: str, path: str) -> None:
    assert method in paths[path]


@pytest.mark.parametrize("path", ["/api/v1/tickets/export", "/api/v1/exports/{export_id}/file"])
def test_file_operations_answer_a_workbook(paths: dict[str, Any], path: str) -> None:
    assert XLSX in paths[path]["get"]["responses"]["200"]["content"]


def test_the_export_takes_the_lists_filters(paths: dict[str, Any]) -> None:
    def names(path: str, method: str) -> set[str]:
        return {p["name"] for p in paths[path][method].get("parameters", [])}

    listed = names("/api/v1/tickets", "get")
    assert names("/api/v1/tickets/export", "get") == listed
    assert names("/api/v1/exports", "post") == listed
