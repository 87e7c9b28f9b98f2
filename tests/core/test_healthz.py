"""GET /healthz answers while the database answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def test_healthz_is_ok_without_signing_in(db: None, client: Client) -> None:
    r = client.get("/healthz")

    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_healthz_reports_an_unreachable_database(
    db: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicetickets.core import views

    class Broken:
        def cursor(self) -> Any:
            raise RuntimeError("no database")

    monkeypatch.setattr(views, "connection", Broken())

    r = client.get("/healthz")

    assert r.status_code == 503
    assert r.json() == {"status": "unavailable"}


def test_healthz_only_answers_get(db: None, client: Client) -> None:
    assert client.post("/healthz").status_code == 405
