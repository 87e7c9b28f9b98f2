"""Employee pages: the requester's own tickets, filtered by state chips, newest first.

The list is the API's list (``tickets.selectors.ticket_page_for``) with the requester set to
the signed-in person; the page re-reads itself as an htmx fragment when a reminder arrives.
"""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.core.auth import caller
from servicetickets.tickets.models import State
from servicetickets.tickets.selectors import (
    TicketFilter,
    open_counts_for_requester,
    ticket_page_for,
)
from servicetickets.web.htmx import is_htmx

PAGE_SIZE = 20


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= 100_000 else 1


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    user = caller(request)
    state = request.GET.get("state") or None
    if state not in State.values:
        state = None  # an unknown chip lists everything rather than nothing
    page_number = _page_number(request.GET.get("page"))
    page = ticket_page_for(
        user=user,
        filters=TicketFilter(requester=user, state=state, ordering="-submitted_at"),
        page=page_number,
        page_size=PAGE_SIZE,
    )
    counts = open_counts_for_requester(user=user)
    chips = [{"state": None, "label": _("All"), "count": None}] + [
        {"state": value, "label": label, "count": counts.get(value)}
        for value, label in State.choices
    ]
    now = timezone.now()
    rows = [{"ticket": t, "overdue": t.is_overdue(now)} for t in page.tickets]
    pages = max(1, math.ceil(page.count / PAGE_SIZE))
    context = {
        "state": state,
        "chips": chips,
        "rows": rows,
        "count": page.count,
        "page_number": page_number,
        "pages": pages,
        "has_previous": page_number > 1,
        "has_next": page_number < pages,
    }
    template = "tickets/mine.html#list" if is_htmx(request) else "tickets/mine.html"
    return render(request, template, context)


urlpatterns: list[URLPattern] = [
    path("my/", my_tickets, name="my-tickets"),
]
