"""The Redis wake-up between server processes (``REDIS_URL``), driven through the ASGI app:
a commit announced on the broker wakes the hub of a process that did not make it, and a broker
that is down costs latency and a warning, never an action or a reminder."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

import pytest
import redis
from asgiref.sync import sync_to_async
from pytest_django.fixtures import Settings

from servicetickets.notifications import broker
from servicetickets.notifications import hub as hub_module
from servicetickets.notifications import services as notification_services
from servicetickets.notifications.models import Notification
from tests.conftest import People
from tests.notifications.streams import Stream, bearer, run, submit_and_release

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/2")


def redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis is not answering at {REDIS_TEST_URL} (CI starts it)")
    return REDIS_TEST_URL


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fresh_publisher(monkeypatch: pytest.MonkeyPatch) -> broker.Publisher:
    """A publisher of this test's own, so a client of another test's settings is not reused."""
    publisher = broker.Publisher()
    monkeypatch.setattr(broker, "publisher", publisher)
    return publisher


def test_an_announcement_on_redis_wakes_the_hub_of_another_process(
    people: People,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    fresh_publisher: broker.Publisher,
) -> None:
    settings.REDIS_URL = redis_or_skip()
    settings.STREAM_SAFETY_POLL_SECONDS = 60
    monkeypatch.setattr(hub_module, "POLL_SECONDS", 60.0)
    # The commit happens "in another process": this process's hub is not woken directly.
    monkeypatch.setattr(notification_services, "hub", hub_module.Hub())
    headers = bearer(people.handler)

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            await _until_subscribed()
            await sync_to_async(submit_and_release)(people)
            await s.until(lambda: len(s.events()) == 1)

    run(go)


async def _until_subscribed() -> None:
    for _ in range(200):
        if hub_module.hub.brokered:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the hub never subscribed to Redis")


def test_with_redis_down_actions_succeed_and_streams_fall_back_to_polling(
    people: People,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    fresh_publisher: broker.Publisher,
) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    monkeypatch.setattr(broker, "RECONNECT_SECONDS", (0.05,))
    monkeypatch.setattr(notification_services, "hub", hub_module.Hub())
    headers = bearer(people.handler)
    caplog.set_level(logging.WARNING, logger=broker.__name__)

    async def go() -> None:
        async with Stream("/api/v1/notifications/stream", headers) as s:
            await s.next_heartbeat()
            await sync_to_async(submit_and_release)(people)
            await s.until(lambda: len(s.events()) == 1)

    run(go)
    assert Notification.objects.filter(recipient=people.handler).count() == 1
    assert "Lost the Redis subscription" in caplog.text
