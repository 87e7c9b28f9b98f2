"""Fan-out of one event to many live notification streams: a type with ``--handlers`` handlers,
each with one open stream on one server process; a requester submits one ticket; how long until
every stream has its ``new_ticket`` event.

Arrival times are measured from the moment the submit request was sent (the goal's measure: it
includes the submit itself, which writes one inbox row per handler) and from the moment its
response was read (negative: the event came first), on ``time.perf_counter`` in this one
process (the client: raw asyncio sockets). The submit is
repeated ``--rounds`` times, a pause apart, each round reported on its own line.

    .venv/bin/python bench/stream_fanout.py [--handlers 1000] [--rounds 5]
        [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import harness  # bench/ is sys.path[0] when this file runs as a script
import httpx
import sse

GOAL_MS = 1000.0
ROUND_TIMEOUT_SECONDS = 20.0
PAUSE_SECONDS = 1.0
SPARE_FILES = 200


@dataclass
class Round:
    submit_ms: float
    arrivals_ms: list[float] = field(default_factory=list)  # after the request was sent
    missing: int = 0


class Collector:
    """Arrival times of new_ticket events, by ticket id, across all the streams."""

    def __init__(self) -> None:
        self.by_ticket: dict[int, list[float]] = {}
        self.changed = asyncio.Event()

    async def listen(self, stream: sse.Stream) -> None:
        async for event in stream.events():
            if event.kind == "new_ticket":
                self.by_ticket.setdefault(int(event.json()["ticket_id"]), []).append(event.at)
                self.changed.set()

    async def wait(self, ticket_id: int, count: int, timeout: float) -> list[float]:
        deadline = time.monotonic() + timeout
        while len(self.by_ticket.get(ticket_id, ())) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                break
        return self.by_ticket.get(ticket_id, [])


async def measure(
    server: harness.Server, cast: dict[str, Any], rounds: int
) -> tuple[list[Round], float]:
    tokens: list[str] = cast["handler_tokens"]
    began = time.perf_counter()
    streams = await sse.open_many("127.0.0.1", server.port, tokens)
    open_seconds = time.perf_counter() - began
    collector = Collector()
    listeners = [asyncio.create_task(collector.listen(stream)) for stream in streams]
    results: list[Round] = []
    headers = {"Authorization": f"Bearer {cast['requester_token']}"}
    path = f"/api/v1/types/{cast['type_id']}/tickets"
    try:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=ROUND_TIMEOUT_SECONDS
        ) as http:
            for n in range(rounds):
                await asyncio.sleep(PAUSE_SECONDS)
                start = time.perf_counter()
                response = await http.post(path, json={"data": {"summary": f"Fan-out {n}"}})
                done = time.perf_counter()
                response.raise_for_status()
                ticket_id = int(response.json()["id"])
                arrived = await collector.wait(ticket_id, len(streams), ROUND_TIMEOUT_SECONDS)
                results.append(
                    Round(
                        submit_ms=(done - start) * 1000,
                        arrivals_ms=sorted((at - start) * 1000 for at in arrived),
                        missing=len(streams) - len(arrived),
                    )
                )
    finally:
        for stream in streams:
            stream.close()
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    return results, open_seconds


COLUMNS = [
    "round",
    "submit ms",
    "received",
    "missing",
    "first ms",
    "p50 ms",
    "p95 ms",
    "all ms",
    "p50 after resp",
    "all after resp",
]


def row(label: str, item: Round) -> list[str]:
    lat = item.arrivals_ms
    if not lat:
        return [label, f"{item.submit_ms:.1f}", "0", str(item.missing), *["-"] * 6]
    return [
        label,
        f"{item.submit_ms:.1f}",
        str(len(lat)),
        str(item.missing),
        f"{lat[0]:.1f}",
        f"{harness.percentile(lat, 50):.1f}",
        f"{harness.percentile(lat, 95):.1f}",
        f"{lat[-1]:.1f}",
        f"{harness.percentile(lat, 50) - item.submit_ms:.1f}",
        f"{lat[-1] - item.submit_ms:.1f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--handlers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL to (re)create and drop; default a throwaway SQLite file",
    )
    args = parser.parse_args(argv)

    print(harness.machine_line())
    print(harness.source_line())
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"run: {database}, one server process, {args.handlers} handlers with one open stream "
        f"each, {args.rounds} submits",
        flush=True,
    )
    wanted = args.handlers + SPARE_FILES
    limit = harness.raise_open_files_limit(wanted)
    if limit < wanted:
        print(f"RLIMIT_NOFILE is {limit}; {wanted} needed")
        return 1
    with harness.throwaway_database(args.database_url, prefix="st-stream-fanout-") as data:
        env = harness.bench_env(data_dir=data, database_url=args.database_url)
        cast = harness.phase(env, "cast", "--handlers", str(args.handlers))
        server = harness.Server(env=env, workers=1, log_path=data / "server.log")
        try:
            server.wait_healthy()
            rounds, open_seconds = asyncio.run(measure(server, cast, args.rounds))
        finally:
            server.stop()
        log = server.log()

    print(f"\n{args.handlers} streams opened in {open_seconds:.1f} s")
    print(
        "arrival of one submit's new_ticket event at every stream, in ms after the submit was "
        "sent\n(the last two columns: after its response was read)"
    )
    harness.print_table(COLUMNS, [row(str(n + 1), item) for n, item in enumerate(rounds)])
    worst = max((r.arrivals_ms[-1] for r in rounds if r.arrivals_ms), default=float("nan"))
    missing = sum(r.missing for r in rounds)
    met = missing == 0 and worst <= GOAL_MS
    print(
        f"slowest round: all streams had it after {worst:.1f} ms (goal <= {GOAL_MS:.0f} ms): "
        f"{'met' if met else 'NOT met'}"
    )
    print(harness.load_line())
    tracebacks = log.count("Traceback")
    print(f"server log: {tracebacks or 'no'} traceback(s)")
    if tracebacks:
        print(log[log.index("Traceback") :][:3000])
    return 0 if missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
