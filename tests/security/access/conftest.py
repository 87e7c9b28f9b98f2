"""Every case writes its files in folders of the test session and resolves no real host."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from servicetickets.outbound import netguard


@pytest.fixture(autouse=True)
def _export_root(settings: Settings, tmp_path: Path) -> None:
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture(autouse=True)
def _dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook rules check the address a host resolves to; this one is public."""
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["93.184.215.14"])
