"""Pages of accounts; the routes sit beside their views."""

from __future__ import annotations

from servicetickets.accounts.views import urlpatterns

__all__ = ["urlpatterns"]
