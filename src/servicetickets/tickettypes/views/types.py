"""The desk's ticket types: list, create, details (as-you-type checks), publish, unpublish,
delete. Every rule is the services'; these views parse, call and show the refusal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError
from servicetickets.desks.models import Desk
from servicetickets.tickettypes import services
from servicetickets.tickettypes.models import TicketType, TypeState
from servicetickets.tickettypes.schemas import TARGET_HOURS_MAX
from servicetickets.tickettypes.selectors import type_admin_list
from servicetickets.tickettypes.views.access import admin_desks, admin_type, chosen_desk
from servicetickets.web.errors import error_context, error_status


class TypeForm(forms.Form):
    """Parses the details form; the name and description rules are the service's."""

    name = forms.CharField(required=False, strip=False, max_length=200)
    description = forms.CharField(required=False, strip=False, max_length=2000)
    response_hours = forms.FloatField(required=False, max_value=TARGET_HOURS_MAX)
    processing_hours = forms.FloatField(required=False, max_value=TARGET_HOURS_MAX)

    def _positive(self, name: str) -> float | None:
        value: float | None = self.cleaned_data.get(name)
        if value is not None and value <= 0:
            raise forms.ValidationError(gettext_lazy("Enter a number of hours above 0."))
        return value

    def clean_response_hours(self) -> float | None:
        return self._positive("response_hours")

    def clean_processing_hours(self) -> float | None:
        return self._positive("processing_hours")


def _target(hours: float | None) -> timedelta | None:
    return timedelta(hours=hours) if hours is not None else None


def _hours(target: timedelta | None) -> str:
    if target is None:
        return ""
    value = round(target.total_seconds() / 3600, 4)
    return str(int(value)) if value.is_integer() else str(value)


def _form_errors(form: TypeForm) -> dict[str, str]:
    return {name: str(errors[0]) for name, errors in form.errors.items()}


def _values(kind: TicketType | None, data: Any = None) -> dict[str, str]:
    """What the inputs show: the posted text, else the type's current values."""
    if data is not None:
        return {k: data.get(k, "") for k in TypeForm.base_fields}
    if kind is None:
        return {k: "" for k in TypeForm.base_fields}
    return {
        "name": kind.name,
        "description": kind.description,
        "response_hours": _hours(kind.response_target),
        "processing_hours": _hours(kind.processing_target),
    }


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with the details counters, counted after trimming as the service counts."""
    values = context.get("values") or {}
    context["counts"] = {
        name: len(str(values.get(name, "")).strip()) for name in ("name", "description")
    }
    return render(request, template, context, status=status)


def _limits() -> dict[str, int]:
    return {"name_max": services.NAME_MAX, "description_max": services.DESCRIPTION_MAX}


@login_required
def type_list(request: HttpRequest) -> HttpResponse:
    """The types of one desk the person administers, with the desk's limit in view."""
    desks = admin_desks(request)
    desk = chosen_desk(request, desks)
    kinds = list(type_admin_list(user=caller(request), desk_id=desk.pk))
    limit = settings.MAX_TICKET_TYPES
    return render(
        request,
        "tickettypes/types.html",
        {
            "desks": desks,
            "desk": desk,
            "kinds": kinds,
            "limit": limit,
            "at_limit": len(kinds) >= limit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def type_create(request: HttpRequest) -> HttpResponse:
    desk = chosen_desk(request, admin_desks(request))
    context: dict[str, Any] = {"desk": desk, "kind": None, **_limits(), "field_errors": {}}
    if request.method == "GET":
        return _render(request, "tickettypes/type_new.html", {**context, "values": _values(None)})
    form = TypeForm(request.POST)
    context["values"] = _values(None, request.POST)
    if not form.is_valid():
        context["field_errors"] = _form_errors(form)
        return _render(request, "tickettypes/type_new.html", context, status=422)
    data = form.cleaned_data
    try:
        kind = services.type_create(
            desk=desk,
            name=data["name"],
            description=data["description"],
            response_target=_target(data["response_hours"]),
            processing_target=_target(data["processing_hours"]),
            actor=caller(request),
        )
    except AppError as exc:
        context.update(error_context(exc))
        return _render(request, "tickettypes/type_new.html", context, status=error_status(exc))
    messages.success(request, _("Ticket type created. Now design its form."))
    return redirect("type-designer", type_id=kind.pk)


@login_required
@require_POST
def type_check(request: HttpRequest) -> HttpResponse:
    """As-you-type check of name and description: answers the error slots and counters as
    out-of-band swaps, so the inputs (and the caret in them) are never replaced."""
    raw_type = request.POST.get("type_id", "")
    kind = admin_type(request, int(raw_type)) if raw_type.isdigit() else None
    desk: Desk = kind.desk if kind else chosen_desk(request, admin_desks(request))
    name = request.POST.get("name", "")
    description = request.POST.get("description", "")
    problems = services.type_details_problems(
        desk=desk, name=name, description=description, exclude_id=kind.pk if kind else None
    )
    field_errors = {exc.field or "name": exc.message for exc in problems}
    return _render(
        request,
        "tickettypes/type_fields.html#check",
        {
            "field_errors": field_errors,
            "values": {"name": name, "description": description},
            **_limits(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    """A type's page: details, form summary, handlers and its lifecycle actions."""
    kind = admin_type(request, type_id)
    context: dict[str, Any] = {"kind": kind, "desk": kind.desk, **_limits(), "field_errors": {}}
    status = 200
    if request.method == "POST":
        form = TypeForm(request.POST)
        context["values"] = _values(kind, request.POST)
        if not form.is_valid():
            context["field_errors"] = _form_errors(form)
            status = 422
        else:
            data = form.cleaned_data
            try:
                services.type_update(
                    kind=kind,
                    name=data["name"],
                    description=data["description"],
                    targets={
                        "response_target": _target(data["response_hours"]),
                        "processing_target": _target(data["processing_hours"]),
                    },
                    actor=caller(request),
                )
            except AppError as exc:
                context.update(error_context(exc))
                status = error_status(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("type-edit", type_id=kind.pk)
    else:
        context["values"] = _values(kind)
    return _render(request, "tickettypes/type_edit.html", _page(kind, context), status=status)


def _page(kind: TicketType, context: dict[str, Any]) -> dict[str, Any]:
    """What the type page shows besides its details form."""
    from servicetickets.tickettypes.selectors import form_get
    from servicetickets.tickettypes.views.designer import kind_labels

    labels = kind_labels()
    context.setdefault("values", _values(kind))
    context.setdefault("field_errors", {})
    context.update(
        {
            "fields": [
                {"label": f.label, "kind": labels.get(f.kind, f.kind), "required": f.required}
                for f in form_get(ticket_type_id=kind.pk, version=kind.version)
            ],
            "handlers": list(kind.handlers.order_by("name", "username")),
            "ticket_count": kind.tickets.count(),
            "published": kind.state == TypeState.PUBLISHED,
        }
    )
    return context


def _refused(request: HttpRequest, kind: TicketType, exc: AppError) -> HttpResponse:
    """The type page again with the service's refusal shown where it belongs."""
    context = _page(kind, {"kind": kind, "desk": kind.desk, **_limits()})
    errors = error_context(exc)
    context["action_error"] = exc.message
    if exc.field == "handlers":
        context["handler_error"] = exc.message
    context["error"] = errors["error"]
    return _render(request, "tickettypes/type_edit.html", context, status=error_status(exc))


@login_required
@require_POST
def type_publish(request: HttpRequest, type_id: int) -> HttpResponse:
    """Publishing leads to the desk's menu editor with this type ready to add."""
    kind = admin_type(request, type_id)
    try:
        services.type_publish(kind=kind, actor=caller(request))
    except AppError as exc:
        return _refused(request, kind, exc)
    messages.success(request, _("Published. Add it to the desk's menu so employees find it."))
    url = reverse("desk-menu", kwargs={"desk_id": kind.desk_id})
    return redirect(f"{url}?add={kind.pk}")


@login_required
@require_POST
def type_unpublish(request: HttpRequest, type_id: int) -> HttpResponse:
    kind = admin_type(request, type_id)
    try:
        services.type_unpublish(kind=kind, actor=caller(request))
    except AppError as exc:
        return _refused(request, kind, exc)
    messages.success(request, _("Unpublished: it left the desk's menu."))
    return redirect("type-edit", type_id=kind.pk)


@login_required
@require_POST
def type_delete(request: HttpRequest, type_id: int) -> HttpResponse:
    kind = admin_type(request, type_id)
    services.type_delete(kind=kind, actor=caller(request))
    messages.success(request, _("Ticket type “%(name)s” deleted.") % {"name": kind.name})
    return redirect(f"{reverse('types')}?desk={kind.desk_id}")


urlpatterns: list[URLPattern] = [
    path("manage/types/", type_list, name="types"),
    path("manage/types/new/", type_create, name="type-create"),
    path("manage/types/check/", type_check, name="type-check"),
    path("manage/types/<int:type_id>/", type_edit, name="type-edit"),
    path("manage/types/<int:type_id>/publish/", type_publish, name="type-publish"),
    path("manage/types/<int:type_id>/unpublish/", type_unpublish, name="type-unpublish"),
    path("manage/types/<int:type_id>/delete/", type_delete, name="type-delete"),
]
