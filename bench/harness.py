"""Throwaway databases, a real uvicorn server, and the Django child processes of the benchmark."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PHASES = Path(__file__).resolve().parent / "phases.py"
PYTHON = sys.executable
SERVER_START_SECONDS = 30.0
SERVER_STOP_SECONDS = 10.0
CHILD_TIMEOUT_SECONDS = 300.0


def bench_env(
    *, data_dir: Path, database_url: str | None, redis_url: str | None = None
) -> dict[str, str]:
    """The environment of the server and of every child: SQLite unless a URL is given, and
    Redis only when asked for (never inherited from the caller's shell)."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    env["SERVICETICKETS_DATA"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "servicetickets.settings"
    env["DEBUG"] = "0"
    return env


def run_child(
    command: list[str], env: dict[str, str], *, timeout: float, what: str
) -> subprocess.CompletedProcess[str]:
    """Run a child process from the repository root; its stderr tail when it fails."""
    proc = subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{proc.stderr.strip()[-3000:]}")
    return proc


def migrate(env: dict[str, str], *, timeout: float = CHILD_TIMEOUT_SECONDS) -> None:
    run_child(
        [PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env,
        timeout=timeout,
        what="migrate",
    )


def postgres_drop_quietly(url: str) -> None:
    """Drop a bench database after a run; a failure is a warning, never hiding the result."""
    try:
        postgres_recreate(url, drop_only=True)
    except Exception as exc:
        print(f"warning: could not drop {url}: {exc}", file=sys.stderr)


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
        self.workers = workers
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

    def serving_pid(self) -> int:
        """The process that holds the connections: uvicorn itself with one worker, else the
        only worker it spawned."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        if self.workers == 1 or not pids:
            return self.proc.pid
        if len(pids) != 1:
            raise RuntimeError(f"{len(pids)} worker processes; measure them one by one")
        return pids[0]

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


# --- throwaway databases, process figures and tables (the stream benchmarks) ---------------


@contextlib.contextmanager
def throwaway_database(database_url: str | None, *, prefix: str) -> Iterator[Path]:
    """A fresh data folder (and, for a PostgreSQL URL, a freshly created database of that
    name), migrated; both are removed on the way out."""
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        if database_url:
            postgres_recreate(database_url)
        migrate(bench_env(data_dir=data_dir, database_url=database_url))
        yield data_dir
    finally:
        if database_url:
            try:
                postgres_recreate(database_url, drop_only=True)
            except Exception as exc:  # cleanup must not hide the result
                print(f"warning: could not drop the bench database: {exc}", file=sys.stderr)
        shutil.rmtree(data_dir, ignore_errors=True)


def raise_open_files_limit(wanted: int) -> int:
    """Lift this process's soft RLIMIT_NOFILE towards ``wanted`` (children started afterwards,
    the server included, inherit it); returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def open_files_limit(pid: int) -> int:
    """The soft 'Max open files' of a running process, as the kernel sees it."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise RuntimeError(f"no open-files limit for process {pid}")


def rss_kb(pid: int) -> int:
    """Resident memory (VmRSS) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (already sorted)."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(p / 100 * len(values) + 0.5)))
    return values[rank - 1]


def machine_line() -> str:
    return (
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )


def load_line() -> str:
    """The machine is shared: say how busy it was when a run ended."""
    one, five, _fifteen = os.getloadavg()
    return f"load average at the end: {one:.2f} (1 min), {five:.2f} (5 min)"


def print_table(columns: list[str], rows: list[list[str]]) -> None:
    """Right-aligned columns, the first one left-aligned."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    print(line(columns))
    for row in rows:
        print(line(row))


WATCHED = (
    "src/servicetickets/notifications",
    "src/servicetickets/ops",
    "src/servicetickets/asgi.py",
)
"""The code the stream benchmarks measure, for ``source_line``."""


def source_line() -> str:
    """Which code was measured: the commit, and the files changed on top of it that matter."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", *WATCHED],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "source: not a git checkout"
    files = [line[3:] for line in changed if line.strip()]
    extra = f"; changed on top: {', '.join(files)}" if files else ""
    if os.environ.get("PYTHONPATH"):
        extra += f"; PYTHONPATH={os.environ['PYTHONPATH']} (may shadow the checkout)"
    return f"source: {commit}{extra}"


def redis_problem(url: str) -> str | None:
    """Why Redis cannot be used, or None when it answers."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None
