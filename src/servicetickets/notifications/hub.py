"""The per-process fan-out of new reminders to the open live streams.

One asyncio task per server process polls the database for new notification rows (one query
per poll for all clients, and only while someone listens) and hands each row to the bounded
queue of every open stream of its recipient. A client that does not read fast enough loses its
queued rows and is told to read them again from the database, so memory stays bounded.

``hub.wake()`` makes the task poll at once: the committing process calls it after every commit
that wrote reminders, and with ``REDIS_URL`` the hub also subscribes to the broker's channel
(one subscription per process), so commits in other processes wake it too. While that
subscription holds, the poll is only a safety net and runs every ``STREAM_SAFETY_POLL_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _

from servicetickets.notifications import broker
from servicetickets.notifications.models import Notification

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
"""How often the hub looks for new rows while at least one stream is open and no broker
subscription tells it when to."""

QUEUE_SIZE = 100
"""Rows held for one stream before it is told to read the database again."""

RETRY_SECONDS = 1.0
"""Pause after a failed query before the next one."""

BATCH = 1000
"""Rows read per query; a full batch is followed by another query at once."""

LATE_COMMIT_SECONDS = 10.0
"""How long a lower id may still appear after a higher one was seen (PostgreSQL hands out ids
before commit, so transactions can become visible out of id order)."""

_FILTER_BY_RECIPIENT_UP_TO = 500
"""With at most this many listening users the query reads only their rows."""


QUIET = object()
"""What ``Subscription.get`` returns when nothing came within its timeout."""


def _time_up(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Subscription:
    """One open stream's inbox: notification rows, or ``None`` meaning "some were dropped,
    read the database from your last id". A list and one future, not an asyncio.Queue: with
    thousands of idle streams its size and its timeout's cost add up."""

    __slots__ = ("_items", "_maxsize", "_waiter", "user_id")

    def __init__(self, user_id: int, maxsize: int) -> None:
        self.user_id = user_id
        self._maxsize = maxsize
        self._items: list[Notification | None] = []
        self._waiter: asyncio.Future[None] | None = None

    def push(self, row: Notification) -> None:
        if len(self._items) >= self._maxsize:
            self._items = [None]
        else:
            self._items.append(row)
        if self._waiter is not None:
            _time_up(self._waiter)

    async def get(self, timeout: float) -> object:
        """The next item, or ``QUIET`` after ``timeout`` seconds without one. A timer that
        resolves a future, not ``wait_for``: no cancellation, no exception per keep-alive."""
        if not self._items:
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            timer = loop.call_later(timeout, _time_up, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
            if not self._items:
                return QUIET
        return self._items.pop(0)

    def __len__(self) -> int:
        """Items waiting to be read (never more than the queue's size)."""
        return len(self._items)


def _fetch(
    floor: int, user_ids: list[int] | None, seen: frozenset[int]
) -> tuple[list[Notification], int | None]:
    """Rows above ``floor`` not in ``seen`` (with what their text needs), in id order, and the
    id to continue from when the batch was full. The rows of the late-commit window were
    mostly delivered already: read their ids only, and whole rows just for the new ones.
    Runs on the hub's own thread, which keeps its connection between polls."""
    try:
        qs = Notification.objects.filter(pk__gt=floor)
        if user_ids is not None:
            qs = qs.filter(recipient_id__in=user_ids)
        ids = list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH])
        fresh = [pk for pk in ids if pk not in seen]
        rows = (
            list(
                Notification.objects.filter(pk__in=fresh)
                .select_related("ticket", "actor")
                .order_by("pk")
            )
            if fresh
            else []
        )
        return rows, (ids[-1] if len(ids) == BATCH else None)
    except Exception:
        connection.close()
        raise


def _close_connection() -> None:
    connection.close()


_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notification-hub")


def _max_id() -> int:
    try:
        return Notification.objects.aggregate(top=Max("pk"))["top"] or 0
    finally:
        connection.close()


class Hub:
    def __init__(self) -> None:
        self._subs: dict[int, set[Subscription]] = {}
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._floor = 0
        self._top = 0
        self._marks: deque[tuple[float, int]] = deque()
        self._delivered: set[int] = set()
        self._brokered = False

    async def subscribe(self, user_id: int) -> Subscription:
        """A new inbox for ``user_id``; every row committed after this returns reaches it."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            start = await sync_to_async(_max_id, thread_sensitive=False)()
            # Another stream may have started the task while we read.
            if self._task is None or self._task.done() or self._loop is not loop:
                if self._loop is not loop:
                    self._subs = {}  # streams of a finished event loop are gone
                self._floor = self._top = start
                self._marks.clear()
                self._delivered.clear()
                self._loop = loop
                self._wake = asyncio.Event()
                self._task = loop.create_task(self._run(), name="notification-hub")
        sub = Subscription(user_id, QUEUE_SIZE)
        self._subs.setdefault(user_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        subs = self._subs.get(sub.user_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[sub.user_id]
        if not self._subs and self._wake is not None:
            self._wake.set()  # let the task notice nobody listens and end

    def wake(self) -> None:
        """Poll now instead of at the next interval (for a broker telling us of new rows)."""
        loop, wake = self._loop, self._wake
        if wake is not None and loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wake.set)

    @property
    def listening(self) -> int:
        """How many streams are open in this process."""
        return sum(len(s) for s in self._subs.values())

    @property
    def brokered(self) -> bool:
        """Whether the broker's channel currently wakes this hub."""
        return self._brokered

    def _poll_seconds(self) -> float:
        return float(settings.STREAM_SAFETY_POLL_SECONDS) if self._brokered else POLL_SECONDS

    def _set_brokered(self, subscribed: bool) -> None:
        self._brokered = subscribed
        if not subscribed and self._wake is not None:
            self._wake.set()  # rows may have been announced while the subscription was down

    async def _run(self) -> None:
        listener = None
        if settings.REDIS_URL:
            listener = asyncio.get_running_loop().create_task(
                broker.listen(self.wake, self._set_brokered), name="notification-broker"
            )
        try:
            await self._poll()
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            self._brokered = False
            # Not awaited: when the event loop is shutting down, the close must still happen.
            _READER.submit(_close_connection)

    async def _poll(self) -> None:
        assert self._wake is not None
        while self._subs:
            # Cleared before reading, so a wake-up during the read causes another one.
            self._wake.clear()
            users = list(self._subs)
            only = users if len(users) <= _FILTER_BY_RECIPIENT_UP_TO else None
            cursor = self._floor
            try:
                while True:
                    rows, more = await asyncio.get_running_loop().run_in_executor(
                        _READER, _fetch, cursor, only, frozenset(self._delivered)
                    )
                    self._dispatch(rows)
                    if more is None:
                        break
                    cursor = more
            except Exception:
                # The database went away for a moment: keep the streams open and try again.
                logger.exception(_("Reading new reminders failed; trying again."))
                await asyncio.sleep(RETRY_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds())

    def _dispatch(self, rows: list[Notification]) -> None:
        for row in rows:
            if row.pk in self._delivered:
                continue
            self._delivered.add(row.pk)
            self._top = max(self._top, row.pk)
            for sub in self._subs.get(row.recipient_id, ()):
                sub.push(row)
        # Rows at or below a top seen LATE_COMMIT_SECONDS ago are no longer looked for again.
        now = time.monotonic()
        self._marks.append((now, self._top))
        moved = False
        while self._marks and self._marks[0][0] <= now - LATE_COMMIT_SECONDS:
            self._floor = max(self._floor, self._marks.popleft()[1])
            moved = True
        if moved:
            self._delivered = {pk for pk in self._delivered if pk > self._floor}


hub = Hub()
