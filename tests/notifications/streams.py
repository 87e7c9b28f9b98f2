"""Driving ``/api/v1/notifications/stream`` through the ASGI application directly (no
server): a client that reads events as they arrive."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from django.db import connection

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_create
from servicetickets.asgi import application
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit

WAIT = 5.0  # upper bound for anything to arrive; a passing test never waits this long


class Stream:
    """One request to the ASGI app, read as it arrives; ``close()`` disconnects the client."""

    def __init__(self, path: str, headers: dict[str, str]) -> None:
        self.scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path.partition("?")[0],
            "raw_path": path.partition("?")[0].encode(),
            "query_string": path.partition("?")[2].encode(),
            "root_path": "",
            "headers": [(b"host", b"testserver")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.finished = False
        self._arrived = asyncio.Event()
        self._disconnect = asyncio.Event()
        self._request_sent = False
        self._task: asyncio.Task[None] | None = None

    async def _receive(self) -> dict[str, Any]:
        if not self._request_sent:
            self._request_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._disconnect.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            if not message.get("more_body", False):
                self.finished = True
        self._arrived.set()

    async def __aenter__(self) -> Stream:
        self._task = asyncio.create_task(application(self.scope, self._receive, self._send))
        await self.until(lambda: self.status != 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._disconnect.set()
        assert self._task is not None
        await asyncio.wait_for(self._task, WAIT)

    async def until(self, condition: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not condition():
                if self.finished and not condition():
                    raise AssertionError(f"stream ended early: {self.body!r}")
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(wait(), WAIT)

    def blocks(self) -> list[str]:
        return [b for b in self.body.decode().split("\n\n")[:-1]]

    def events(self) -> list[dict[str, Any]]:
        out = []
        for block in self.blocks():
            fields = dict(line.split(": ", 1) for line in block.split("\n") if line[:1] != ":")
            if fields:
                out.append(
                    {
                        "id": int(fields["id"]),
                        "event": fields["event"],
                        "data": json.loads(fields["data"]),
                    }
                )
        return out

    def heartbeats(self) -> int:
        return sum(1 for b in self.blocks() if b == ": keep-alive")

    async def next_heartbeat(self) -> None:
        """Wait for a heartbeat after everything received so far (the stream is then idle)."""
        seen = self.heartbeats()
        await self.until(lambda: self.heartbeats() > seen)


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_create(user=user)}"}


def run(coro: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(coro())  # type: ignore[arg-type]


def submit_and_release(people: People) -> Ticket:
    """Submit a ticket from a worker thread, giving that thread's connection back after."""
    try:
        return submit(people.ticket_type, people.requester)
    finally:
        connection.close()


def ids_of(user: User) -> list[int]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("pk", flat=True)
    )
