"""Pages of tickettypes; the routes sit beside their views."""

from __future__ import annotations

from servicetickets.tickettypes.views import urlpatterns

__all__ = ["urlpatterns"]
