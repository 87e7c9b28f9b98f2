"""Employee pages: submitting a ticket from its type's form."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
