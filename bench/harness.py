"""Throwaway databases, a real uvicorn server, and the Django child processes of the benchmark."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PHASES = Path(__file__).resolve().parent / "phases.py"
PYTHON = sys.executable
SERVER_START_SECONDS = 30.0
SERVER_STOP_SECONDS = 10.0
CHILD_TIMEOUT_SECONDS = 300.0


def bench_env(*, data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of the server and of every child: SQLite unless a URL is given."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["SERVICETICKETS_DATA"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "servicetickets.settings"
    env["DEBUG"] = "0"
    return env


def migrate(env: dict[str, str]) -> None:
    proc = subprocess.run(
        [PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{proc.stderr.strip()}")


def phase(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``bench/phases.py`` with ``env``; return the JSON it prints last."""
    proc = subprocess.run(
        [PYTHON, str(PHASES), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"phase {args[0]} failed:\n{proc.stderr.strip()}")
    answer: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer


def postgres_admin_url(url: str) -> tuple[str, str]:
    """The maintenance connection string and the bench database's name."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    name = str(params.get("dbname") or "st_bench")
    params["dbname"] = "postgres"
    params.setdefault("connect_timeout", "3")
    return make_conninfo("", **params), name


def postgres_recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    admin, name = postgres_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A uvicorn process of our own, in its own process group, logging to a file."""

    def __init__(self, *, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "uvicorn",
                "servicetickets.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=log_path.parent,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                response = httpx.get(f"{self.base_url}/healthz", timeout=2)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after {SERVER_START_SECONDS:.0f} s ({last})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=SERVER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                # The group is ours: the supervisor and the workers it spawned.
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=SERVER_STOP_SECONDS)
        self._log.close()

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    try:
        import psycopg

        admin, _name = postgres_admin_url(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None
