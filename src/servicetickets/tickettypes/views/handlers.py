"""The handler picker of a type's page: search people as you type, add, remove. Each answer
is the handlers card again (an htmx fragment), with the service's refusal in it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from servicetickets.accounts.models import User
from servicetickets.accounts.selectors import user_list, users_by_username
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError
from servicetickets.tickettypes import services
from servicetickets.tickettypes.models import TicketType, TypeState
from servicetickets.tickettypes.views.access import admin_type
from servicetickets.web.errors import error_status

SEARCH_LIMIT = 8


def _card(
    request: HttpRequest, kind: TicketType, *, error: str | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "kind": kind,
        "handlers": list(kind.handlers.order_by("name", "username")),
        "handler_error": error,
        "published": kind.state == TypeState.PUBLISHED,
    }
    return render(request, "tickettypes/type_edit.html#handlers", context, status=status)


def _set(request: HttpRequest, kind: TicketType, users: list[User]) -> HttpResponse:
    try:
        kind = services.type_update(kind=kind, handlers=users, actor=caller(request))
    except AppError as exc:
        return _card(request, kind, error=exc.message, status=error_status(exc))
    return _card(request, kind)


@login_required
@require_GET
def handler_search(request: HttpRequest, type_id: int) -> HttpResponse:
    """People matching what the admin typed, minus the type's handlers already named."""
    kind = admin_type(request, type_id)
    q = request.GET.get("q", "").strip()
    taken = set(kind.handlers.values_list("pk", flat=True))
    people = [u for u in user_list(q=q, limit=SEARCH_LIMIT + len(taken)) if u.pk not in taken]
    return render(
        request,
        "tickettypes/type_edit.html#results",
        {"kind": kind, "q": q, "people": people[:SEARCH_LIMIT] if q else []},
    )


@login_required
@require_POST
def handler_add(request: HttpRequest, type_id: int) -> HttpResponse:
    kind = admin_type(request, type_id)
    try:
        (user,) = users_by_username(usernames=[request.POST.get("username", "")], field="username")
    except AppError as exc:
        return _card(request, kind, error=exc.message, status=error_status(exc))
    return _set(request, kind, [*kind.handlers.all(), user])


@login_required
@require_POST
def handler_remove(request: HttpRequest, type_id: int) -> HttpResponse:
    kind = admin_type(request, type_id)
    username = request.POST.get("username", "")
    return _set(request, kind, [u for u in kind.handlers.all() if u.username != username])


urlpatterns: list[URLPattern] = [
    path("manage/types/<int:type_id>/handlers/search/", handler_search, name="handler-search"),
    path("manage/types/<int:type_id>/handlers/add/", handler_add, name="handler-add"),
    path("manage/types/<int:type_id>/handlers/remove/", handler_remove, name="handler-remove"),
]
