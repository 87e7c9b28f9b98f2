from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from servicetickets.accounts.models import User
from servicetickets.desks.selectors import desk_list_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "web/home.html", {"desks": desk_list_for(user=user)})
