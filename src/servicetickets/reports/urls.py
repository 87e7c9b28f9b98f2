"""Pages of reports; the routes sit beside their views."""

from __future__ import annotations

from servicetickets.reports.views import urlpatterns

__all__ = ["urlpatterns"]
