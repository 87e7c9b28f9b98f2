"""What the database benchmarks (``reports.py``, ``ticket_list.py``, ``export.py``) share: their
command line, the loop over SQLite and PostgreSQL, the child processes that run Django, the
seeded databases they may keep between runs (``--reuse``), and the query plans they print.

Each script runs as a parent that prepares databases and starts itself again with ``--child
MODE`` (Django set up in a fresh process, answering one JSON line), so that every figure comes
from a process of its own. The generic parts (servers, percentiles, tables) are in
``harness``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import harness  # bench/ is sys.path[0] when a benchmark runs as a script

SEED_TIMEOUT_SECONDS = 3600.0
DATABASES = ("sqlite", "postgres")


def parse_args(
    doc: str | None,
    argv: list[str] | None,
    *,
    postgres_url: str,
    options: Callable[[argparse.ArgumentParser], None],
) -> argparse.Namespace:
    """``--db``, the script's own ``options``, ``--postgres-url``, and the hidden ``--child``
    and ``--setup`` of the child processes."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--db", choices=(*DATABASES, "both"), default="both")
    options(parser)
    parser.add_argument("--postgres-url", default=postgres_url)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--setup", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def answer_as_child(args: argparse.Namespace, child: Callable[[], dict[str, Any]]) -> bool:
    """In a child process (``--child``): set Django up, print ``child()``'s answer as the JSON
    line the parent reads, and return True."""
    if args.child is None:
        return False
    import django

    django.setup()
    print(json.dumps(child()))
    return True


def each_database(
    args: argparse.Namespace, bench: Callable[[str], bool], *, load_line: bool = False
) -> int:
    """Run ``bench(database)`` for each database of ``--db`` (PostgreSQL only if it answers);
    a failure is printed and the others still run. The exit status: 1 if any failed or
    missed its goal (``bench`` returned False)."""
    failed = False
    for database in DATABASES if args.db == "both" else (args.db,):
        if database == "postgres":
            problem = harness.postgres_problem(args.postgres_url)
            if problem:
                print(f"postgres: skipped, PostgreSQL did not answer ({problem})")
                continue
        try:
            failed = not bench(database) or failed
        except Exception as exc:
            failed = True
            print(f"{database}: FAILED: {exc}")
        if load_line:
            print(harness.load_line())
    return 1 if failed else 0


def run_child(
    script: str, env: dict[str, str], *args: str, timeout: float = harness.CHILD_TIMEOUT_SECONDS
) -> dict[str, Any]:
    """Run ``script --child *args`` with ``env``; return the JSON line it printed last."""
    return _json_of(
        [harness.PYTHON, str(Path(script).resolve()), "--child", *args],
        env,
        timeout,
        f"child {args[0]}",
    )


def _json_of(command: list[str], env: dict[str, str], timeout: float, what: str) -> Any:
    proc = harness.run_child(command, env, timeout=timeout, what=what)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def seed(env: dict[str, str], tickets: int) -> str:
    """``servicetickets seed --tickets N``; its closing line (time and rate)."""
    began = time.monotonic()
    command = [harness.PYTHON, "-m", "servicetickets.cli", "seed", "--tickets", str(tickets)]
    proc = harness.run_child(command, env, timeout=SEED_TIMEOUT_SECONDS, what="seed")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("Seeded")]
    return lines[-1] if lines else f"seeded in {time.monotonic() - began:.0f} s"


def seed_up_to(env: dict[str, str], label: str, have: int, wanted: int) -> bool:
    """Seed the tickets missing to reach ``wanted``, saying so; whether it seeded."""
    if have >= wanted:
        return False
    print(f"[{label}] seeding {wanted - have:,} tickets …", flush=True)
    print(f"[{label}] {seed(env, wanted - have)}", flush=True)
    return True


# --- databases kept between runs or thrown away ----------------------------------------------


@contextlib.contextmanager
def data_folder(*, reuse: bool, kept: Path, prefix: str, url: str | None) -> Iterator[Path]:
    """The data folder (and the PostgreSQL database of ``url``) of one benchmark run: with
    ``reuse``, ``kept`` and the database as they are (created when missing, see
    ``postgres_ensure``); else a fresh folder and a freshly created database, both removed on
    the way out."""
    if reuse:
        kept.mkdir(parents=True, exist_ok=True)
        yield kept
        return
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        if url:
            harness.postgres_recreate(url)
        yield data_dir
    finally:
        if url:
            harness.postgres_drop_quietly(url)
        shutil.rmtree(data_dir, ignore_errors=True)


def postgres_exists(url: str) -> bool:
    import psycopg

    admin, name = harness.postgres_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        return found is not None


def postgres_ensure(url: str, *, template: str | None = None) -> bool:
    """Create the database of ``url`` (a copy of ``template``) unless it exists; whether it
    did."""
    import psycopg
    from psycopg import sql

    if postgres_exists(url):
        return False
    admin, name = harness.postgres_admin_url(url)
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(create)
    return True


def postgres_analyze(url: str, tables: Iterable[str] = ()) -> None:
    """``VACUUM ANALYZE`` these tables (all when none), so plans see the seeded rows."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables or ("",):
            conn.execute(f"VACUUM ANALYZE {table}".strip())


# --- query plans ---------------------------------------------------------------------------------


def explain(sql: str, params: Iterable[Any]) -> str:
    """The plan of one statement, as this child's database shows it: EXPLAIN ANALYZE (with
    buffers) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    from django.db import connection

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, list(params))
        return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())


def print_plans(label: str, plans: dict[str, str]) -> None:
    for title, plan in plans.items():
        print(f"\n[{label}] plan, {title}:")
        for line in plan.splitlines():
            print(f"    {line}")
