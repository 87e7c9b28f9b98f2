"""Time and memory of the Excel export (``GET /tickets/export``, ``POST /exports``), on SQLite
and on PostgreSQL.

For each database: migrate a throwaway database, then build (bulk inserts, not timed as part
of the export) N tickets of one ticket type whose form has 30 fields of every kind that takes a
value (a detail table of 2 or 3 rows, images and attachments among them), spread over every state.
Then, each in a fresh child process:

- ``direct``: ``GET /api/v1/tickets/export?type=…`` through Django's test client (routing,
  token check, the count, the whole file) as a site admin and as a handler of the type (whose
  visibility rule is the costlier one); the response is read to its end and thrown away;
- ``job``: ``POST /api/v1/exports?type=…`` and the worker running the job in the same process,
  then the file's download.

Peak memory growth is the process's resident high-water mark (VmHWM, reset through
``/proc/self/clear_refs`` just before) minus its resident size just before the export. Goal
(the issue): 100,000 tickets in at most 30 s, at most 100 MB of growth.

    .venv/bin/python bench/export.py [--db sqlite|postgres|both] [--tickets 100000]
        [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dbbench  # bench/ is sys.path[0] when this file runs as a script
import harness

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/export_bench"
GOAL_SECONDS = 30.0
GOAL_GROWTH_MB = 100.0
VARIANTS = 500
BATCH = 5000
CHILD_TIMEOUT_SECONDS = 1800.0

#: 30 fields: every kind that takes a value, text kinds several times.
FIELDS: list[dict[str, Any]] = [
    *({"key": f"text{i}", "label": f"Text {i}", "kind": "text"} for i in range(1, 8)),
    *({"key": f"notes{i}", "label": f"Notes {i}", "kind": "textarea"} for i in range(1, 4)),
    *({"key": f"count{i}", "label": f"Count {i}", "kind": "number"} for i in range(1, 4)),
    *({"key": f"cost{i}", "label": f"Cost {i}", "kind": "amount"} for i in range(1, 3)),
    *({"key": f"day{i}", "label": f"Day {i}", "kind": "date"} for i in range(1, 4)),
    *({"key": f"when{i}", "label": f"When {i}", "kind": "datetime"} for i in range(1, 3)),
    {"key": "stay", "label": "Stay", "kind": "daterange"},
    {"key": "room", "label": "Room", "kind": "select", "options": ["A", "B", "C"]},
    {"key": "floor", "label": "Floor", "kind": "select", "options": ["1", "2", "3"]},
    {"key": "tools", "label": "Tools", "kind": "multiselect", "options": ["saw", "drill", "tape"]},
    {"key": "phone", "label": "Phone", "kind": "phone"},
    {"key": "mail", "label": "Mail", "kind": "email"},
    {"key": "buddy", "label": "Buddy", "kind": "member"},
    {"key": "photos", "label": "Photos", "kind": "image"},
    {"key": "files", "label": "Files", "kind": "file"},
    {
        "key": "parts",
        "label": "Parts",
        "kind": "table",
        "columns": [
            {"key": "part", "label": "Part", "kind": "text"},
            {"key": "qty", "label": "Qty", "kind": "number"},
        ],
    },
]
WORDS = "printer toner paper jam desk chair screen cable lamp door key badge =SUM(A1) +1 -2 @x"


# --- the child: Django against one database ---------------------------------------------------


def _value(field: dict[str, Any], rng: random.Random, uploads: list[str], today: date) -> Any:
    kind = field["kind"]
    words = WORDS.split()
    if kind == "text":
        return " ".join(rng.sample(words, 3))
    if kind == "textarea":
        return "\n".join(" ".join(rng.sample(words, 6)) for _ in range(rng.randint(1, 3)))
    if kind == "number":
        return rng.randint(-50, 5000)
    if kind == "amount":
        return round(rng.uniform(0, 10000), 2)
    if kind == "date":
        return (today - timedelta(days=rng.randint(0, 400))).isoformat()
    if kind == "datetime":
        return datetime(2026, 1, 1, 9, tzinfo=UTC).isoformat()
    if kind == "daterange":
        start = today - timedelta(days=rng.randint(0, 100))
        return [start.isoformat(), (start + timedelta(days=rng.randint(0, 9))).isoformat()]
    if kind == "select":
        return rng.choice(field["options"])
    if kind == "multiselect":
        return rng.sample(field["options"], 2)
    if kind == "phone":
        return f"+86 10 {rng.randint(1000000, 9999999)}"
    if kind == "email":
        return f"person{rng.randint(1, 999)}@example.com"
    if kind == "member":
        return "bench_handler"
    if kind in ("image", "file"):
        return rng.sample(uploads, rng.randint(1, 2))
    return [{"part": rng.choice(words), "qty": rng.randint(1, 9)} for _ in range(rng.randint(2, 3))]


def child_build(tickets: int) -> dict[str, Any]:
    """A desk, a handler, a site admin, the type, uploads and ``tickets`` tickets (bulk)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from servicetickets.accounts.models import User
    from servicetickets.accounts.services import token_create
    from servicetickets.desks.services import desk_create
    from servicetickets.ops import bulk
    from servicetickets.tickets.models import Ticket
    from servicetickets.tickettypes.services import type_create, type_publish
    from servicetickets.uploads.models import Upload

    rng = random.Random(7)
    root = User.objects.create(username="bench_root", name="Root", is_superuser=True)
    handler = User.objects.create(username="bench_handler", name="Hank")
    requesters = User.objects.bulk_create(
        [User(username=f"bench_user{i}", name=f"User {i}") for i in range(50)]
    )
    desk = desk_create(code="BX", name="Bench")
    kind = type_create(desk=desk, name="Bench", description="", fields=FIELDS, handlers=[handler])
    type_publish(kind=kind)
    uploads = Upload.objects.bulk_create(
        [
            Upload(
                uploader=handler,
                name=f"photo-{i}.png",
                size=100,
                content_type="image/png",
                stored_name=f"bench{i}",
            )
            for i in range(1000)
        ]
    )
    ids = [str(u.pk) for u in uploads]
    today = timezone.localdate()
    variants = [
        bulk.json_value(Ticket, "data", {f["key"]: _value(f, rng, ids, today) for f in FIELDS})
        for _ in range(VARIANTS)
    ]
    columns = (
        "number", "desk_id", "ticket_type_id", "form_version", "title", "data", "state",
        "resolution", "requester_id", "assignee_id", "processed_by_id", "submitted_at",
        "accepted_at", "processed_at", "closed_at", "return_count", "rating",
    )  # fmt: skip
    inserter = bulk.Inserter(Ticket, columns)
    stamp = bulk.stamper()
    start = time.time() - 180 * 86400
    began = time.monotonic()
    for first in range(0, tickets, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, tickets)):
            submitted = start + n * (180 * 86400 / tickets)
            state = rng.choice(("pending", "processing", "to_confirm", "closed", "closed"))
            accepted = submitted + rng.uniform(60, 86400) if state != "pending" else None
            processed = (
                accepted + rng.uniform(60, 3 * 86400)
                if accepted and state in ("to_confirm", "closed")
                else None
            )
            closed = processed + 3600 if processed and state == "closed" else None
            rows.append(
                (
                    f"BX-{n + 1:06d}", desk.pk, kind.pk, 1, f"Ticket {n + 1}",
                    rng.choice(variants), state, "resolved" if closed else "",
                    rng.choice(requesters).pk, handler.pk if accepted else None,
                    handler.pk if processed else None, stamp(submitted), stamp(accepted),
                    stamp(processed), stamp(closed), 0, rng.randint(1, 5) if closed else None,
                )
            )  # fmt: skip
        with transaction.atomic():
            inserter.insert(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
    return {
        "type": kind.pk,
        "tickets": Ticket.objects.count(),
        "built_seconds": time.monotonic() - began,
        "site_admin": token_create(user=root),
        "handler": token_create(user=handler),
    }


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def _measured(run: Any) -> dict[str, Any]:
    """Run ``run()``; its time and the growth of the resident high-water mark."""
    import gc

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
    before = _rss_kb("VmRSS")
    began = time.perf_counter()
    extra = run()
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "growth_mb": (_rss_kb("VmHWM") - before) / 1024, **extra}


def _drain(response: Any, path: Path) -> dict[str, Any]:
    """Save the response body (in pieces, never whole in memory); its size."""
    size = 0
    with path.open("wb") as out:
        for piece in response.streaming_content:
            size += len(piece)
            out.write(piece)
    return {"mb": size / 1e6}


def _rows_in(path: Path) -> list[int]:
    """Rows of each sheet, counted in the XML (titles included)."""
    counts = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(n for n in book.namelist() if n.startswith("xl/worksheets/")):
            count, tail = 0, b""
            with book.open(name) as sheet:
                while piece := sheet.read(1 << 20):
                    count += (tail + piece).count(b"<row ")
                    tail = piece[-4:]
            counts.append(count)
    return counts


def child_direct(setup: dict[str, Any], who: str, out: str) -> dict[str, Any]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {setup[who]}")
    client.get("/api/v1/desks")  # imports and the first connection, not measured

    def run() -> dict[str, Any]:
        r = client.get("/api/v1/tickets/export", {"type": setup["type"]})
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.content[:300]!r}")
        return _drain(r, Path(out))

    result = _measured(run)
    result["rows"] = _rows_in(Path(out))
    return result


def child_job(setup: dict[str, Any], out: str) -> dict[str, Any]:
    from django.test import Client

    from servicetickets.ops import worker

    client = Client(HTTP_AUTHORIZATION=f"Bearer {setup['site_admin']}")
    client.get("/api/v1/desks")

    def run() -> dict[str, Any]:
        r = client.post(f"/api/v1/exports?type={setup['type']}")
        if r.status_code != 202:
            raise RuntimeError(f"HTTP {r.status_code}: {r.content[:300]!r}")
        export_id = r.json()["id"]
        worker.run_tasks()
        state = client.get(f"/api/v1/exports/{export_id}").json()
        if state["state"] != "done":
            raise RuntimeError(f"export {state}")
        return {"export": state, **_drain(client.get(state["file"]), Path(out))}

    result = _measured(run)
    result["rows"] = _rows_in(Path(out))
    return result


def child(args: argparse.Namespace) -> dict[str, Any]:
    if args.child == "build":
        return child_build(args.tickets)
    setup = json.loads(Path(args.setup).read_text())
    if args.child == "job":
        return child_job(setup, args.out)
    return child_direct(setup, args.child, args.out)


# --- the parent ---------------------------------------------------------------------------------


def _run_child(env: dict[str, str], *args: str) -> dict[str, Any]:
    return dbbench.run_child(__file__, env, *args, timeout=CHILD_TIMEOUT_SECONDS)


def bench_one(database: str, args: argparse.Namespace) -> bool:
    url = args.postgres_url if database == "postgres" else None
    with harness.throwaway_database(url, prefix=f"st-bench-export-{database}-") as data_dir:
        env = harness.bench_env(data_dir=data_dir, database_url=url)
        setup = _run_child(env, "build", "--tickets", str(args.tickets))
        setup_file = data_dir / "export-bench-setup.json"
        setup_file.write_text(json.dumps(setup))
        print(
            f"[{database}] built {setup['tickets']:,} tickets of one type with {len(FIELDS)} "
            f"form fields in {setup['built_seconds']:.0f} s"
        )
        ok = True
        out = str(data_dir / "export.xlsx")
        for mode in ("site_admin", "handler", "job"):
            result = _run_child(env, mode, "--setup", str(setup_file), "--out", out)
            within = result["seconds"] <= GOAL_SECONDS and result["growth_mb"] <= GOAL_GROWTH_MB
            ok = ok and within
            label = {"site_admin": "direct, site admin", "handler": "direct, handler"}.get(
                mode, "background job + download"
            )
            print(
                f"[{database}] {label:26} {result['seconds']:6.1f} s  "
                f"peak growth {result['growth_mb']:6.1f} MB  file {result['mb']:5.1f} MB  "
                f"rows per sheet {result['rows']}  {'ok' if within else 'OVER THE GOAL'}"
            )
        return ok


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    args = dbbench.parse_args(__doc__, argv, postgres_url=DEFAULT_POSTGRES_URL, options=_options)
    if dbbench.answer_as_child(args, lambda: child(args)):
        return 0
    print(harness.machine_line())
    print(harness.source_line())
    print(f"goal: {GOAL_SECONDS:.0f} s and {GOAL_GROWTH_MB:.0f} MB of peak memory growth")
    return dbbench.each_database(args, lambda database: bench_one(database, args))


if __name__ == "__main__":
    sys.exit(main())
