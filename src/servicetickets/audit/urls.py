"""Audit log pages: each views module lists its own routes beside its views."""

from __future__ import annotations

from django.urls import URLPattern

from servicetickets.audit import views

urlpatterns: list[URLPattern] = [*views.urlpatterns]
