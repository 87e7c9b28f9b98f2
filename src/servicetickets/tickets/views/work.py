"""The handler's workbench: tabs of the tickets of their types, refreshed live by reminders.

Tabs (``tickets.selectors.workbench_q``): New (pending in the types they handle), Mine
(processing, assigned to them), Waiting (processed by them, to be confirmed) and Done (closed
that they processed or rejected). A New row can be claimed in place.

Someone who handles no type and has no ticket in any tab (a former handler may still hold some)
gets a friendly explanation instead of empty tabs: the page is linked only for handlers, so
whoever opens it by address learns where their own tickets are.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, NotFound
from servicetickets.tickets import services
from servicetickets.tickets.selectors import (
    WORKBENCH_TABS,
    handles_any_type,
    workbench_counts_for,
    workbench_page_for,
)
from servicetickets.web.errors import error_status
from servicetickets.web.htmx import is_htmx

PAGE_SIZE = 30


class WorkQuery(forms.Form):
    tab = forms.ChoiceField(choices=[(t, t) for t in WORKBENCH_TABS], required=False)
    page = forms.IntegerField(min_value=1, required=False)


def _context(
    request: HttpRequest, *, tab: str, page: int, claimed: Any = None, claim_error: Any = None
) -> dict[str, Any]:
    user = caller(request)
    counts = workbench_counts_for(user=user)
    result = workbench_page_for(user=user, tab=tab, page=page, page_size=PAGE_SIZE)
    now = timezone.now()
    return {
        "tab": tab,
        "tabs": WORKBENCH_TABS,
        "counts": counts,
        "rows": [(t, t.is_overdue(now)) for t in result.tickets],
        "page": page,
        "has_previous": page > 1,
        "has_next": page * PAGE_SIZE < result.count,
        "now": now,
        "handles": handles_any_type(user=user),
        "claimed": claimed,
        "claim_error": claim_error,
    }


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    if not context["handles"] and not any(context["counts"].values()):
        return render(request, "tickets/work_none.html", status=status)
    template = "tickets/work.html#workbench" if is_htmx(request) else "tickets/work.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    query = WorkQuery(request.GET)
    query.is_valid()
    tab = query.cleaned_data.get("tab") or "new"
    page = query.cleaned_data.get("page") or 1
    return _render(request, _context(request, tab=tab, page=page))


@login_required
@require_POST
def workbench_claim(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Claim a New row in place; the list comes back without it (or with the conflict beside
    it: someone else was quicker)."""
    user = caller(request)
    try:
        ticket = services.ticket_claim(user=user, ticket_id=ticket_id)
    except NotFound:
        raise
    except AppError as exc:
        context = _context(request, tab="new", page=1, claim_error=(ticket_id, exc.message))
        return _render(request, context, status=error_status(exc))
    if not is_htmx(request):
        return redirect("ticket", ticket_id=ticket.pk)
    return _render(request, _context(request, tab="new", page=1, claimed=ticket))


urlpatterns: list[URLPattern] = [
    path("work/", workbench, name="workbench"),
    path("work/claim/<int:ticket_id>", workbench_claim, name="workbench-claim"),
]
