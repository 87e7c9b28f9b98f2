"""Real server processes for tests: ``uvicorn servicetickets.asgi:application`` on the test
database (the suite's SQLite file, or its PostgreSQL database), reached over loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.db import connection


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    where = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgresql://{s['USER']}{password}@{where}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``uvicorn servicetickets.asgi:application`` in its own process; its log goes to a file."""

    def __init__(self, log: Path, **env_extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE: the server runs as in production.
        inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env = {
            **inherited,
            "DATABASE_URL": database_url(),
            "DEBUG": "0",
            **env_extra,
        }
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "uvicorn", "servicetickets.asgi:application"),
                    *("--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "off"),
                    # Open streams would otherwise hold the shutdown for uvicorn's grace period.
                    *("--timeout-graceful-shutdown", "1"),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"server did not start: {self.log.read_text()}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
