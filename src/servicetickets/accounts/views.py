"""Site admins: users (add, deactivate)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
