"""Pages of accounts; the routes sit beside their views."""

from __future__ import annotations

from servicetickets.accounts import views
from servicetickets.accounts.directory import views as directory_views

urlpatterns = [*views.urlpatterns, *directory_views.urlpatterns]
