"""Serving the ASGI application with uvicorn (live notifications need ASGI)."""

from __future__ import annotations

import os
import signal

import uvicorn
from django.db import connections

from servicetickets.ops import worker

APPLICATION = "servicetickets.asgi:application"
# Live notification streams stay open; give them this long to end on shutdown.
GRACEFUL_SHUTDOWN_SECONDS = 10


def default_workers() -> int:
    """One process per CPU, at most four: the database, not Python, is the limit beyond that."""
    return max(1, min(4, os.cpu_count() or 1))


def serve(*, host: str, port: int, workers: int = 1, background: bool = True) -> None:
    """Run until stopped. Several workers run as separate processes importing the app by name.

    With ``background`` (the default), this process also runs the background jobs (outward
    reminders, auto-confirm) in a thread, so nothing else needs starting; deployments that run
    ``servicetickets worker`` apart turn it off (``--no-worker``)."""
    # Connections opened while preparing belong to this thread; the server opens its own.
    connections.close_all()
    background_worker = worker.start_in_thread() if background else None
    # uvicorn restores the handlers it found and raises the signal that stopped it again: with
    # these in place, that stops the worker instead of killing the process mid-job.
    previous = worker.stop_on_signals(background_worker[1]) if background_worker else {}
    try:
        uvicorn.run(
            APPLICATION,
            host=host,
            port=port,
            workers=workers,
            # Django's ASGI handler does not speak the lifespan protocol.
            lifespan="off",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            log_level="info",
        )
    finally:
        if background_worker is not None:
            thread, stop = background_worker
            stop.set()
            # The job at hand ends within its network timeouts; the thread is a daemon anyway.
            thread.join(timeout=GRACEFUL_SHUTDOWN_SECONDS)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def public_url(*, host: str, port: int) -> str:
    """The address to open in a browser: a wildcard host is reached through loopback."""
    if host in ("0.0.0.0", "", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"
