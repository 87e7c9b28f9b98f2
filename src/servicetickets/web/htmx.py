"""What a view needs to know about an htmx request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request to answer with a fragment instead of the whole page. Not when htmx
    restores a page of its history it no longer holds: that wants the whole page. (django-htmx
    sets ``request.htmx``; the type stubs do not know it.)"""
    details: Any = getattr(request, "htmx", None)
    return bool(details) and not details.history_restore_request
