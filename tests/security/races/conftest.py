"""A real server process on the test database, and HTTP callers acting as users against it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_create
from tests.outbound.conftest import receiver, smtp  # noqa: F401 (fixtures, shared)
from tests.servers import Server, database_url

ROOT = Path(__file__).resolve().parents[3]


class Caller:
    """One user's bearer token against a server (each call opens its own connection)."""

    def __init__(self, server: Server, user: User) -> None:
        self.server = server
        self.username = user.username
        self.headers = {"Authorization": f"Bearer {token_create(user=user)}"}

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return httpx.post(
            f"{self.server.url}/api/v1{path}", json=body or {}, headers=self.headers, timeout=120
        )

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.server.url}/api/v1{path}", headers=self.headers, timeout=120)


def started(log: Path) -> Server:
    server = Server(log)
    try:
        server.wait_ready()
    except BaseException:
        server.kill()
        raise
    return server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = started(tmp_path / "server.log")
    try:
        yield running
    finally:
        running.stop()


def workers_at_once(folder: Path, count: int = 2, **env_extra: str) -> list[str]:
    """Run ``count`` worker processes (``servicetickets worker --once``) on the test database,
    released together once all are set up; return their logs, after checking each exited 0."""
    folder.mkdir(parents=True, exist_ok=True)
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "DATABASE_URL": database_url(), **env_extra}
    module = "tests.security.races.worker_at_once"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", module, str(folder)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        deadline = time.monotonic() + 120  # a guard against a hung start, not a timing check
        while len(list(folder.glob("ready-*"))) < count:
            assert all(p.poll() is None for p in procs), [p.communicate()[0] for p in procs]
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.02)
        (folder / "go").touch()
        logs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [0] * count, logs
    return logs
