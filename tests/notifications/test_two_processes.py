"""Live reminders across real server processes: two uvicorn processes on one database and one
Redis. A ticket submitted to one process reaches a stream held by the other through the broker;
a killed process loses nothing (the client reconnects and replays); Redis down costs latency
and a warning, never the action."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from servicetickets.accounts.services import token_create
from tests.conftest import People
from tests.notifications.test_broker import closed_port, redis_or_skip
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20.0
"""Upper bound for an event to arrive. The servers' safety poll is far longer (60 s), so within
it only the broker's wake-up (or, with Redis down, the fallback poll) can deliver."""


class EventReader:
    """An SSE client in a thread: events go to ``events``; ``connected`` is set once the
    server has subscribed the stream; ``ended`` once the connection is gone."""

    def __init__(self, url: str, token: str, last_event_id: int | None = None) -> None:
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self.ended = threading.Event()
        headers = {"Authorization": f"Bearer {token}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self._thread = threading.Thread(
            target=self._read, args=(f"{url}/api/v1/notifications/stream", headers), daemon=True
        )
        self._thread.start()
        assert self.connected.wait(WAIT), "the stream did not open"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        fields: dict[str, str] = {}
        try:
            with httpx.stream("GET", url, headers=headers, timeout=None) as response:
                for line in response.iter_lines():
                    if line == ": connected":
                        self.connected.set()
                    elif line.startswith(("id: ", "event: ", "data: ")):
                        key, _, value = line.partition(": ")
                        fields[key] = value
                    elif line == "" and fields:
                        self.events.put(
                            {"id": int(fields["id"]), "event": fields["event"]}
                            | {"data": json.loads(fields["data"])}
                        )
                        fields = {}
        except httpx.HTTPError:
            pass
        finally:
            self.ended.set()

    def next(self) -> dict[str, Any]:
        try:
            return self.events.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError("no event arrived") from None


@pytest.fixture
def servers(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[list[Server]]:
    redis_url: str = request.param() if callable(request.param) else request.param
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(
                Server(
                    tmp_path / f"{name}.log", REDIS_URL=redis_url, STREAM_SAFETY_POLL_SECONDS="60"
                )
            )
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def _submit(server: Server, token: str, type_id: int, title: str) -> dict[str, Any]:
    r = httpx.post(
        f"{server.url}/api/v1/types/{type_id}/tickets",
        json={"title": title, "data": {"summary": title}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.parametrize("servers", [lambda: redis_or_skip()], indirect=True)
def test_a_ticket_submitted_to_one_process_reaches_a_stream_on_the_other(
    people: People, servers: list[Server]
) -> None:
    a, b = servers
    stream = EventReader(a.url, token_create(user=people.handler))

    ticket = _submit(b, token_create(user=people.requester), people.ticket_type.pk, "Printer")

    event = stream.next()
    assert event["event"] == "new_ticket"
    assert event["data"]["ticket_number"] == ticket["number"]


@pytest.mark.parametrize("servers", [lambda: redis_or_skip()], indirect=True)
def test_a_killed_process_loses_nothing_the_client_replays_on_reconnect(
    people: People, servers: list[Server]
) -> None:
    a, b = servers
    hank, alice = token_create(user=people.handler), token_create(user=people.requester)
    stream = EventReader(a.url, hank)
    first = _submit(b, alice, people.ticket_type.pk, "First")
    seen = stream.next()
    assert seen["data"]["ticket_number"] == first["number"]

    a.kill()
    assert stream.ended.wait(WAIT)
    missed = [_submit(b, alice, people.ticket_type.pk, t)["number"] for t in ("Second", "Third")]
    again = EventReader(b.url, hank, last_event_id=seen["id"])

    assert [again.next()["data"]["ticket_number"] for _ in missed] == missed
    fourth = _submit(b, alice, people.ticket_type.pk, "Fourth")
    assert again.next()["data"]["ticket_number"] == fourth["number"]


@pytest.mark.parametrize("servers", [lambda: f"redis://127.0.0.1:{closed_port()}/0"], indirect=True)
def test_with_redis_down_actions_succeed_and_reminders_still_arrive(
    people: People, servers: list[Server]
) -> None:
    a, b = servers
    stream = EventReader(a.url, token_create(user=people.handler))

    ticket = _submit(b, token_create(user=people.requester), people.ticket_type.pk, "Printer")

    assert stream.next()["data"]["ticket_number"] == ticket["number"]
    deadline = time.monotonic() + WAIT
    while "Redis is unreachable" not in b.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Redis is unreachable" in b.log.read_text()
