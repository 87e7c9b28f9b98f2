"""``GET /api/v1/notifications/stream``: Server-Sent Events of the caller's own reminders,
driven through the ASGI application directly (no server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from servicetickets.accounts.models import User
from servicetickets.notifications import hub as hub_module
from servicetickets.notifications.hub import Subscription
from servicetickets.notifications.models import Notification
from servicetickets.notifications.services import notify
from servicetickets.tickets.models import Ticket
from tests.conftest import Api, People
from tests.factories import submit
from tests.notifications.streams import Stream, bearer, ids_of, run, submit_and_release

pytestmark = pytest.mark.django_db(transaction=True)


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
        assert await sub.get(1.0) is None
        assert len(sub) == 0

    run(go)


def test_other_methods_get_405_with_the_error_body(
    people: People, api: Callable[[User], Api]
) -> None:
    response = api(people.handler).post("/notifications/stream", {})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_commit_wakes_the_hub_without_waiting_for_its_poll(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a poll this slow, only the wake-up after the commit can deliver in time.
    monkeypatch.setattr(hub_module, "POLL_SECONDS", 60.0)
    headers = bearer(people.handler)

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            await sync_to_async(submit_and_release)(people)
            await s.until(lambda: len(s.events()) == 1)
            assert s.events()[0]["event"] == "new_ticket"

    run(go)


def test_a_rolled_back_action_wakes_nobody_and_sends_nothing(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    woken: list[bool] = []
    monkeypatch.setattr(hub_module.hub, "wake", lambda: woken.append(True))

    with pytest.raises(RuntimeError), transaction.atomic():
        submit(people.ticket_type, people.requester)
        raise RuntimeError("the action fails after writing its reminders")

    assert woken == []
    assert Notification.objects.count() == 0
    submit(people.ticket_type, people.requester)
    assert woken == [True]


def test_stream_speaks_the_callers_language(people: People) -> None:
    submit(people.ticket_type, people.requester)
    headers = {**bearer(people.handler), "Accept-Language": "zh-hans"}

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            texts.extend(e["data"]["text"] for e in s.events())
        async with Stream("/api/v1/notifications/stream", {"Accept-Language": "zh-hans"}) as s:
            await s.until(lambda: s.finished)
            refusals.append(json.loads(s.body)["error"]["message"])

    texts: list[str] = []
    refusals: list[str] = []
    run(go)
    assert texts == ["Alice 提交了新工单 IT-000001。"]
    assert refusals == ["请先登录，或提供有效的 API 令牌。"]  # noqa: RUF001


def test_a_host_not_served_here_is_refused(people: People) -> None:
    headers = bearer(people.handler)

    async def go() -> None:
        s = Stream("/api/v1/notifications/stream", headers)
        s.scope["headers"] = [(b"host", b"evil.example")] + [
            h for h in s.scope["headers"] if h[0] != b"host"
        ]
        async with s:
            await s.until(lambda: s.finished)
            assert s.status == 400
            assert json.loads(s.body)["error"]["code"] == "bad_request"

    run(go)


def test_a_closed_stream_leaves_the_hub(people: People) -> None:
    headers = bearer(people.handler)

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            assert hub_module.hub.listening == 1
        assert hub_module.hub.listening == 0

    run(go)


def test_without_the_asgi_server_a_get_is_told_what_is_needed(
    people: People, api: Callable[[User], Api]
) -> None:
    response = api(people.handler).get("/notifications/stream")

    assert response.status_code == 501
    assert "ASGI" in response.json()["error"]["message"]
