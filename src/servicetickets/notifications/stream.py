"""``GET /api/v1/notifications/stream``: the caller's reminders as Server-Sent Events.

Served by a bare ASGI app (``stream_app``; ``asgi.py`` routes the path's GETs to it) rather
than by Django's request handler: a stream stays open for hours, and through Django each one
held a request, its middleware state and a thread (~70 KiB and a thread per stream, against
~16 KiB here; ``bench/stream_idle.py``). Everything it decides is still Django's: the host
check, the token or session sign-in, the language, the error body. The stream first replays
from the database every reminder after the client's ``Last-Event-ID`` (so nothing is lost
across reconnects or server restarts), then passes on what the process's hub sees, with a
comment line whenever it has been quiet.
"""

from __future__ import annotations

import asyncio
import io
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_authenticate
from servicetickets.core.api import api, error_body, error_response
from servicetickets.notifications.api import notification_out
from servicetickets.notifications.hub import QUIET, Subscription, hub
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


def _session_user(request: HttpRequest) -> User | None:
    """The user signed in by the request's session cookie, checked as Django's
    ``AuthenticationMiddleware`` would (session hash included)."""
    try:
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        user = get_user(request)
        return user if isinstance(user, User) and user.is_active else None
    finally:
        connection.close()


async def _caller(request: HttpRequest) -> User | None:
    header = request.headers.get("Authorization", "")
    if header:  # like the API: a token first, then the session
        by_token = await sync_to_async(_authenticate_token, thread_sensitive=False)(header)
        if by_token is not None:
            return by_token
    return await sync_to_async(_session_user, thread_sensitive=False)(request)


def _json(data: object) -> str:
    return str(api.renderer.render(_NO_REQUEST, data, response_status=200))


def _event(row: Notification, language: str) -> bytes:
    with translation.override(language):
        data = _json(notification_out(row).model_dump())
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


async def _events(user_id: int, after: int, language: str) -> AsyncGenerator[bytes]:
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
                        yield _event(row, language)
                    if len(rows) < REPLAY_BATCH:
                        break
                replay = False
            item = await sub.get(HEARTBEAT_SECONDS)
            if item is QUIET:
                yield b": keep-alive\n\n"
                continue
            if item is None:  # the queue overflowed: read what was dropped from the database
                replay = True
            elif isinstance(item, Notification) and item.pk not in sent:
                sent.add(item.pk)
                yield _event(item, language)
    finally:
        hub.unsubscribe(sub)


STREAM_PATH = "/api/v1/notifications/stream"
"""Where ``asgi.py`` sends GET requests to ``stream_app``."""

_NO_REQUEST = HttpRequest()
"""The JSON renderer's request argument, which it does not use."""

_STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def _refuse(send: Send, status: int, message: str) -> None:
    body = _json(error_body(status, message)).encode()
    headers = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def stream_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The stream for one GET request, as an ASGI application."""
    request = ASGIRequest(scope, io.BytesIO())
    language = translation.get_language_from_request(request)
    with translation.override(language):
        try:
            request.get_host()
        except DisallowedHost:
            await _refuse(send, 400, _("The host of this request is not served here."))
            return
        user = await _caller(request)
        if user is None:
            await _refuse(send, 401, _("Sign in or send a valid API token."))
            return
    events = _events(user.pk, _last_event_id(request), language)
    del request  # nothing of the request stays with the open stream
    await send({"type": "http.response.start", "status": 200, "headers": _STREAM_HEADERS})
    streaming = asyncio.current_task()
    assert streaming is not None

    async def until_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        streaming.cancel()

    watcher = asyncio.get_running_loop().create_task(until_disconnect())
    try:
        async for chunk in events:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    except (asyncio.CancelledError, OSError):
        pass  # the client went away; the finally of ``_events`` unsubscribes
    finally:
        watcher.cancel()
        await events.aclose()


@csrf_exempt  # read-only; other methods get 405 like the rest of the API, not a CSRF 403
@require_GET
def notification_stream(request: HttpRequest) -> HttpResponse:
    """Only reached when the site is not served by ``servicetickets.asgi`` (which hands GETs
    to ``stream_app``): other methods get the API's 405, a signed-in GET is told what is
    needed, and anyone else gets the 401 every other path of the API gives them."""
    header = request.headers.get("Authorization", "")
    signed_in = (header and _authenticate_token(header)) or request.user.is_authenticated
    if not signed_in:
        return error_response(request, 401, _("Sign in or send a valid API token."))
    return error_response(
        request, 501, _("Live reminders need the ASGI server (servicetickets serve).")
    )


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
