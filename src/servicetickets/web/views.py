from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from servicetickets.accounts.selectors import token_list
from servicetickets.accounts.services import token_create, token_revoke
from servicetickets.core.auth import caller
from servicetickets.desks.selectors import desk_list_for
from servicetickets.tickets.models import State
from servicetickets.tickets.selectors import open_counts_for_requester
from servicetickets.tickettypes.selectors import published_names_by_desk
from servicetickets.web.forms import TokenRevokeForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The employee portal's start: the desks as cards (each with what it offers) and a
    summary of the person's open tickets by state."""
    user = caller(request)
    desks = list(desk_list_for(user=user))
    offers = published_names_by_desk(desk_ids=[desk.pk for desk in desks])
    counts = open_counts_for_requester(user=user)
    summary = [
        {"state": state, "label": label, "count": counts.get(state, 0)}
        for state, label in State.choices
        if state in counts
    ]
    return render(
        request,
        "web/home.html",
        {
            "desks": [{"desk": desk, "offers": offers.get(desk.pk, [])} for desk in desks],
            "summary": summary,
            "open_total": sum(counts.values()),
            "waiting": counts.get(State.TO_CONFIRM, 0),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The user's profile, language and API tokens. A POST makes a token and shows it once,
    on this answer only: just its digest is kept, so it cannot be shown again."""
    user = caller(request)
    new_token = token_create(user=user) if request.method == "POST" else None
    return render(
        request,
        "web/settings.html",
        {"tokens": token_list(user=user), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    """Revoke one of the caller's own tokens; another person's token is "not found" (404)."""
    form = TokenRevokeForm(request.POST)
    if form.is_valid() and token_revoke(
        user=caller(request), token_id=form.cleaned_data["token_id"]
    ):
        messages.success(request, _("Token revoked."))
        return redirect("settings")
    return render(
        request,
        "web/settings.html",
        {"tokens": token_list(user=caller(request)), "error": _("No such token.")},
        status=404,
    )
