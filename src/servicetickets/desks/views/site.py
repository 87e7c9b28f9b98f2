"""Site admins: desks, their admins, their settings and their webhook.

Every view is for site admins only (others get 404); the rules themselves are the services'
(``desks.services``, ``outbound.services``), these views only parse, call and show."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicetickets.accounts.decorators import site_admin_required
from servicetickets.accounts.selectors import user_get, user_list
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, Invalid, NotFound
from servicetickets.desks import selectors, services
from servicetickets.desks.forms import DeskAdminForm, DeskCreateForm, DeskSettingsForm, WebhookForm
from servicetickets.desks.models import Desk
from servicetickets.outbound import services as outbound
from servicetickets.web.errors import error_context, error_status, form_error_context

PICKER_LIMIT = 8


@site_admin_required
@require_http_methods(["GET", "POST"])
def desk_list(request: HttpRequest) -> HttpResponse:
    """All desks, and the form to create one (its errors beside its fields, status 422)."""
    context: dict[str, Any] = {"form_values": {}}
    status = 200
    if request.method == "POST":
        form = DeskCreateForm(request.POST)
        context["form_values"] = request.POST
        if not form.is_valid():
            context.update(form_error_context(form))
            status = 422
        else:
            try:
                desk = services.desk_create(**form.cleaned_data, actor=caller(request))
            except AppError as exc:
                context.update(error_context(exc))
                status = error_status(exc)
            else:
                messages.success(request, _("Desk %(name)s created.") % {"name": desk.name})
                return redirect("site-desk", desk_id=desk.pk)
    context["desks"] = selectors.desk_list_for_site()
    return render(request, "desks/site_desks.html", context, status=status)


def _desk_page(
    request: HttpRequest, desk: Desk, extra: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "desk": desk,
        "admins": selectors.desk_admin_list(desk=desk),
        "q": "",
        "candidates": None,
        "settings_values": {"name": desk.name, "confirm_timeout_days": desk.confirm_timeout_days},
        "webhook_values": {"url": desk.webhook_url},
        "field_errors": {},
        "error": None,
        **(extra or {}),
    }
    return render(request, "desks/site_desk.html", context, status=status)


@site_admin_required
@require_GET
def desk_detail(request: HttpRequest, desk_id: int) -> HttpResponse:
    """One desk: its admins (with a user picker that searches as you type), its settings and
    its webhook. With ``?q=`` from htmx it answers the picker's results only."""
    desk = selectors.desk_get(desk_id=desk_id)
    q = request.GET.get("q", "").strip()
    candidates = None
    if q:
        admin_ids = set(desk.admins.values_list("pk", flat=True))
        candidates = [
            (user, user.pk in admin_ids)
            for user in user_list(q=q, include_inactive=False, limit=PICKER_LIMIT)
        ]
    if request.headers.get("HX-Request") == "true":
        return render(
            request,
            "desks/site_desk.html#picker",
            {"desk": desk, "q": q, "candidates": candidates},
        )
    return _desk_page(request, desk, {"q": q, "candidates": candidates})


def _errors(exc: AppError, field: str) -> dict[str, Any]:
    """A service's refusal, placed beside ``field`` when it names no field itself."""
    context = error_context(exc)
    if context["error"]:
        context["field_errors"] = {field: context["error"]}
        context["error"] = None
    return context


@site_admin_required
@require_POST
def desk_admin_add_view(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = selectors.desk_get(desk_id=desk_id)
    form = DeskAdminForm(request.POST)
    if not form.is_valid():
        return _desk_page(request, desk, form_error_context(form), status=422)
    try:
        try:
            user = user_get(username=form.cleaned_data["username"])
        except NotFound as exc:
            raise Invalid(exc.message, field="username") from exc
        services.desk_admin_add(desk=desk, user=user, actor=caller(request))
    except AppError as exc:
        return _desk_page(request, desk, error_context(exc), status=error_status(exc))
    messages.success(
        request, _("%(name)s now administers this desk.") % {"name": user.display_name}
    )
    return redirect("site-desk", desk_id=desk.pk)


@site_admin_required
@require_POST
def desk_admin_remove_view(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = selectors.desk_get(desk_id=desk_id)
    form = DeskAdminForm(request.POST)
    if not form.is_valid():
        return _desk_page(request, desk, form_error_context(form), status=422)
    user = user_get(username=form.cleaned_data["username"])
    services.desk_admin_remove(desk=desk, user=user, actor=caller(request))
    messages.success(
        request, _("%(name)s no longer administers this desk.") % {"name": user.display_name}
    )
    return redirect("site-desk", desk_id=desk.pk)


@site_admin_required
@require_POST
def desk_settings_view(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = selectors.desk_get(desk_id=desk_id)
    form = DeskSettingsForm(request.POST)
    values = {"settings_values": request.POST}
    if not form.is_valid():
        return _desk_page(request, desk, {**values, **form_error_context(form)}, status=422)
    try:
        services.desk_update(desk=desk, **form.cleaned_data, actor=caller(request))
    except AppError as exc:
        desk.refresh_from_db()
        return _desk_page(request, desk, {**values, **error_context(exc)}, error_status(exc))
    messages.success(request, _("Desk settings saved."))
    return redirect("site-desk", desk_id=desk.pk)


@site_admin_required
@require_POST
def desk_webhook_view(request: HttpRequest, desk_id: int) -> HttpResponse:
    """Set the webhook. The secret (given or generated) is shown once, on the answer."""
    desk = selectors.desk_get(desk_id=desk_id)
    form = WebhookForm(request.POST)
    values = {"webhook_values": request.POST}
    if not form.is_valid():
        return _desk_page(request, desk, {**values, **form_error_context(form)}, status=422)
    try:
        desk = outbound.desk_webhook_set(
            desk=desk,
            url=form.cleaned_data["url"],
            secret=form.cleaned_data["secret"] or None,
            actor=caller(request),
        )
    except AppError as exc:
        desk.refresh_from_db()
        return _desk_page(request, desk, {**values, **_errors(exc, "url")}, error_status(exc))
    return _desk_page(request, desk, {"webhook_secret": desk.webhook_secret})


@site_admin_required
@require_POST
def desk_webhook_clear_view(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = selectors.desk_get(desk_id=desk_id)
    outbound.desk_webhook_clear(desk=desk, actor=caller(request))
    messages.success(request, _("Webhook removed."))
    return redirect("site-desk", desk_id=desk.pk)


urlpatterns: list[URLPattern] = [
    path("site/desks/", desk_list, name="site-desks"),
    path("site/desks/<int:desk_id>/", desk_detail, name="site-desk"),
    path("site/desks/<int:desk_id>/admins/add", desk_admin_add_view, name="site-desk-admin-add"),
    path(
        "site/desks/<int:desk_id>/admins/remove",
        desk_admin_remove_view,
        name="site-desk-admin-remove",
    ),
    path("site/desks/<int:desk_id>/settings", desk_settings_view, name="site-desk-settings"),
    path("site/desks/<int:desk_id>/webhook", desk_webhook_view, name="site-desk-webhook"),
    path(
        "site/desks/<int:desk_id>/webhook/clear",
        desk_webhook_clear_view,
        name="site-desk-webhook-clear",
    ),
]
