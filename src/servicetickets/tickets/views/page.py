"""The ticket page and its actions, for everyone who may see the ticket."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
