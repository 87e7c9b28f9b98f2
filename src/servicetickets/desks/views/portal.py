"""Employee portal: the desks and each desk's menu."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
