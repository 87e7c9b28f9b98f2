"""Throughput of claim + complete pairs over the HTTP API, on SQLite and on PostgreSQL.

For each database: migrate a throwaway database, start a real uvicorn server with N workers,
create a desk, a published type, one handler per client (each with an API token), a requester
and the pending tickets; then let the clients (threads, one keep-alive ``httpx.Client`` each)
take ticket ids from a shared queue and POST ``claim`` then ``complete`` for each. Every ticket
is taken exactly once, so any error (a 409 included) is a bug. At the end the database is
checked: every ticket in ``to_confirm`` with exactly one ``claim`` and one ``complete`` entry.

Setup and verification run through Django in child processes (``bench/phases.py``), because
one process can only ``django.setup()`` against one database; ``bench/harness.py`` holds the
database, server and child-process plumbing.

    .venv/bin/python bench/claim_complete.py [--db sqlite|postgres|both] [--tickets 800]
        [--clients 8] [--workers 2] [--max-seconds 30]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import queue
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness  # bench/ is sys.path[0] when this file runs as a script
import httpx

REQUEST_TIMEOUT_SECONDS = 30.0
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/st_bench"


# --- the load --------------------------------------------------------------------------------


@dataclass
class Load:
    pairs: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    samples: dict[str, str] = field(default_factory=dict)
    untaken: list[int] = field(default_factory=list)


def client_loop(
    *,
    base_url: str,
    token: str,
    todo: queue.Queue[int],
    start: threading.Barrier,
    deadline: list[float],
    load: Load,
    lock: threading.Lock,
) -> None:
    latencies: list[float] = []
    errors: collections.Counter[str] = collections.Counter()
    samples: dict[str, str] = {}
    pairs = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS) as http:
        # Warm the connection and the worker's imports before the clock starts.
        http.get("/api/v1/tickets", params={"page_size": 1})
        start.wait()
        while time.monotonic() < deadline[0]:
            try:
                ticket_id = todo.get_nowait()
            except queue.Empty:
                break
            ok = True
            for action, body in (("claim", None), ("complete", {"note": "done"})):
                began = time.perf_counter()
                try:
                    response = http.post(f"/api/v1/tickets/{ticket_id}/{action}", json=body)
                except httpx.HTTPError as exc:
                    key = f"{action} {type(exc).__name__}"
                    errors[key] += 1
                    samples.setdefault(key, str(exc))
                    ok = False
                    break
                latencies.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    key = f"{action} {response.status_code}"
                    errors[key] += 1
                    samples.setdefault(key, response.text[:300])
                    ok = False
                    break
            pairs += ok
    with lock:
        load.pairs += pairs
        load.latencies_ms.extend(latencies)
        load.errors.update(errors)
        for key, text in samples.items():
            load.samples.setdefault(key, text)


def run_load(
    *, base_url: str, tokens: list[str], ticket_ids: list[int], max_seconds: float
) -> Load:
    todo: queue.Queue[int] = queue.Queue()
    for ticket_id in ticket_ids:
        todo.put(ticket_id)
    load = Load()
    lock = threading.Lock()
    deadline = [float("inf")]
    start = threading.Barrier(len(tokens) + 1)
    threads = [
        threading.Thread(
            target=client_loop,
            kwargs={
                "base_url": base_url,
                "token": token,
                "todo": todo,
                "start": start,
                "deadline": deadline,
                "load": load,
                "lock": lock,
            },
            daemon=True,
        )
        for token in tokens
    ]
    for thread in threads:
        thread.start()
    start.wait(timeout=harness.SERVER_START_SECONDS)
    began = time.monotonic()
    deadline[0] = began + max_seconds
    for thread in threads:
        thread.join()
    load.seconds = time.monotonic() - began
    while not todo.empty():
        load.untaken.append(todo.get_nowait())
    return load


# --- one database, end to end -----------------------------------------------------------


@dataclass
class Outcome:
    database: str
    workers: int
    clients: int
    load: Load
    verify: dict[str, Any]
    server_log: str
    setup_seconds: float


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (already sorted)."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(p / 100 * len(values) + 0.5)))
    return values[rank - 1]


def bench_one(database: str, args: argparse.Namespace) -> Outcome:
    data_dir = Path(tempfile.mkdtemp(prefix=f"st-bench-{database}-"))
    url = args.postgres_url if database == "postgres" else None
    server: harness.Server | None = None
    try:
        if url:
            harness.postgres_recreate(url)
        env = harness.bench_env(data_dir=data_dir, database_url=url)
        began = time.monotonic()
        harness.migrate(env)
        prepared = harness.phase(
            env, "prepare", "--clients", str(args.clients), "--tickets", str(args.tickets)
        )
        setup_seconds = time.monotonic() - began
        ticket_ids: list[int] = prepared["ticket_ids"]

        server = harness.Server(env=env, workers=args.workers, log_path=data_dir / "server.log")
        server.wait_healthy()
        load = run_load(
            base_url=server.base_url,
            tokens=prepared["tokens"],
            ticket_ids=ticket_ids,
            max_seconds=args.max_seconds,
        )
        server.stop()
        log = server.log()
        server = None
        untaken = set(load.untaken)
        ids_file = data_dir / "ticket_ids.json"
        split = {
            "taken": [pk for pk in ticket_ids if pk not in untaken],
            "untaken": load.untaken,
        }
        ids_file.write_text(json.dumps(split))
        verify = harness.phase(env, "verify", str(ids_file))
        return Outcome(
            database=database,
            workers=args.workers,
            clients=args.clients,
            load=load,
            verify=verify,
            server_log=log,
            setup_seconds=setup_seconds,
        )
    finally:
        if server is not None:
            server.stop()
        if url:
            harness.postgres_drop_quietly(url)
        shutil.rmtree(data_dir, ignore_errors=True)


# --- report ----------------------------------------------------------------------------------

COLUMNS = (
    "database",
    "workers",
    "clients",
    "pairs",
    "seconds",
    "pairs/s",
    "requests/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
)


def table_row(outcome: Outcome) -> list[str]:
    load = outcome.load
    lat = sorted(load.latencies_ms)
    requests = len(lat)
    seconds = load.seconds or float("nan")
    return [
        outcome.database,
        str(outcome.workers),
        str(outcome.clients),
        str(load.pairs),
        f"{load.seconds:.2f}",
        f"{load.pairs / seconds:.1f}",
        f"{requests / seconds:.1f}",
        f"{percentile(lat, 50):.1f}",
        f"{percentile(lat, 95):.1f}",
        f"{percentile(lat, 99):.1f}",
        str(sum(load.errors.values())),
    ]


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.rjust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    for row in rows:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def server_problems(log: str) -> list[str]:
    """Tracebacks and 'database is locked' lines from the server's output."""
    lines = log.splitlines()
    problems: list[str] = []
    locked = sum("database is locked" in line for line in lines)
    if locked:
        problems.append(f"'database is locked' appears {locked} times in the server log")
    tracebacks = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    if tracebacks:
        problems.append(f"{len(tracebacks)} traceback(s) in the server log; the first:")
        first = tracebacks[0]
        end = next((j for j in tracebacks[1:] if j > first), min(len(lines), first + 60))
        problems.extend("    " + line for line in lines[max(0, first - 2) : end])
    return problems


def print_details(outcome: Outcome) -> None:
    load, verify = outcome.load, outcome.verify
    name = outcome.database
    print(
        f"\n[{name}] setup (migrate, cast, {verify['expected']} tickets): "
        f"{outcome.setup_seconds:.1f} s"
    )
    for key, count in sorted(load.errors.items()):
        print(f"[{name}] error {key}: {count}x, e.g. {load.samples.get(key, '')!r}")
    if load.untaken:
        print(
            f"[{name}] stopped at --max-seconds: {len(load.untaken)} tickets not taken "
            "(checked to be still pending)"
        )
    bad: list[str] = verify["bad"]
    complete = verify["checked"] == verify["expected"] and not bad
    print(
        f"[{name}] verify: {verify['checked']}/{verify['expected']} tickets, "
        f"states {verify['states']}: {'OK' if complete else 'MISMATCH'}"
    )
    for line in bad[:10]:
        print(f"[{name}]   {line}")
    if len(bad) > 10:
        print(f"[{name}]   … and {len(bad) - 10} more")
    problems = server_problems(outcome.server_log)
    if problems:
        for line in problems:
            print(f"[{name}] {line}")
    else:
        print(f"[{name}] server log: no errors")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--tickets", type=int, default=800)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=30.0,
        help="stop taking tickets after this long, per database (default 30)",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)

    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    print(
        f"run: {args.tickets} tickets, {args.clients} clients, {args.workers} uvicorn workers, "
        f"claim + complete per ticket"
    )
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    outcomes: list[Outcome] = []
    failed = False
    for database in databases:
        if database == "postgres":
            problem = harness.postgres_problem(args.postgres_url)
            if problem:
                print(f"postgres: skipped, PostgreSQL did not answer ({problem})")
                continue
        print(f"{database}: running …", flush=True)
        try:
            outcomes.append(bench_one(database, args))
        except Exception as exc:
            failed = True
            print(f"{database}: FAILED: {exc}")
    if outcomes:
        print()
        print_table([table_row(o) for o in outcomes])
        for outcome in outcomes:
            print_details(outcome)
    mismatch = any(
        o.verify["bad"] or o.verify["checked"] != o.verify["expected"] or o.load.errors
        for o in outcomes
    )
    return 1 if failed or mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
