"""Streams here send their keep-alive comments often, so a test can wait for "idle"."""

from __future__ import annotations

import pytest

from servicetickets.notifications import stream as stream_module


@pytest.fixture(autouse=True)
def _fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_module, "HEARTBEAT_SECONDS", 0.05)
