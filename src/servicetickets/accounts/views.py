"""Site admins: users (search, add, deactivate). Site admins only; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from servicetickets.accounts import selectors, services
from servicetickets.accounts.decorators import site_admin_required
from servicetickets.accounts.forms import UserCreateForm
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError
from servicetickets.web.errors import error_context, error_status, form_error_context

PER_PAGE = 25


def _user_list_page(
    request: HttpRequest, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    paginator = Paginator(selectors.user_search(q=q, include_inactive=True), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {"q": q, "page": page, "error": None, **(extra or {})}
    return render(request, "accounts/site_users.html", context, status=status)


@site_admin_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    """Every user, deactivated ones marked, searchable and paginated."""
    return _user_list_page(request)


@site_admin_required
@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest) -> HttpResponse:
    """Add a user; errors beside their fields (422) and nothing saved."""
    context: dict[str, Any] = {"values": {}, "field_errors": {}, "error": None}
    if request.method == "GET":
        return render(request, "accounts/site_user_new.html", context)
    form = UserCreateForm(request.POST)
    context["values"] = request.POST
    if not form.is_valid():
        context.update(form_error_context(form))
        return render(request, "accounts/site_user_new.html", context, status=422)
    data = form.cleaned_data
    try:
        user = services.user_create(
            username=data["username"],
            name=data["name"],
            email=data["email"],
            # Without a password the user cannot sign in with one (e.g. directory sign-in).
            password=data["password"] or None,
            site_admin=data["site_admin"],
            actor=caller(request),
        )
    except AppError as exc:
        context.update(error_context(exc))
        return render(request, "accounts/site_user_new.html", context, status=error_status(exc))
    messages.success(request, _("User %(username)s added.") % {"username": user.username})
    return redirect(f"{reverse('site-users')}?{urlencode({'q': user.username})}")


@site_admin_required
@require_POST
def user_deactivate_view(request: HttpRequest, username: str) -> HttpResponse:
    """Deactivate (never erase). The service refuses a site admin deactivating themselves;
    the list shows its message."""
    user = selectors.user_get(username=username)
    try:
        services.user_deactivate(user=user, actor=caller(request))
    except AppError as exc:
        return _user_list_page(request, {"error": exc.message}, status=error_status(exc))
    messages.success(request, _("%(name)s is deactivated.") % {"name": user.display_name})
    # Back to the list as it was (the form's action carries its search and page).
    query = request.GET.urlencode()
    return redirect(f"{reverse('site-users')}?{query}" if query else reverse("site-users"))


urlpatterns: list[URLPattern] = [
    path("site/users/", user_list_view, name="site-users"),
    path("site/users/new", user_create_view, name="site-user-new"),
    path("site/users/<str:username>/deactivate", user_deactivate_view, name="site-user-deactivate"),
]
