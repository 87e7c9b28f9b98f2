"""Telling server processes that reminders were committed, so their hubs read them at once.

Without ``REDIS_URL`` only the committing process's hub is woken; the others find the rows at
their next poll. With it, a message on one Redis channel wakes the hub of every process on every
host. The message carries nothing: the inbox stays the source of truth, so a lost message costs
latency (the next poll, or the replay on reconnect), never a reminder.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

import redis
import redis.asyncio
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def channel() -> str:
    """The channel, named after the URL's database number: pub/sub ignores database numbers,
    and installations sharing one Redis on different numbers must not wake each other."""
    db = redis.connection.parse_url(settings.REDIS_URL).get("db", 0)
    return f"servicetickets:{db}:notifications"


TIMEOUT_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0
"""A broker that stays down is reported once a minute, not on every action."""
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)

UNREACHABLE = _(
    "Redis is unreachable: other server processes see new reminders at their next poll."
)
UNSUBSCRIBED = _("Lost the Redis subscription: live reminders fall back to polling.")


class _Warner:
    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, message: Promise, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last >= WARN_EVERY_SECONDS:
            self._last = now
            logger.warning("%s (%s: %s)", str(message), type(exc).__name__, exc)


class Publisher:
    """Publishes from one background thread, so an action never waits for Redis, and merges
    the announcements that pile up while a publish is under way into one message."""

    def __init__(self) -> None:
        self._pending = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._client: redis.Redis | None = None
        self._warn = _Warner()

    def announce(self) -> None:
        self._pending.set()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="notification-publisher", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            self._pending.clear()
            try:
                if self._client is None:
                    self._client = redis.Redis.from_url(
                        settings.REDIS_URL,
                        socket_timeout=TIMEOUT_SECONDS,
                        socket_connect_timeout=TIMEOUT_SECONDS,
                    )
                self._client.publish(channel(), b"1")
            except (redis.RedisError, OSError) as exc:
                self._client = None
                self._warn(UNREACHABLE, exc)


publisher = Publisher()


async def listen(on_message: Callable[[], None], on_state: Callable[[bool], None]) -> None:
    """Call ``on_message`` for every announcement until cancelled; ``on_state(True)`` once
    subscribed and ``on_state(False)`` when the connection is lost (reconnects with back-off)."""
    warn = _Warner()
    attempt = 0
    while True:
        client = redis.asyncio.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS
        )
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(channel())
                on_state(True)
                attempt = 0
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        on_message()
        except (redis.RedisError, OSError) as exc:
            warn(UNSUBSCRIBED, exc)
        finally:
            on_state(False)
            await client.aclose()
        await asyncio.sleep(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
        attempt += 1
