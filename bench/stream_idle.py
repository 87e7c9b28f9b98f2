"""What idle live notification streams cost one server process: memory per open stream and
CPU while nothing happens.

On a throwaway database with a few handlers (each with one API token), one uvicorn process
(1 worker, so the process started is the one holding the connections) gets ``--streams`` open
streams, spread over the handlers (several sessions each). The client is this process: raw
asyncio sockets that read and drop what arrives. Figures, all of the serving process:

  RSS before   VmRSS after start-up and one stream per handler opened and closed (warm code)
  RSS after    VmRSS with every stream open and settled
  per stream   (after - before) / streams, in KiB
  CPU          (utime + stime) over a ``--idle-seconds`` window with every stream open and no
               events, as a percentage of one core; the keep-alive comments fall in it

The soft RLIMIT_NOFILE is raised to the hard limit first; the server inherits it (checked).

    .venv/bin/python bench/stream_idle.py [--streams 5000] [--users 10] [--idle-seconds 30]
        [--database-url postgresql://…] [--redis-url redis://…]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass, field

import harness  # bench/ is sys.path[0] when this file runs as a script
import sse

GOAL_KB_PER_STREAM = 20.0
GOAL_CPU_PERCENT = 5.0
SETTLE_SECONDS = 3.0
FILES_PER_STREAM = 1
SPARE_FILES = 200


@dataclass
class Outcome:
    streams: int = 0
    open_seconds: float = 0.0
    rss_start_kb: int = 0
    rss_before_kb: int = 0
    rss_after_kb: int = 0
    rss_closed_kb: int = 0
    hwm_kb: int = 0
    server_cpu_percent: float = 0.0
    client_cpu_percent: float = 0.0
    idle_seconds: float = 0.0
    kept_alive: int = 0
    still_open: int = 0
    server_fds: int = 0
    server_threads: int = 0
    notes: list[str] = field(default_factory=list)


def _status(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


async def measure(server: harness.Server, tokens: list[str], args: argparse.Namespace) -> Outcome:
    outcome = Outcome()
    pid = server.serving_pid()
    outcome.rss_start_kb = harness.rss_kb(pid)
    # Warm the stream's code path (imports, first queries, the hub task) before the baseline.
    warm = await sse.open_many("127.0.0.1", server.port, tokens)
    for stream in warm:
        stream.close()
    await asyncio.sleep(SETTLE_SECONDS)
    outcome.rss_before_kb = harness.rss_kb(pid)

    sessions = [tokens[n % len(tokens)] for n in range(args.streams)]
    began = time.perf_counter()
    streams = await sse.open_many(
        "127.0.0.1", server.port, sessions, concurrency=args.open_concurrency
    )
    outcome.open_seconds = time.perf_counter() - began
    outcome.streams = len(streams)
    readers = [asyncio.create_task(stream.discard()) for stream in streams]
    try:
        await asyncio.sleep(SETTLE_SECONDS)
        outcome.rss_after_kb = harness.rss_kb(pid)
        outcome.server_fds = len(os.listdir(f"/proc/{pid}/fd"))
        outcome.server_threads = _status(pid, "Threads")

        received = [stream.received for stream in streams]
        cpu0, client0, wall0 = harness.cpu_seconds(pid), time.process_time(), time.monotonic()
        await asyncio.sleep(args.idle_seconds)
        cpu1, client1, wall1 = harness.cpu_seconds(pid), time.process_time(), time.monotonic()
        outcome.idle_seconds = wall1 - wall0
        outcome.server_cpu_percent = (cpu1 - cpu0) / outcome.idle_seconds * 100
        outcome.client_cpu_percent = (client1 - client0) / outcome.idle_seconds * 100
        outcome.kept_alive = sum(
            s.received > before for s, before in zip(streams, received, strict=True)
        )
        outcome.still_open = sum(not task.done() for task in readers)
        outcome.hwm_kb = _status(pid, "VmHWM")
    finally:
        for stream in streams:
            stream.close()
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.sleep(SETTLE_SECONDS)
    outcome.rss_closed_kb = harness.rss_kb(pid)
    return outcome


def run(args: argparse.Namespace) -> tuple[Outcome, str]:
    wanted = args.streams * FILES_PER_STREAM + SPARE_FILES
    # This process holds the client ends, the server the other ends: both need the room.
    limit = harness.raise_open_files_limit(max(wanted, 20000))
    if limit < wanted:
        raise RuntimeError(f"RLIMIT_NOFILE is {limit}; {wanted} needed for {args.streams} streams")
    with harness.throwaway_database(args.database_url, prefix="st-stream-idle-") as data:
        env = harness.bench_env(
            data_dir=data, database_url=args.database_url, redis_url=args.redis_url
        )
        cast = harness.phase(env, "cast", "--handlers", str(args.users))
        server = harness.Server(env=env, workers=1, log_path=data / "server.log")
        try:
            server.wait_healthy()
            server_limit = harness.open_files_limit(server.serving_pid())
            if server_limit < wanted:
                raise RuntimeError(f"the server's RLIMIT_NOFILE is {server_limit}, not {limit}")
            outcome = asyncio.run(measure(server, cast["handler_tokens"], args))
            outcome.notes.append(f"open-files limit: {limit} here, {server_limit} in the server")
        finally:
            server.stop()
        return outcome, server.log()


def print_report(outcome: Outcome, args: argparse.Namespace, log: str) -> None:
    added_kb = outcome.rss_after_kb - outcome.rss_before_kb
    per_stream = added_kb / outcome.streams if outcome.streams else float("nan")
    rows = [
        ["streams open", str(outcome.streams), "", ""],
        ["time to open them", f"{outcome.open_seconds:.1f} s", "", ""],
        ["server RSS at start", f"{outcome.rss_start_kb / 1024:.1f} MiB", "", ""],
        ["server RSS before (warm)", f"{outcome.rss_before_kb / 1024:.1f} MiB", "", ""],
        ["server RSS with streams", f"{outcome.rss_after_kb / 1024:.1f} MiB", "", ""],
        [
            "memory per stream",
            f"{per_stream:.1f} KiB",
            f"<= {GOAL_KB_PER_STREAM:.0f} KiB",
            "yes" if per_stream <= GOAL_KB_PER_STREAM else "NO",
        ],
        [
            f"server CPU, {outcome.idle_seconds:.0f} s idle",
            f"{outcome.server_cpu_percent:.2f} %",
            f"< {GOAL_CPU_PERCENT:.0f} %",
            "yes" if outcome.server_cpu_percent < GOAL_CPU_PERCENT else "NO",
        ],
        ["client CPU, same window", f"{outcome.client_cpu_percent:.2f} %", "", ""],
        ["streams with a keep-alive in it", str(outcome.kept_alive), "", ""],
        ["streams still open at its end", str(outcome.still_open), "", ""],
        ["server peak RSS (VmHWM)", f"{outcome.hwm_kb / 1024:.1f} MiB", "", ""],
        ["server RSS after closing all", f"{outcome.rss_closed_kb / 1024:.1f} MiB", "", ""],
        ["server open files / threads", f"{outcome.server_fds} / {outcome.server_threads}", "", ""],
    ]
    harness.print_table(["idle streams, one server process", "value", "goal", "met"], rows)
    for note in outcome.notes:
        print(note)
    tracebacks = log.count("Traceback")
    print(f"server log: {tracebacks or 'no'} traceback(s)")
    if tracebacks:
        print(log[log.index("Traceback") :][:3000])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--streams", type=int, default=5000)
    parser.add_argument("--users", type=int, default=10, help="handlers sharing the streams")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--open-concurrency", type=int, default=100)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL to (re)create and drop; default a throwaway SQLite file",
    )
    parser.add_argument(
        "--redis-url", default=None, help="serve with REDIS_URL set (default: without)"
    )
    args = parser.parse_args(argv)

    print(harness.machine_line())
    print(harness.source_line())
    database = "PostgreSQL" if args.database_url else "SQLite"
    redis = f"REDIS_URL={args.redis_url}" if args.redis_url else "no REDIS_URL"
    print(
        f"run: {database}, {redis}, {args.streams} streams from {args.users} users, "
        f"{args.idle_seconds:g} s idle window",
        flush=True,
    )
    outcome, log = run(args)
    print()
    print_report(outcome, args, log)
    print(harness.load_line())
    complete = outcome.streams == args.streams and outcome.still_open == outcome.streams
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
