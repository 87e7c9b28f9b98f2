"""Latency of the four report endpoints over a seeded history, on SQLite and on PostgreSQL.

For each database: migrate, seed N tickets over the last 6 months (``servicetickets seed``,
timed: the tally triggers fire on every insert), then time ``GET /api/v1/reports/*`` with the
default period through Django's test client (routing, token check, JSON included):

- cold: the first request for each report in a fresh process on a fresh connection (after one
  unrelated request, so Django's own start-up is not counted), repeated in ``--cold`` fresh
  processes. The database server's and the OS's caches are not dropped (the machine is
  shared), so on PostgreSQL this is "cold process and connection", not "cold disk";
- warm: ``--runs`` more requests of each report in one process;

as a site admin (every desk), as a desk admin (``desk=`` their desk), and as a site admin over
about 3 months whose first and last days are cut mid-day (so both part-days are aggregated
from the tickets table, not only from the tally). Then it times the same
definitions aggregated directly over the tickets (``reports.scan``: what the tally avoids), and
prints the plan of each report query (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite).

    .venv/bin/python bench/reports.py [--db sqlite|postgres|both] [--tickets 1000000]
        [--runs 20] [--cold 5] [--reuse] [--postgres-url URL]

``--reuse`` keeps the seeded databases between runs (SQLite in /tmp/st-bench-reports-sqlite,
PostgreSQL in the URL's database) and seeds only when they hold fewer than N tickets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import harness  # bench/ is sys.path[0] when this file runs as a script

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/reports_bench"
REUSED_SQLITE = Path(tempfile.gettempdir()) / "st-bench-reports-sqlite"
REPORTS = ("status", "status-by-person", "efficiency", "efficiency-by-person")
ADMIN = "bench_reports_admin"
SEED_TIMEOUT_SECONDS = 3600.0

# --- the child: Django against one database ---------------------------------------------------


def _child_setup() -> dict[str, Any]:
    """Counts, and a site admin's and a desk admin's token."""
    from servicetickets.accounts.models import User
    from servicetickets.accounts.services import token_create
    from servicetickets.desks.models import Desk
    from servicetickets.tickets.models import Ticket

    root, _new = User.objects.get_or_create(
        username=ADMIN, defaults={"is_superuser": True, "name": "Bench admin"}
    )
    desk = Desk.objects.order_by("pk").first()
    admin = desk.admins.order_by("pk").first() if desk else None
    return {
        "window": _window(),
        "tickets": Ticket.objects.count(),
        "desk": desk.pk if desk else None,
        "site_admin": token_create(user=root),
        "desk_admin": token_create(user=admin) if admin else None,
    }


def _window() -> dict[str, str]:
    """About three months ending two days ago, from and to mid-morning/afternoon of weekdays,
    so both part-days hold a working day's tickets that are read from the tickets table."""
    from django.utils import timezone

    def weekday(day: date) -> date:
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    today = timezone.localdate()
    start, end = weekday(today - timedelta(days=90)), weekday(today - timedelta(days=2))
    return {"submitted_from": f"{start}T10:30", "submitted_to": f"{end}T15:30"}


def _client(token: str) -> Any:
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _timed_get(client: Any, report: str, params: dict[str, Any]) -> float:
    began = time.perf_counter()
    response = client.get(f"/api/v1/reports/{report}", params)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{report}: HTTP {response.status_code} {response.content[:300]!r}")
    return elapsed


def _callers(setup: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = [("site admin", setup["site_admin"], {})]
    if setup["desk_admin"]:
        out.append(("desk admin", setup["desk_admin"], {"desk": setup["desk"]}))
    out.append(("3 months", setup["site_admin"], setup["window"]))
    return out


def _child_cold(setup: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    connection.close()  # a new connection, as a new worker process would open
    times: dict[str, float] = {}
    for who, token, params in _callers(setup):
        client = _client(token)
        client.get("/api/v1/desks")  # Django's imports and the token check, not measured
        for report in REPORTS:
            times[f"{who}|{report}"] = _timed_get(client, report, params)
    return times


def _child_warm(setup: dict[str, Any], runs: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {}
    for who, token, params in _callers(setup):
        client = _client(token)
        for report in REPORTS:
            _timed_get(client, report, params)
            times[f"{who}|{report}"] = [_timed_get(client, report, params) for _ in range(runs)]
    return times


def _child_scan(runs: int) -> dict[str, list[float]]:
    """The definitions aggregated over the tickets of the default period, no tally."""
    from django.utils import timezone

    from servicetickets.reports import scan
    from servicetickets.reports.scope import DEFAULT_MONTHS, months_before
    from servicetickets.tickets.models import Ticket

    tickets = Ticket.objects.filter(submitted_at__gte=months_before(timezone.now(), DEFAULT_MONTHS))
    out: dict[str, list[float]] = {}
    for name in ("status_counts", "status_by_person", "efficiency", "efficiency_by_person"):
        function = getattr(scan, name)
        samples = []
        for _ in range(runs):
            began = time.perf_counter()
            function(tickets)
            samples.append((time.perf_counter() - began) * 1000)
        out[name] = samples
    return out


def _child_plans(setup: dict[str, Any]) -> dict[str, str]:
    from django.db import connection
    from django.utils import timezone

    from servicetickets.reports.scope import DEFAULT_MONTHS, ReportScope, months_before
    from servicetickets.reports.selectors import totals_query
    from servicetickets.tickets.periods import parse_period

    start = months_before(timezone.now(), DEFAULT_MONTHS)
    scopes = {"site admin": ReportScope(None, None, start, None)}
    if setup["desk"]:
        scopes["desk admin"] = ReportScope((setup["desk"],), None, start, None)
    window = parse_period(setup["window"]["submitted_from"], setup["window"]["submitted_to"])
    assert window.start is not None
    scopes["3 months"] = ReportScope(None, None, window.start, window.end)
    explain = (
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    plans = {}
    now = timezone.now()
    for who, scope in scopes.items():
        # The efficiency reports' queries: the status ones are the same without overdue_open.
        for people, reports in ((False, "efficiency"), (True, "efficiency by person")):
            sql, values = totals_query(scope, people=people, now=now)
            with connection.cursor() as cursor:
                cursor.execute(explain + sql, values)
                lines = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
            plans[f"{who}: {reports}"] = "\n".join(lines)
    return plans


def child(mode: str, runs: int, setup_file: str | None) -> dict[str, Any]:
    import django

    django.setup()
    if mode == "setup":
        return _child_setup()
    setup = json.loads(Path(setup_file or "").read_text())
    if mode == "cold":
        return _child_cold(setup)
    if mode == "warm":
        return {"warm": _child_warm(setup, runs), "scan": _child_scan(max(1, runs // 4))}
    return _child_plans(setup)


# --- the parent: databases, seeding, children, the report ---------------------------------------


def _run_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [harness.PYTHON, str(Path(__file__).resolve()), "--child", *args],
        env=env,
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        timeout=harness.CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{proc.stderr.strip()[-3000:]}")
    answer: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer


def _seed(env: dict[str, str], tickets: int) -> str:
    began = time.monotonic()
    proc = subprocess.run(
        [harness.PYTHON, "-m", "servicetickets.cli", "seed", "--tickets", str(tickets)],
        env=env,
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        timeout=SEED_TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"seed failed:\n{proc.stderr.strip()[-3000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("Seeded")]
    return lines[-1] if lines else f"seeded in {time.monotonic() - began:.0f} s"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _analyze_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE tickets_ticket")
        conn.execute("VACUUM ANALYZE reports_tally")


def bench_one(database: str, args: argparse.Namespace) -> None:
    url = args.postgres_url if database == "postgres" else None
    if database == "sqlite" and args.reuse:
        data_dir = REUSED_SQLITE
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"st-bench-reports-{database}-"))
    try:
        if url and not args.reuse:
            harness.postgres_recreate(url)
        elif url:
            _ensure_postgres_database(url)
        env = harness.bench_env(data_dir=data_dir, database_url=url)
        harness.migrate(env)
        setup_file = data_dir / "reports-bench-setup.json"
        setup = _run_child(env, "setup")
        if setup["tickets"] < args.tickets:
            print(f"[{database}] seeding {args.tickets - setup['tickets']:,} tickets …", flush=True)
            print(f"[{database}] {_seed(env, args.tickets - setup['tickets'])}", flush=True)
            setup = _run_child(env, "setup")
        if url:
            _analyze_postgres(url)
        setup_file.write_text(json.dumps(setup))
        print(f"[{database}] {setup['tickets']:,} tickets; default period: the last 6 months")
        cold: dict[str, list[float]] = {}
        for _ in range(args.cold):
            for key, ms in _run_child(env, "cold", "--setup", str(setup_file)).items():
                cold.setdefault(key, []).append(ms)
        measured = _run_child(env, "warm", "--runs", str(args.runs), "--setup", str(setup_file))
        _print_table(database, cold, measured["warm"])
        print(f"\n[{database}] without the tally: the same definitions over the tickets (ms)")
        for name, samples in measured["scan"].items():
            print(
                f"[{database}]   {name:22} p50 {statistics.median(samples):8.1f}"
                f"  max {max(samples):8.1f}  ({len(samples)} runs)"
            )
        plans = _run_child(env, "plans", "--setup", str(setup_file))
        for title, plan in plans.items():
            print(f"\n[{database}] plan, {title}:")
            for line in plan.splitlines():
                print(f"    {line}")
    finally:
        if not args.reuse:
            if url:
                try:
                    harness.postgres_recreate(url, drop_only=True)
                except Exception as exc:  # cleanup must not hide the result
                    print(f"warning: could not drop the bench database: {exc}", file=sys.stderr)
            shutil.rmtree(data_dir, ignore_errors=True)


def _ensure_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = harness.postgres_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _print_table(database: str, cold: dict[str, list[float]], warm: dict[str, list[float]]) -> None:
    print(
        f"\n[{database}] {'caller':10} {'report':22} {'cold p50':>9} {'cold max':>9}"
        f" {'warm p50':>9} {'warm p95':>9}   (ms)"
    )
    for key, samples in warm.items():
        who, report = key.split("|")
        c = cold.get(key, [float("nan")])
        print(
            f"[{database}] {who:10} {report:22} {statistics.median(c):9.1f} {max(c):9.1f}"
            f" {percentile(samples, 50):9.1f} {percentile(samples, 95):9.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="warm requests per report")
    parser.add_argument("--cold", type=int, default=5, help="fresh processes for cold figures")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded databases")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--setup", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.runs, args.setup)))
        return 0

    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at start (shared: figures are noisy)"
    )
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    failed = False
    for database in databases:
        if database == "postgres":
            problem = harness.postgres_problem(args.postgres_url)
            if problem:
                print(f"postgres: skipped, PostgreSQL did not answer ({problem})")
                continue
        try:
            bench_one(database, args)
        except Exception as exc:
            failed = True
            print(f"{database}: FAILED: {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
