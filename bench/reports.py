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
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dbbench  # bench/ is sys.path[0] when this file runs as a script
import harness

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/reports_bench"
REUSED_SQLITE = Path(tempfile.gettempdir()) / "st-bench-reports-sqlite"
REPORTS = ("status", "status-by-person", "efficiency", "efficiency-by-person")
ADMIN = "bench_reports_admin"

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
    plans = {}
    now = timezone.now()
    for who, scope in scopes.items():
        # The efficiency reports' queries: the status ones are the same without overdue_open.
        for people, reports in ((False, "efficiency"), (True, "efficiency by person")):
            sql, values = totals_query(scope, people=people, now=now)
            plans[f"{who}: {reports}"] = dbbench.explain(sql, values)
    return plans


def child(mode: str, runs: int, setup_file: str | None) -> dict[str, Any]:
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
    return dbbench.run_child(__file__, env, *args)


def percentile(values: list[float], p: float) -> float:
    return harness.percentile(sorted(values), p)


def bench_one(database: str, args: argparse.Namespace) -> bool:
    url = args.postgres_url if database == "postgres" else None
    with dbbench.data_folder(
        reuse=args.reuse and database == "sqlite",
        kept=REUSED_SQLITE,
        prefix=f"st-bench-reports-{database}-",
        url=None if args.reuse else url,
    ) as data_dir:
        if url and args.reuse:
            dbbench.postgres_ensure(url)
        env = harness.bench_env(data_dir=data_dir, database_url=url)
        harness.migrate(env)
        setup_file = data_dir / "reports-bench-setup.json"
        setup = _run_child(env, "setup")
        if dbbench.seed_up_to(env, database, setup["tickets"], args.tickets):
            setup = _run_child(env, "setup")
        if url:
            dbbench.postgres_analyze(url, ("tickets_ticket", "reports_tally"))
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
        dbbench.print_plans(database, _run_child(env, "plans", "--setup", str(setup_file)))
    return True


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


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="warm requests per report")
    parser.add_argument("--cold", type=int, default=5, help="fresh processes for cold figures")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded databases")


def main(argv: list[str] | None = None) -> int:
    args = dbbench.parse_args(__doc__, argv, postgres_url=DEFAULT_POSTGRES_URL, options=_options)
    if dbbench.answer_as_child(args, lambda: child(args.child, args.runs, args.setup)):
        return 0
    print(harness.machine_line() + " (shared: figures are noisy)")
    return dbbench.each_database(args, lambda database: bench_one(database, args))


if __name__ == "__main__":
    sys.exit(main())
