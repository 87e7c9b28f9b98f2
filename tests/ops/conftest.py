from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from django.db import connections

from servicetickets.ops import worker


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Record what would be served instead of serving; keep the test's database connection.

    The background worker ``serve`` starts is a stand-in thread, joined after the test: the
    real one ran rounds on the test database past the test's end (and past the session's),
    where its failures were reported against whichever test ran then."""
    calls: list[dict[str, Any]] = []
    threads: list[threading.Thread] = []

    def fake_run(app: str, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    def fake_start(**kwargs: Any) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait, name="servicetickets-worker")
        thread.start()
        threads.append(thread)
        return thread, stop

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(worker, "start_in_thread", fake_start)
    close_all: Callable[[], None] = lambda: None  # noqa: E731
    monkeypatch.setattr(connections, "close_all", close_all)
    yield calls
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "serve left its worker running"
