from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import uvicorn
from django.db import connections


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record what would be served instead of serving; keep the test's database connection."""
    calls: list[dict[str, Any]] = []

    def fake_run(app: str, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    close_all: Callable[[], None] = lambda: None  # noqa: E731
    monkeypatch.setattr(connections, "close_all", close_all)
    return calls
