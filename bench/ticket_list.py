"""Latency of the ticket list (``GET /api/v1/tickets``) at 10,000 and 1,000,000 tickets, on
SQLite and on PostgreSQL, per kind of caller, with the query plans it relies on.

For each database and size: migrate, seed N tickets over the last 6 months (``servicetickets
seed``) unless ``--reuse`` finds them, pick one caller of each kind — a site admin, a desk
admin, a handler of two types, an employee and, where the history has one, a former handler
(acted on tickets of a type they no longer handle) — and time, through Django's test client
(routing, token check, query, JSON of 50 tickets), ``--runs`` requests of each of the queries
below.

The employee is, at each size, the requester (not a handler or desk admin) with the most
tickets. The 1.5-times rule compares the same query at two sizes; an employee of median activity
has 9 to 23 tickets at 10,000, so the 10,000 figure timed a near-empty list while the
1,000,000 one timed a full page — not the same work. The busiest requester fills the 50-row
page of the target's queries at both sizes, so the ratio measures how the query scales.

- the target's "three filters and an ordering" (a full page at both sizes, for every caller):
  ``closed 90 days`` (a desk the caller sees, ``state=closed``, submitted in the last 90 days,
  newest first: many matches, so the count is the hard part), ``… oldest first``,
  ``resolved 90 days`` (a type, ``resolution=resolved``, the last 90 days) and ``type 90 days
  by state`` (a desk, a type, the last 90 days, ordered by state);
- for information: ``open work`` (a type, ``state=processing``, the last 30 days: a short
  list at 10,000), ``closed by number``, ``deep page`` (``closed 90 days`` at page 100: past
  the end at 10,000), ``processor`` (closed tickets a handler worked on), ``search``
  (``q=projector``, a common word), ``search + 2 filters`` (``q=loud noise``, a desk, a
  state), ``search, 2 chars`` (``q=Wi``: no trigram, read by a scan) and ``everything``.

It prints p50 and p95 per query, the 1M p95 over the 10k p95, and for the 1M databases the plan
of each SQL statement of the three-filter queries and the searches (EXPLAIN ANALYZE on
PostgreSQL, EXPLAIN QUERY PLAN on SQLite). The target: three filters and an ordering within
100 ms (PostgreSQL) / 200 ms (SQLite) p95 at 1M, and at most 1.5 times the 10k p95.

    .venv/bin/python bench/ticket_list.py [--db sqlite|postgres|both] [--sizes 10000,1000000]
        [--runs 30] [--reuse] [--postgres-url URL] [--no-plans]

``--reuse`` keeps the seeded databases between runs (SQLite in
/tmp/st-bench-ticket-list-sqlite-N, PostgreSQL in the URL's database with ``_N`` appended)
and seeds only when they hold fewer than N tickets. A missing 1M database is first copied from
the reports benchmark's (``bench/reports.py --reuse``), if that one is there, then migrated.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dbbench  # bench/ is sys.path[0] when this file runs as a script
import harness

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/ticket_list_bench"
REPORTS_SQLITE = Path(tempfile.gettempdir()) / "st-bench-reports-sqlite" / "servicetickets.sqlite3"
REPORTS_POSTGRES = "reports_bench"
ADMIN = "bench_list_admin"
MIGRATE_TIMEOUT_SECONDS = 1800.0
#: Queries whose plans are printed (the others reuse their shapes).
PLANNED = (
    "closed 90 days",
    "resolved 90 days",
    "type 90 days by state",
    "processor",
    "search",
    "search + 2 filters",
)

# --- the child: Django against one database -------------------------------------------------


def _pick_people() -> dict[str, Any]:
    """One caller of each kind, and the desk, type and handler each of them sees."""
    from django.db.models import Count

    from servicetickets.accounts.models import User
    from servicetickets.desks.models import Desk
    from servicetickets.tickets.models import Ticket
    from servicetickets.tickets.visibility import visibility_for
    from servicetickets.tickettypes.models import TicketType

    def busiest_type(**filters: Any) -> TicketType:
        row = (
            Ticket.objects.filter(**filters)
            .values("ticket_type_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        assert row is not None, filters
        return TicketType.objects.get(pk=row["ticket_type_id"])

    root, _new = User.objects.get_or_create(
        username=ADMIN, defaults={"is_superuser": True, "name": "Bench admin"}
    )
    people: dict[str, tuple[User, TicketType]] = {"site admin": (root, busiest_type())}
    desk = Desk.objects.filter(admins__is_active=True).order_by("pk").first()
    if desk is not None:
        admin = desk.admins.filter(is_active=True).order_by("pk").first()
        assert admin is not None
        people["desk admin"] = (admin, busiest_type(desk=desk))
    handlers = (
        User.objects.annotate(n=Count("handled_types"))
        .filter(n__gte=1, is_superuser=False, is_active=True)
        .order_by("pk")
    )
    two = [u for u in handlers if u.n == 2] or list(handlers)
    if two:
        people["handler of 2 types"] = (two[0], busiest_type(ticket_type__handlers=two[0]))
    staff = set(handlers.values_list("pk", flat=True))
    staff |= set(Desk.admins.through.objects.values_list("user_id", flat=True))
    requesters = (
        Ticket.objects.exclude(requester_id__in=staff)
        .filter(requester__is_active=True)
        .values("requester_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    top = requesters.first()
    if top is not None:
        # The busiest requester, at every size: see the module's docstring.
        busiest = User.objects.get(pk=top["requester_id"])
        people["employee"] = (busiest, busiest_type(requester=busiest))
    for user in User.objects.filter(is_superuser=False, is_active=True).order_by("pk"):
        former = visibility_for(user).former
        if former and user.pk not in Desk.admins.through.objects.values_list("user_id", flat=True):
            people["former handler"] = (user, TicketType.objects.get(pk=min(former)))
            break
    out = {}
    for role, (user, kind) in people.items():
        handler = kind.handlers.order_by("pk").first() or user
        out[role] = {
            "user": user.pk,
            "username": user.username,
            "desk": kind.desk_id,
            "type": kind.pk,
            "handler": handler.username,
        }
    return out


def _child_setup() -> dict[str, Any]:
    from servicetickets.accounts.models import User
    from servicetickets.accounts.services import token_create
    from servicetickets.tickets.models import Ticket

    people = _pick_people()
    for who in people.values():
        who["token"] = token_create(user=User.objects.get(pk=who["user"]))
    return {"tickets": Ticket.objects.count(), "people": people}


def queries(who: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The list requests timed for one caller; the first four are the target's "three
    filters and an ordering"."""
    from django.utils import timezone

    today = timezone.localdate()
    month = (today - timedelta(days=30)).isoformat()
    quarter = (today - timedelta(days=90)).isoformat()
    closed = {"desk": who["desk"], "state": "closed", "submitted_from": quarter}
    return {
        "closed 90 days": closed,
        "… oldest first": {**closed, "ordering": "submitted_at"},
        "resolved 90 days": {
            "type": who["type"],
            "resolution": "resolved",
            "submitted_from": quarter,
        },
        "type 90 days by state": {
            "desk": who["desk"],
            "type": who["type"],
            "submitted_from": quarter,
            "ordering": "state",
        },
        "open work": {"type": who["type"], "state": "processing", "submitted_from": month},
        "closed by number": {**closed, "ordering": "number"},
        "deep page": {**closed, "page": 100},
        "processor": {"processor": who["handler"], "state": "closed"},
        "search": {"q": "projector"},
        "search + 2 filters": {"q": "loud noise", "desk": who["desk"], "state": "closed"},
        "search, 2 chars": {"q": "Wi"},
        "everything": {},
    }


#: The target's queries: three filters and an ordering.
TARGET = ("closed 90 days", "… oldest first", "resolved 90 days", "type 90 days by state")


def _client(token: str) -> Any:
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _timed_get(client: Any, params: dict[str, Any]) -> tuple[float, int]:
    began = time.perf_counter()
    response = client.get("/api/v1/tickets", {"page_size": 50, **params})
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{params}: HTTP {response.status_code} {response.content[:300]!r}")
    return elapsed, int(response.json()["count"])


def _child_warm(setup: dict[str, Any], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for role, who in setup["people"].items():
        client = _client(who["token"])
        client.get("/api/v1/desks")  # Django's imports and the token check, not measured
        for name, params in queries(who).items():
            _timed_get(client, params)
            samples = [_timed_get(client, params) for _ in range(runs)]
            out[f"{role}|{name}"] = {"ms": [s[0] for s in samples], "count": samples[0][1]}
    return out


def _child_plans(setup: dict[str, Any]) -> dict[str, str]:
    from servicetickets.accounts.models import User
    from servicetickets.tickets.api import ListQuery, list_filter
    from servicetickets.tickets.listing import list_plan

    plans = {}
    for role, who in setup["people"].items():
        user = User.objects.get(pk=who["user"])
        for name, params in queries(who).items():
            if name not in PLANNED:
                continue
            query = ListQuery(**{k: v for k, v in params.items() if k != "page"})
            plan = list_plan(user, list_filter(query))
            for statement in plan.statements(0, 50):
                explained = dbbench.explain(statement.sql, statement.params)
                plans[f"{role}, {name}, {statement.label}"] = explained
    return plans


def child(mode: str, runs: int, setup_file: str | None) -> dict[str, Any]:
    if mode == "count":
        from servicetickets.tickets.models import Ticket

        return {"tickets": Ticket.objects.count()}
    if mode == "setup":
        return _child_setup()
    setup = json.loads(Path(setup_file or "").read_text())
    if mode == "warm":
        return _child_warm(setup, runs)
    return _child_plans(setup)


# --- the parent: databases, seeding, children, the report -------------------------------------


def _run_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    return dbbench.run_child(__file__, env, *args, timeout=1800.0)


def _with_dbname(url: str, name: str) -> str:
    """The same ``postgresql://`` URL naming another database."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _postgres_url(base: str, size: int) -> str:
    return _with_dbname(base, f"{harness.postgres_admin_url(base)[1]}_{size}")


def _prepare(database: str, size: int, data_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    """The environment of a database holding at least ``size`` tickets, migrated."""
    url = _postgres_url(args.postgres_url, size) if database == "postgres" else None
    copy = size >= 1_000_000 and args.reuse
    if url is not None and args.reuse and not dbbench.postgres_exists(url):
        reports = _with_dbname(url, REPORTS_POSTGRES)
        template = REPORTS_POSTGRES if copy and dbbench.postgres_exists(reports) else None
        print(f"[{database} {size:,}] creating the database (copy of {template})", flush=True)
        dbbench.postgres_ensure(url, template=template)
    elif url is None:
        db_file = data_dir / "servicetickets.sqlite3"
        if copy and not db_file.exists() and REPORTS_SQLITE.exists():
            print(f"[{database} {size:,}] copying {REPORTS_SQLITE}", flush=True)
            shutil.copyfile(REPORTS_SQLITE, db_file)
    env = harness.bench_env(data_dir=data_dir, database_url=url)
    began = time.monotonic()
    harness.migrate(env, timeout=MIGRATE_TIMEOUT_SECONDS)
    print(f"[{database} {size:,}] migrated in {time.monotonic() - began:.0f} s", flush=True)
    have = _run_child(env, "count")["tickets"]
    dbbench.seed_up_to(env, f"{database} {size:,}", have, size)
    if url:
        dbbench.postgres_analyze(url)
    return env


def bench_one(database: str, args: argparse.Namespace) -> bool:
    results: dict[int, dict[str, Any]] = {}
    for size in args.sizes:
        url = _postgres_url(args.postgres_url, size) if database == "postgres" else None
        with dbbench.data_folder(
            reuse=args.reuse,
            kept=Path(tempfile.gettempdir()) / f"st-bench-ticket-list-{database}-{size}",
            prefix=f"st-bench-ticket-list-{database}-",
            url=url,
        ) as data_dir:
            env = _prepare(database, size, data_dir, args)
            setup = _run_child(env, "setup")
            setup_file = data_dir / "ticket-list-bench-setup.json"
            setup_file.write_text(json.dumps(setup))
            who = ", ".join(f"{role}: {p['username']}" for role, p in setup["people"].items())
            print(f"[{database} {size:,}] {setup['tickets']:,} tickets; {who}", flush=True)
            measured = _run_child(env, "warm", "--runs", str(args.runs), "--setup", str(setup_file))
            results[size] = measured
            if args.plans and size == max(args.sizes):
                plans = _run_child(env, "plans", "--setup", str(setup_file))
                dbbench.print_plans(f"{database} {size:,}", plans)
    _print_table(database, results)
    return True


def _print_table(database: str, results: dict[int, dict[str, Any]]) -> None:
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    limit = 100.0 if database == "postgres" else 200.0
    columns = ["caller | query"]
    for size in sizes:
        columns += [f"count {size:,}", f"p50 {size:,}", f"p95 {size:,}"]
    if len(sizes) > 1:
        columns.append("p95 ratio")
    rows = []
    for key in results[large]:
        row = [key.replace("|", " | ")]
        for size in sizes:
            sample = results[size].get(key)
            if sample is None:
                row += ["-", "-", "-"]
                continue
            ordered = sorted(sample["ms"])
            row += [
                f"{sample['count']:,}",
                f"{statistics.median(ordered):.1f}",
                f"{harness.percentile(ordered, 95):.1f}",
            ]
        if len(sizes) > 1 and key in results[small]:
            p95_small = harness.percentile(sorted(results[small][key]["ms"]), 95)
            p95_large = harness.percentile(sorted(results[large][key]["ms"]), 95)
            within = p95_large <= limit and p95_large <= 1.5 * p95_small
            mark = " !" if key.split("|")[1] in TARGET and not within else ""
            row.append(f"{p95_large / p95_small:.2f}{mark}")
        rows.append(row)
    print(f"\n[{database}] ticket list, ms per request (50 tickets a page). Target for three")
    print(f"[{database}] filters and an ordering: p95 at most {limit:.0f} ms at {large:,}, and at")
    print(f"[{database}] most 1.5 times the p95 at {small:,}; ! marks one of them beyond either.")
    print(f"[{database}] The target's queries: {', '.join(TARGET)}; the others for information.")
    harness.print_table(columns, rows)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per query")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded databases")
    parser.add_argument("--no-plans", dest="plans", action="store_false")


def main(argv: list[str] | None = None) -> int:
    args = dbbench.parse_args(__doc__, argv, postgres_url=DEFAULT_POSTGRES_URL, options=_options)
    if dbbench.answer_as_child(args, lambda: child(args.child, args.runs, args.setup)):
        return 0
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    print(harness.machine_line() + " (shared: figures are noisy)")
    return dbbench.each_database(args, lambda database: bench_one(database, args), load_line=True)


if __name__ == "__main__":
    sys.exit(main())
