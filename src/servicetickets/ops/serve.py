"""Serving the ASGI application with uvicorn (live notifications need ASGI)."""

from __future__ import annotations

import os

import uvicorn
from django.db import connections

APPLICATION = "servicetickets.asgi:application"
# Live notification streams stay open; give them this long to end on shutdown.
GRACEFUL_SHUTDOWN_SECONDS = 10


def default_workers() -> int:
    """One process per CPU, at most four: the database, not Python, is the limit beyond that."""
    return max(1, min(4, os.cpu_count() or 1))


def serve(*, host: str, port: int, workers: int = 1) -> None:
    """Run until stopped. Several workers run as separate processes importing the app by name."""
    # Connections opened while preparing belong to this thread; the server opens its own.
    connections.close_all()
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


def public_url(*, host: str, port: int) -> str:
    """The address to open in a browser: a wildcard host is reached through loopback."""
    if host in ("0.0.0.0", "", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"
