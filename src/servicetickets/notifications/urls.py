"""Pages of notifications; the routes sit beside their views."""

from __future__ import annotations

from servicetickets.notifications.views import urlpatterns

__all__ = ["urlpatterns"]
