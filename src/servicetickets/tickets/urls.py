"""Ticket pages: each views module lists its own routes beside its views."""

from __future__ import annotations

from django.urls import URLPattern

from servicetickets.tickets.views import data, mine, page, submit, work

urlpatterns: list[URLPattern] = [
    *data.urlpatterns,
    *mine.urlpatterns,
    *page.urlpatterns,
    *submit.urlpatterns,
    *work.urlpatterns,
]
