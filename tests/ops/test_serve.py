"""``servicetickets serve``: production serving through uvicorn (not actually started here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from servicetickets.cli import main
from servicetickets.ops import db

pytestmark = pytest.mark.django_db


def test_serve_runs_the_asgi_application_with_the_options_given(
    served: list[dict[str, Any]],
) -> None:
    code = main(["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "3"])

    assert code == 0
    [call] = served
    assert call["app"] == "servicetickets.asgi:application"
    assert (call["host"], call["port"], call["workers"]) == ("0.0.0.0", 9001, 3)
    assert Path(settings.STATIC_ROOT).is_dir()


def test_serve_defaults_to_loopback_port_8000_and_at_most_four_workers(
    served: list[dict[str, Any]],
) -> None:
    assert main(["serve"]) == 0

    [call] = served
    assert (call["host"], call["port"]) == ("127.0.0.1", 8000)
    assert 1 <= call["workers"] <= 4


def test_serve_refuses_a_database_that_needs_migrating(
    served: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(db, "migrations_pending", lambda: 3)

    assert main(["serve"]) == 1

    assert served == []
    assert "servicetickets migrate" in capsys.readouterr().err


def test_serve_refuses_a_port_out_of_range(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", "70000"]) == 2

    assert served == []
    assert "65535" in capsys.readouterr().err
