"""Desk pages: each views module lists its own routes beside its views."""

from __future__ import annotations

from django.urls import URLPattern

from servicetickets.desks.views import menu, portal, site

urlpatterns: list[URLPattern] = [
    *menu.urlpatterns,
    *portal.urlpatterns,
    *site.urlpatterns,
]
