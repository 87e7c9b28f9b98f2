"""``GET /api/v1/notifications/stream``: the caller's reminders as Server-Sent Events.

A plain async Django view (ninja operations return data, not endless streams), mounted in the
URLconf ahead of the API. The stream first replays from the database every reminder after the
client's ``Last-Event-ID`` (so nothing is lost across reconnects or server restarts), then
passes on what the process's hub sees, with a comment line whenever it has been quiet.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_authenticate
from servicetickets.core.api import api, error_response
from servicetickets.notifications.api import notification_out
from servicetickets.notifications.hub import Subscription, hub
from servicetickets.notifications.models import Notification
from servicetickets.notifications.selectors import notification_list_for

HEARTBEAT_SECONDS = 15.0
"""A comment line goes out after this long without an event (API.md promises at most 25 s)."""

REPLAY_BATCH = 500
"""Rows read per replay query; replay loops until it has caught up."""

_REMEMBERED = 1000
"""Ids of recently sent events kept to drop the overlap of replay and live rows."""


def _authenticate_token(header: str) -> User | None:
    try:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token_authenticate(token=token.strip())
    finally:
        connection.close()


def _release_connection() -> None:
    connection.close()


def _replay_batch(user_id: int, after: int) -> list[Notification]:
    try:
        user = User.objects.get(pk=user_id)
        qs = notification_list_for(user=user).filter(pk__gt=after)
        return list(qs.select_related("ticket", "actor").order_by("pk")[:REPLAY_BATCH])
    finally:
        connection.close()


def _last_event_id(request: HttpRequest) -> int:
    """The client's last seen id (header, or ``?last_event_id=`` for pages); anything
    unreadable counts as 0, i.e. "send everything"."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    try:
        value = int(raw.strip())
    except ValueError:
        return 0
    return max(value, 0)


async def _caller(request: HttpRequest) -> User | None:
    header = request.headers.get("Authorization", "")
    if header:  # like the API: a token first, then the session
        by_token = await sync_to_async(_authenticate_token, thread_sensitive=False)(header)
        if by_token is not None:
            return by_token
    user = await request.auser()
    # The session lookup ran on this request's own thread: give its connection back now rather
    # than hold it for as long as the stream stays open.
    await sync_to_async(_release_connection)()
    if isinstance(user, User) and user.is_active:
        return user
    return None


def _event(request: HttpRequest, row: Notification, language: str) -> bytes:
    with translation.override(language):
        data = api.renderer.render(request, notification_out(row).model_dump(), response_status=200)
    return f"id: {row.pk}\nevent: {row.kind}\ndata: {data}\n\n".encode()


class _Sent:
    """The highest id sent, and the recent ids (bounded) to skip rows seen twice."""

    def __init__(self, last: int) -> None:
        self.last = last
        self._order: deque[int] = deque()
        self._ids: set[int] = set()

    def __contains__(self, pk: int) -> bool:
        return pk <= self.last and (pk in self._ids or not self._ids or pk < self._order[0])

    def add(self, pk: int) -> None:
        self.last = max(self.last, pk)
        self._order.append(pk)
        self._ids.add(pk)
        if len(self._order) > _REMEMBERED:
            self._ids.discard(self._order.popleft())


async def _events(
    request: HttpRequest, user_id: int, after: int, language: str
) -> AsyncIterator[bytes]:
    # Subscribe before replaying: whatever commits during the replay then arrives live.
    sub: Subscription = await hub.subscribe(user_id)
    sent = _Sent(after)
    try:
        yield b": connected\n\n"
        replay = True
        while True:
            if replay:
                while True:
                    rows = await sync_to_async(_replay_batch, thread_sensitive=False)(
                        user_id, sent.last
                    )
                    for row in rows:
                        sent.add(row.pk)
                        yield _event(request, row, language)
                    if len(rows) < REPLAY_BATCH:
                        break
                replay = False
            try:
                item = await asyncio.wait_for(sub.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if item is None:  # the queue overflowed: read what was dropped from the database
                replay = True
            elif item.pk not in sent:
                sent.add(item.pk)
                yield _event(request, item, language)
    finally:
        hub.unsubscribe(sub)


@csrf_exempt  # read-only; other methods get 405 like the rest of the API, not a CSRF 403
@require_GET
async def notification_stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = await _caller(request)
    if user is None:
        return error_response(request, 401, _("Sign in or send a valid API token."))
    language = translation.get_language() or "en"
    response = StreamingHttpResponse(
        _events(request, user.pk, _last_event_id(request), language),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def openapi_path() -> dict[str, Any]:
    """This view's entry in the OpenAPI document (ninja documents only its own operations)."""
    return {
        "get": {
            "operationId": "servicetickets_notifications_stream_notification_stream",
            "summary": "Live reminders (Server-Sent Events)",
            "description": (
                "The caller's reminders as `text/event-stream`. Each event has `id:` (the "
                "notification id), `event:` (its kind) and `data:` (the notification as JSON, as "
                "in `GET /notifications`). With `Last-Event-ID` (or `?last_event_id=`) every "
                "reminder after that id is sent first, then live ones; an unreadable value "
                f"counts as 0. A comment line goes out after {HEARTBEAT_SECONDS:g} s of quiet."
            ),
            "tags": ["notifications"],
            "parameters": [
                {
                    "in": "header",
                    "name": "Last-Event-ID",
                    "required": False,
                    "schema": {"type": "string"},
                },
                {
                    "in": "query",
                    "name": "last_event_id",
                    "required": False,
                    "schema": {"type": "string"},
                },
            ],
            "responses": {
                "200": {
                    "description": "An endless event stream.",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "401": {"description": "No valid token or session; the stream is not opened."},
            },
            "security": [{"TokenAuth": []}, {"SessionAuth": []}],
        }
    }
