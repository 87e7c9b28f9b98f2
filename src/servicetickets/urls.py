from __future__ import annotations

from django.urls import include, path

from servicetickets.core.api import api
from servicetickets.core.views import healthz
from servicetickets.notifications.stream import notification_stream

urlpatterns = [
    path("api/v1/notifications/stream", notification_stream, name="notification-stream"),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("servicetickets.web.urls")),
    path("", include("servicetickets.desks.urls")),
    path("", include("servicetickets.tickets.urls")),
    path("", include("servicetickets.tickettypes.urls")),
    path("", include("servicetickets.notifications.urls")),
    path("", include("servicetickets.reports.urls")),
    path("", include("servicetickets.accounts.urls")),
    path("", include("servicetickets.audit.urls")),
]
