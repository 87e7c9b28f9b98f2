"""The site admin's audit log page: every configuration change, newest first, filtered."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicetickets.accounts.decorators import site_admin_required
from servicetickets.audit import selectors
from servicetickets.audit.actions import ACTIONS, FAMILIES
from servicetickets.audit.presenting import entry_rows
from servicetickets.core.auth import caller
from servicetickets.core.errors import BadRequest
from servicetickets.desks.models import Desk
from servicetickets.web.errors import error_context, error_status

PER_PAGE = 25
FILTERS = ("desk", "actor", "action", "from", "to")


@site_admin_required
@require_GET
def audit_view(request: HttpRequest) -> HttpResponse:
    """Filters by desk, person, kind of change and dates; a filter that names nothing (an
    unknown user, a malformed date) is shown beside its field with status 422 and nothing listed."""
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    context: dict[str, Any] = {
        "values": values,
        "desks": Desk.objects.order_by("name"),
        "families": [(code, str(label)) for code, label in FAMILIES.items()],
        "actions": [(code, str(label)) for code, label in ACTIONS.items()],
        "filtered": any(values.values()),
        "field_errors": {},
        "error": None,
        "page": None,
        "rows": [],
    }
    status = 200
    try:
        desk = values["desk"]
        if desk and not desk.isdigit():
            raise BadRequest(_("No desk with that id."), field="desk")
        filters = selectors.audit_filter(
            desk=int(desk) if desk else None,
            actor=values["actor"] or None,
            action=values["action"],
            at_from=values["from"] or None,
            at_to=values["to"] or None,
        )
    except BadRequest as exc:
        context.update(error_context(exc))
        status = error_status(exc)
    else:
        qs = selectors.audit_list_for(user=caller(request), filters=filters)
        page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = entry_rows(list(page.object_list))
    return render(request, "audit/audit.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("site/audit/", audit_view, name="site-audit"),
]
