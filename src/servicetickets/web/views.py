from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from servicetickets.accounts.selectors import token_list
from servicetickets.accounts.services import token_create, token_revoke
from servicetickets.core.auth import caller
from servicetickets.desks.selectors import desk_list_for
from servicetickets.web.forms import TokenRevokeForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"desks": desk_list_for(user=caller(request))})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """The user's settings: API tokens for integrations. A new token is shown once, here."""
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
    form = TokenRevokeForm(request.POST)
    if form.is_valid() and token_revoke(
        user=caller(request), token_id=form.cleaned_data["token_id"]
    ):
        return redirect("settings")
    return render(
        request,
        "web/settings.html",
        {"tokens": token_list(user=caller(request)), "error": _("No such token.")},
        status=404,
    )
