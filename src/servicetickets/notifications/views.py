"""The reminders page: the inbox, marking read, preferences."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    # Placeholder until this area's pages land.
    return render(request, "web/base.html")


urlpatterns: list[URLPattern] = [
    path("reminders/", reminder_list, name="reminders"),
]
