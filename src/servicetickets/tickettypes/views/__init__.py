"""Desk admins' pages for ticket types: the list and details, handlers, the form designer."""

from __future__ import annotations

from django.urls import URLPattern

from servicetickets.tickettypes.views import designer, handlers, types

urlpatterns: list[URLPattern] = [
    *types.urlpatterns,
    *handlers.urlpatterns,
    *designer.urlpatterns,
]
