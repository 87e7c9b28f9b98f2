"""The ASGI application: Django, except the live stream's GETs, which ``stream_app`` serves
without Django's per-request machinery (see notifications/stream.py)."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicetickets.settings")
django_application = get_asgi_application()

from servicetickets.notifications.stream import STREAM_PATH, stream_app  # noqa: E402


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == STREAM_PATH:
        await stream_app(scope, receive, send)
    else:
        await django_application(scope, receive, send)
