"""The ticket page and its actions, for everyone who may see the ticket."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    # Placeholder until the ticket page lands.
    return render(request, "web/base.html")


urlpatterns: list[URLPattern] = [
    path("tickets/<int:ticket_id>/", ticket_page, name="ticket"),
]
