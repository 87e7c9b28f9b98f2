"""The check Schemathesis lacks: an error answer is API.md's error body, nothing else."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.check
def error_body_is_documented(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """Every 4xx/5xx is ``{"error": {"code": str, "message": str, "field": str|null}}``."""
    if response.status_code < 400:
        return None
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
        f"error {response.status_code} is not JSON"
    )
    body: Any = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the error body: {body!r}"
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message", "field"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert error["field"] is None or isinstance(error["field"], str), error
    return True
