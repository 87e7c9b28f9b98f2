"""Desk admins' data page: the filtered ticket list and its export ("Generate report").

The page reads the list exactly as ``GET /api/v1/tickets`` does: the query string is parsed by
the API's own ``ListQuery`` and checked by ``list_filter`` (so a bad filter gets the API's
message, shown beside its field with 422), then ``ticket_page_for`` reads one page. The export
link is ``GET /api/v1/tickets/export`` with the same query (the web session authenticates API
GETs); past the direct download's limit the page starts the background export instead
(``exports.services.export_start``, what ``POST /api/v1/exports`` does) and polls its progress.

Only desk admins and site admins reach these pages (everyone else has their own lists): for
anyone else they do not exist (404).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from servicetickets.core.api import _field_from_loc, _validation_message
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, NotFound
from servicetickets.desks.models import Desk
from servicetickets.exports import selectors as export_selectors
from servicetickets.exports import services as export_services
from servicetickets.exports.api import export_out
from servicetickets.reports.scope import administered_desk_ids
from servicetickets.reports.selectors import report_type_choices
from servicetickets.tickets.api import ListQuery, list_filter
from servicetickets.tickets.models import Resolution, State
from servicetickets.tickets.selectors import TicketFilter, ticket_page_for
from servicetickets.web.errors import error_context, error_status
from servicetickets.web.htmx import is_htmx

#: The list's query parameters (``ListQuery``), in the order the page's URL keeps them.
PARAMS = (
    "q",
    "desk",
    "type",
    "state",
    "resolution",
    "requester",
    "processor",
    "submitted_from",
    "submitted_to",
    "overdue",
    "ordering",
    "page",
    "page_size",
)
#: What the export keeps of them (paging belongs to the list).
NOT_EXPORTED = ("page", "page_size")
DEFAULT_ORDERING = "-submitted_at"
#: Sortable columns: (ordering, label, first direction when picked).
SORTABLE = {
    "number": (gettext_lazy("Number"), "number"),
    "state": (gettext_lazy("State"), "state"),
    "submitted_at": (gettext_lazy("Submitted"), "-submitted_at"),
}


def _admin_desks_or_404(request: HttpRequest) -> tuple[int, ...] | None:
    """The desks the caller administers (``None``: a site admin); anyone else finds nothing."""
    mine = administered_desk_ids(caller(request))
    if mine is not None and not mine:
        raise NotFound(_("Not found."))
    return mine


def _values(data: QueryDict) -> dict[str, str]:
    """The filters as asked, trimmed, empty ones left out (the form sends every field)."""
    out = {}
    for name in PARAMS:
        value = data.get(name, "")
        if value.strip():
            out[name] = value.strip() if name != "q" else value
    if out.get("ordering") == DEFAULT_ORDERING:  # the form always sends it
        del out["ordering"]
    return out


def parse(
    values: dict[str, str],
) -> tuple[ListQuery | None, TicketFilter | None, AppError | None, dict[str, str]]:
    """``values`` read as the API reads its query: the query, the filter, or the refusal
    (an ``AppError``, or pydantic's message as ``field_errors``)."""
    try:
        query = ListQuery.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = _field_from_loc(list(first.get("loc", []))) or "q"
        return None, None, None, {name: _validation_message(dict(first))}
    try:
        return query, list_filter(query), None, {}
    except AppError as exc:
        return query, None, exc, {}


def _filters_context(mine: tuple[int, ...] | None) -> dict[str, Any]:
    desks = Desk.objects.all() if mine is None else Desk.objects.filter(pk__in=mine)
    return {
        "desks": list(desks.order_by("name")),
        "types": report_type_choices(mine),
        "states": State.choices,
        "resolutions": Resolution.choices,
    }


def _sort_links(values: dict[str, str]) -> list[dict[str, Any]]:
    current = values.get("ordering", DEFAULT_ORDERING)
    out = []
    for name, (label, first) in SORTABLE.items():
        if current == name:
            sort, target = "ascending", f"-{name}"
        elif current == f"-{name}":
            sort, target = "descending", name
        else:
            sort, target = "none", first
        params = {k: v for k, v in values.items() if k != "page"}
        params["ordering"] = target
        out.append({"name": name, "label": label, "sort": sort, "href": f"?{urlencode(params)}"})
    return out


def _page_links(values: dict[str, str], page: int, pages: int) -> dict[str, str | None]:
    def link(number: int) -> str:
        return f"?{urlencode({**values, 'page': number})}"

    return {
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }


@login_required
@require_GET
def data_list(request: HttpRequest) -> HttpResponse:
    """The page, or (htmx) its results with the filters' errors swapped beside them."""
    mine = _admin_desks_or_404(request)
    values = _values(request.GET)
    query, filters, refusal, field_errors = parse(values)
    context: dict[str, Any] = {
        "values": values,
        "field_errors": field_errors,
        "error": None,
        "sort_links": _sort_links(values),
        "ordering": values.get("ordering", DEFAULT_ORDERING),
    }
    status = 422 if field_errors else 200
    if refusal is not None:
        context.update(error_context(refusal))
        status = error_status(refusal)
    if query is not None and filters is not None:
        page = ticket_page_for(
            user=caller(request), filters=filters, page=query.page, page_size=query.page_size
        )
        pages = max(1, -(-page.count // query.page_size))
        now = timezone.now()
        for ticket in page.tickets:  # the page's rows only (at most page_size)
            ticket.overdue_now = ticket.is_overdue(now)  # type: ignore[attr-defined]
        exported = {k: v for k, v in values.items() if k not in NOT_EXPORTED}
        context.update(
            page=page,
            page_number=query.page,
            pages=pages,
            links=_page_links(values, query.page, pages),
            direct=page.count <= export_services.DIRECT_MAX_TICKETS,
            export_href=f"/api/v1/tickets/export?{urlencode(exported)}",
            exported=exported,
        )
    context["error_list"] = [(name, context["field_errors"].get(name)) for name in PARAMS]
    if is_htmx(request):
        response = render(request, "tickets/data.html#results", context, status=status)
        # The address to share: the filters that are set, not every empty field of the form.
        response["HX-Push-Url"] = f"{request.path}?{urlencode(values)}" if values else request.path
        return response
    context.update(_filters_context(mine))
    return render(request, "tickets/data.html", context, status=status)


@login_required
@require_POST
def data_export_start(request: HttpRequest) -> HttpResponse:
    """Start the background export of the list as filtered (the form posts the page's
    filters), then show (htmx) or open its progress."""
    _admin_desks_or_404(request)
    values = {k: v for k, v in _values(request.POST).items() if k not in NOT_EXPORTED}
    query, filters, refusal, field_errors = parse(values)
    error = next(iter(field_errors.values()), None)
    if refusal is None and query is not None and filters is not None:
        try:
            export = export_services.export_start(
                user=caller(request), query=query.model_dump(exclude=set(NOT_EXPORTED))
            )
        except AppError as exc:
            refusal = exc
        else:
            if is_htmx(request):
                return _progress(request, export.pk)
            return redirect("data-export", export_id=export.pk)
    if refusal is not None:
        error = refusal.message
    context = {"error": error, "export": None}
    # 422 for every refusal here (too many exports under way too): htmx swaps it in.
    status = 422
    if is_htmx(request):
        return render(request, "tickets/data_export.html#progress", context, status=status)
    return render(request, "tickets/data_export.html", context, status=status)


def _progress(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    export = export_selectors.export_get_for(user=caller(request), export_id=export_id)
    out = export_out(export)
    context = {
        "export": out,
        "running": out.state in ("queued", "running"),
        "percent": round(100 * out.done / out.total) if out.total else 0,
        "poll": reverse("data-export", kwargs={"export_id": export.pk}),
    }
    if is_htmx(request):
        return render(request, "tickets/data_export.html#progress", context)
    return render(request, "tickets/data_export.html", context)


@login_required
@require_GET
def data_export(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    """A background export's progress (polled every second while it runs), then its
    download link. Only its creator finds it."""
    _admin_desks_or_404(request)
    return _progress(request, export_id)


urlpatterns: list[URLPattern] = [
    path("data/", data_list, name="data"),
    path("data/export/", data_export_start, name="data-export-start"),
    path("data/exports/<uuid:export_id>/", data_export, name="data-export"),
]
