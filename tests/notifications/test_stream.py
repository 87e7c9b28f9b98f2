"""``GET /api/v1/notifications/stream``: Server-Sent Events of the caller's own reminders,
driven through the ASGI application directly (no server)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_create
from servicetickets.asgi import application
from servicetickets.notifications import hub as hub_module
from servicetickets.notifications import stream as stream_module
from servicetickets.notifications.hub import Subscription
from servicetickets.notifications.models import Notification
from servicetickets.notifications.services import notify
from servicetickets.tickets.models import Ticket
from tests.conftest import Api, People
from tests.factories import submit

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 5.0  # upper bound for anything to arrive; a passing test never waits this long


@pytest.fixture(autouse=True)
def _fast_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_module, "HEARTBEAT_SECONDS", 0.05)


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


def test_stream_without_a_token_gets_401_and_ends(people: People) -> None:
    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", {}) as s:
            await s.until(lambda: s.finished)
            assert s.status == 401
            assert json.loads(s.body)["error"] == {
                "code": "not_authenticated",
                "message": "Sign in or send a valid API token.",
                "field": None,
            }

    run(go)


def test_stream_with_a_wrong_token_gets_401(people: People) -> None:
    async def go() -> None:
        headers = {"Authorization": "Bearer st_not-a-real-token"}
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.until(lambda: s.finished)
            assert s.status == 401
            assert json.loads(s.body)["error"]["code"] == "not_authenticated"

    run(go)


def test_stream_is_an_uncached_event_stream(people: People) -> None:
    headers = bearer(people.handler)

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            assert s.status == 200
            assert s.headers["content-type"].startswith("text/event-stream")
            assert s.headers["cache-control"] == "no-cache"
            assert s.headers["x-accel-buffering"] == "no"

    run(go)


def test_replay_sends_only_the_callers_reminders_after_last_event_id(
    people: People, api: Callable[[User], Api]
) -> None:
    for title in ("one", "two", "three"):
        submit(people.ticket_type, people.requester, title=title)
    mine = ids_of(people.handler)
    assert len(mine) == 3 and len(ids_of(people.handler2)) == 3
    inbox = {n["id"]: n for n in api(people.handler).get("/notifications").json()["results"]}
    headers = {**bearer(people.handler), "Last-Event-ID": str(mine[0])}

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            assert s.events() == [
                {"id": pk, "event": "new_ticket", "data": inbox[pk]} for pk in mine[1:]
            ]

    run(go)


def test_last_event_id_in_the_query_is_honoured(people: People) -> None:
    for _ in range(2):
        submit(people.ticket_type, people.requester)
    mine = ids_of(people.handler)
    headers = bearer(people.handler)

    async def go() -> None:
        path = f"/api/v1/notifications/stream?last_event_id={mine[0]}"
        async with Stream(path, headers) as s:
            await s.next_heartbeat()
            assert [e["id"] for e in s.events()] == mine[1:]

    run(go)


@pytest.mark.parametrize("last_event_id", ["abc", "", "-5", "1.5"])
def test_malformed_last_event_id_replays_everything(people: People, last_event_id: str) -> None:
    for _ in range(2):
        submit(people.ticket_type, people.requester)
    mine = ids_of(people.handler)
    headers = {**bearer(people.handler), "Last-Event-ID": last_event_id}

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            assert [e["id"] for e in s.events()] == mine

    run(go)


def test_a_new_reminder_arrives_live_and_only_to_its_recipient(
    people: People, api: Callable[[User], Api]
) -> None:
    hank, olga = bearer(people.handler), bearer(people.outsider)

    async def go() -> None:
        path = "/api/v1/notifications/stream"
        async with Stream(path, hank) as s, Stream(path, olga) as other:
            await s.next_heartbeat()
            await other.next_heartbeat()
            assert s.events() == [] and other.events() == []

            ticket = await sync_to_async(submit_and_release)(people)

            await s.until(lambda: len(s.events()) == 1)
            # The hub hands a row to every stream in one go: once hank has it, olga would too.
            await other.next_heartbeat()
            assert other.events() == []
            received.extend(s.events())
            submitted.append(ticket)

    received: list[dict[str, Any]] = []
    submitted: list[Ticket] = []
    run(go)
    (event,), (ticket,) = received, submitted
    (listed,) = api(people.handler).get("/notifications").json()["results"]
    assert event == {"id": listed["id"], "event": "new_ticket", "data": listed}
    assert listed["ticket_id"] == ticket.pk
    assert listed["text"] == f"New ticket {ticket.number} from Alice."


def test_a_quiet_stream_sends_keep_alive_comments(people: People) -> None:
    headers = bearer(people.handler)

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.until(lambda: s.heartbeats() >= 2)
            assert s.events() == []

    run(go)


def test_a_signed_in_web_session_may_open_the_stream(people: People) -> None:
    submit(people.ticket_type, people.requester)
    browser = Client()
    browser.force_login(people.handler)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", {"Cookie": cookie}) as s:
            await s.next_heartbeat()
            assert s.status == 200
            assert [e["id"] for e in s.events()] == ids_of_sync

    ids_of_sync = ids_of(people.handler)
    run(go)


def test_a_stream_that_falls_behind_reads_the_missed_reminders_from_the_database(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "QUEUE_SIZE", 1)
    ticket = submit(people.ticket_type, people.requester)
    Notification.objects.all().delete()
    headers = bearer(people.handler)

    def three_at_once() -> None:
        try:
            with transaction.atomic():
                for kind in ("urged", "commented", "cancelled"):
                    notify(recipients=[people.handler], kind=kind, ticket=ticket, actor=None)
        finally:
            connection.close()

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            await sync_to_async(three_at_once)()
            await s.until(lambda: len(s.events()) >= 3)
            await s.next_heartbeat()
            received.extend(s.events())

    received: list[dict[str, Any]] = []
    run(go)
    assert [(e["id"], e["event"]) for e in received] == list(
        Notification.objects.filter(recipient=people.handler)
        .order_by("pk")
        .values_list("pk", "kind")
    )


def test_an_unread_inbox_holds_at_most_its_queue_size_and_then_asks_for_a_replay() -> None:
    async def go() -> None:
        sub = Subscription(user_id=1, maxsize=2)
        for pk in range(1, 6):
            sub.push(Notification(pk=pk, recipient_id=1, kind="urged"))
        assert len(sub) <= 2
        assert await sub.get() is None
        assert len(sub) == 0

    run(go)


def test_other_methods_get_405_with_the_error_body(
    people: People, api: Callable[[User], Api]
) -> None:
    response = api(people.handler).post("/notifications/stream", {})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
