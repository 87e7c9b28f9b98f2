"""Employee pages: submitting a ticket from its type's form.

The page posts an ordinary form; ``forms.widgets`` turns it into the ``data`` object the API
sends, and ``tickets.services.ticket_submit`` checks and stores it exactly as for the API. A
refusal re-draws the form with everything the person entered and the message beside the field
it names (status 422). Files go to the uploads API from the page script first; the form posts
their ids.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from servicetickets.accounts.models import User
from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, NotFound
from servicetickets.forms.fields import FieldDef
from servicetickets.forms.widgets import data_from_post, form_view
from servicetickets.tickets.inputs import TITLE_MAX
from servicetickets.tickets.services import ticket_submit
from servicetickets.tickettypes.models import TicketType
from servicetickets.tickettypes.selectors import form_get, type_get_for_submit
from servicetickets.uploads.selectors import upload_list_own
from servicetickets.web.errors import error_context, error_status


def _page(
    request: HttpRequest,
    *,
    user: User,
    kind: TicketType,
    fields: list[FieldDef],
    data: dict[str, Any] | None = None,
    title: str = "",
    exc: AppError | None = None,
) -> HttpResponse:
    errors = error_context(exc) if exc is not None else {"field_errors": {}, "error": None}
    field_errors: dict[str, str] = dict(errors["field_errors"])
    # ``title`` names the ticket's title unless the form has a field of that key (a form
    # field's error comes first: the form is checked before the title).
    title_error = None
    if "title" in field_errors and not any(f.key == "title" for f in fields):
        title_error = field_errors.pop("title")
    form = form_view(
        fields,
        data=data,
        errors=field_errors,
        uploads=lambda ids: upload_list_own(user=user, upload_ids=ids),
    )
    context = {
        "kind": kind,
        "desk": kind.desk,
        "form": form,
        "title": title,
        "title_error": title_error,
        "title_max": TITLE_MAX,
        "error": errors["error"],
        "has_errors": exc is not None,
    }
    status = error_status(exc) if exc is not None else 200
    return render(request, "tickets/submit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def submit_page(request: HttpRequest, type_id: int) -> HttpResponse:
    """The form of a published type; posting it submits the ticket and opens its page."""
    user = caller(request)
    kind = type_get_for_submit(user=user, type_id=type_id)
    fields = form_get(ticket_type_id=kind.pk, version=kind.version)
    if request.method != "POST":
        return _page(request, user=user, kind=kind, fields=fields)

    data = data_from_post(fields, request.POST)
    title = request.POST.get("title", "")
    try:
        ticket = ticket_submit(user=user, ticket_type_id=kind.pk, data=data, title=title)
    except NotFound:
        raise  # the type went away meanwhile: the error page says so
    except AppError as exc:
        return _page(request, user=user, kind=kind, fields=fields, data=data, title=title, exc=exc)
    messages.success(
        request, _("Ticket %(number)s submitted. We will let you know.") % {"number": ticket.number}
    )
    return redirect("ticket", ticket.pk)


urlpatterns: list[URLPattern] = [
    path("submit/<int:type_id>/", submit_page, name="submit"),
]
