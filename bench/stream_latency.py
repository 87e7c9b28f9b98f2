"""Latency of the live notification stream: from a ticket's submit response to its
``new_ticket`` event arriving at the handlers' open streams.

Two scenarios, each on a throwaway database with a desk, one published type, a few handlers
(one open stream each) and a requester:

  single  one uvicorn process (1 worker): streams and submits on the same process;
  cross   two uvicorn processes, both with REDIS_URL: streams on A, submits to B, so the event
          must travel from B's transaction to A's hub.

The requester submits ``--tickets`` tickets one after another (the next one starts at a random,
Poisson-spaced moment ``--rate`` per second on average, or as soon as the previous answer is
in, whichever is later: the spacing keeps the submits from falling into step with a polling
interval). Every (ticket, handler) pair is one delivery; its latency is the event's arrival
minus the moment the submit's response was read, both on ``time.perf_counter`` in this one
process. A negative figure means the event arrived before the response did.

    .venv/bin/python bench/stream_latency.py [--scenario single|cross|both] [--tickets 1000]
        [--handlers 3] [--rate 20] [--database-url postgresql://…] [--redis-url redis://…]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import harness  # bench/ is sys.path[0] when this file runs as a script
import httpx
import sse

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
GOALS_MS = {"single": 100.0, "cross": 250.0}
WARMUP_TICKETS = 5
STRAGGLER_SECONDS = 5.0
REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass
class Outcome:
    scenario: str
    submits: int = 0
    from_response_ms: list[float] = field(default_factory=list)
    from_request_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    missing: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    server_logs: list[str] = field(default_factory=list)


async def _listen(stream: sse.Stream, arrivals: dict[int, float], changed: asyncio.Event) -> None:
    async for event in stream.events():
        if event.kind == "new_ticket":
            arrivals.setdefault(int(event.json()["ticket_id"]), event.at)
            changed.set()


async def _wait_for(
    ticket_ids: list[int],
    arrivals: list[dict[int, float]],
    changed: asyncio.Event,
    timeout: float,
) -> None:
    deadline = time.monotonic() + timeout
    while any(t not in seen for seen in arrivals for t in ticket_ids):
        left = deadline - time.monotonic()
        if left <= 0:
            return
        changed.clear()
        try:
            await asyncio.wait_for(changed.wait(), left)
        except TimeoutError:
            return


async def measure(
    *,
    scenario: str,
    stream_server: harness.Server,
    submit_server: harness.Server,
    cast: dict[str, Any],
    tickets: int,
    rate: float,
) -> Outcome:
    outcome = Outcome(scenario)
    tokens: list[str] = cast["handler_tokens"]
    streams = await sse.open_many("127.0.0.1", stream_server.port, tokens)
    arrivals: list[dict[int, float]] = [{} for _ in streams]
    changed = asyncio.Event()
    listeners = [
        asyncio.create_task(_listen(s, seen, changed))
        for s, seen in zip(streams, arrivals, strict=True)
    ]
    headers = {"Authorization": f"Bearer {cast['requester_token']}"}
    path = f"/api/v1/types/{cast['type_id']}/tickets"
    sent: list[tuple[int, float, float]] = []  # ticket id, request start, response read
    rng = random.Random(3)
    try:
        async with httpx.AsyncClient(
            base_url=submit_server.base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
        ) as http:
            # Warm both servers' code paths (imports, first queries) before measuring.
            warm: list[int] = []
            for n in range(WARMUP_TICKETS):
                response = await http.post(path, json={"data": {"summary": f"Warm-up {n}"}})
                response.raise_for_status()
                warm.append(int(response.json()["id"]))
            await _wait_for(warm, arrivals, changed, STRAGGLER_SECONDS)
            began = time.perf_counter()
            due = began
            for n in range(tickets):
                due += rng.expovariate(rate)
                pause = due - time.perf_counter()
                if pause > 0:
                    await asyncio.sleep(pause)
                start = time.perf_counter()
                response = await http.post(path, json={"data": {"summary": f"Latency {n}"}})
                done = time.perf_counter()
                if response.status_code != 201:
                    outcome.errors.append(f"submit {response.status_code}: {response.text[:200]}")
                    continue
                sent.append((int(response.json()["id"]), start, done))
                outcome.submit_ms.append((done - start) * 1000)
            outcome.seconds = time.perf_counter() - began
        await _wait_for([t for t, _s, _d in sent], arrivals, changed, STRAGGLER_SECONDS)
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        for stream in streams:
            stream.close()
    outcome.submits = len(sent)
    for seen in arrivals:
        for ticket_id, start, done in sent:
            at = seen.get(ticket_id)
            if at is None:
                outcome.missing += 1
                continue
            outcome.from_response_ms.append((at - done) * 1000)
            outcome.from_request_ms.append((at - start) * 1000)
    return outcome


def run_scenario(scenario: str, args: argparse.Namespace) -> Outcome:
    servers: list[harness.Server] = []
    with harness.throwaway_database(args.database_url, prefix=f"st-stream-{scenario}-") as data:
        env = harness.bench_env(
            data_dir=data,
            database_url=args.database_url,
            redis_url=args.redis_url if scenario == "cross" else None,
        )
        cast = harness.phase(env, "cast", "--handlers", str(args.handlers))
        try:
            for name in ("a", "b") if scenario == "cross" else ("a",):
                server = harness.Server(env=env, workers=1, log_path=data / f"server-{name}.log")
                servers.append(server)
            for server in servers:
                server.wait_healthy()
            outcome = asyncio.run(
                measure(
                    scenario=scenario,
                    stream_server=servers[0],
                    submit_server=servers[-1],
                    cast=cast,
                    tickets=args.tickets,
                    rate=args.rate,
                )
            )
        finally:
            for server in servers:
                server.stop()
        outcome.server_logs = [server.log() for server in servers]
        return outcome


COLUMNS = [
    "scenario",
    "submits",
    "deliveries",
    "missing",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "min ms",
    "goal p99",
    "met",
]


def table_rows(outcome: Outcome) -> list[list[str]]:
    rows = []
    goal = GOALS_MS[outcome.scenario]
    for label, values in (
        ("from response", outcome.from_response_ms),
        ("from request", outcome.from_request_ms),
    ):
        lat = sorted(values)
        p99 = harness.percentile(lat, 99)
        met = "yes" if lat and p99 <= goal and not outcome.missing else "NO"
        rows.append(
            [
                f"{outcome.scenario}, {label}",
                str(outcome.submits),
                str(len(lat)),
                str(outcome.missing),
                f"{harness.percentile(lat, 50):.1f}",
                f"{harness.percentile(lat, 95):.1f}",
                f"{p99:.1f}",
                f"{lat[-1]:.1f}" if lat else "-",
                f"{lat[0]:.1f}" if lat else "-",
                f"{goal:.0f}" if label == "from response" else "",
                met if label == "from response" else "",
            ]
        )
    return rows


def print_details(outcome: Outcome) -> None:
    submit = sorted(outcome.submit_ms)
    name = outcome.scenario
    print(
        f"[{name}] {outcome.submits} submits in {outcome.seconds:.1f} s; submit answered in "
        f"p50 {harness.percentile(submit, 50):.1f} ms, p99 {harness.percentile(submit, 99):.1f} ms"
    )
    for error in outcome.errors[:5]:
        print(f"[{name}] {error}")
    if len(outcome.errors) > 5:
        print(f"[{name}] … and {len(outcome.errors) - 5} more errors")
    tracebacks = sum(log.count("Traceback") for log in outcome.server_logs)
    print(f"[{name}] server logs: {tracebacks or 'no'} traceback(s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=("single", "cross", "both"), default="both")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--handlers", type=int, default=3, help="open streams (default 3)")
    parser.add_argument("--rate", type=float, default=20.0, help="submits per second (mean)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL to (re)create and drop; default a throwaway SQLite file",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="for the cross scenario")
    args = parser.parse_args(argv)

    print(harness.machine_line())
    print(harness.source_line())
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"run: {database}, {args.tickets} sequential submits (~{args.rate:g}/s), "
        f"{args.handlers} handlers with one open stream each"
    )
    scenarios = ["single", "cross"] if args.scenario == "both" else [args.scenario]
    outcomes: list[Outcome] = []
    failed = False
    for scenario in scenarios:
        if scenario == "cross":
            problem = harness.redis_problem(args.redis_url)
            if problem:
                print(f"cross: skipped, Redis did not answer ({problem})")
                continue
        print(f"{scenario}: running …", flush=True)
        try:
            outcomes.append(run_scenario(scenario, args))
        except Exception as exc:
            failed = True
            print(f"{scenario}: FAILED: {type(exc).__name__}: {exc}")
    if outcomes:
        print("\nlatency of new_ticket events (ms; 'from response' is the goal's measure)")
        harness.print_table(COLUMNS, [row for o in outcomes for row in table_rows(o)])
        print()
        for outcome in outcomes:
            print_details(outcome)
    print(harness.load_line())
    broken = any(o.errors or o.missing for o in outcomes)
    return 1 if failed or broken else 0


if __name__ == "__main__":
    sys.exit(main())
