"""The installable app: its manifest, its service worker and the page shown offline.

All three are public: browsers fetch the manifest without cookies, and the service worker and
the offline page carry no personal data (the offline page is cached and shown to whoever opens
the app without a network, so it must not hold a name or a CSRF token).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#2553d0"
#: Bump when the shell (what the service worker caches) changes shape; the static files'
#: own names change with their content, so a new deploy refreshes them regardless.
SHELL_VERSION = "1"


def shell_urls() -> list[str]:
    """What the service worker keeps for starting the app without a network."""
    return [
        reverse("offline"),
        static("web/app.css"),
        static("web/app.js"),
        static("django_htmx/htmx-2.min.js"),
        static("web/icons/icon.svg"),
        static("web/icons/icon-192.png"),
        static("web/icons/icon-512.png"),
    ]


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("web/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("web/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    body = {
        "name": _("Service Tickets"),
        "short_name": _("Tickets"),
        "description": _("Submit, follow and handle service tickets."),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": "#f5f6fa",
        "icons": icons,
        "shortcuts": [
            {"name": _("Workbench"), "url": reverse("workbench")},
            {"name": _("Reminders"), "url": reverse("reminders")},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope is the whole app; never cached by the browser's HTTP
    cache, so a new version is picked up on the next visit."""
    response = render(
        request,
        "web/sw.js",
        {
            "version": SHELL_VERSION,
            # JSON is JavaScript; these are our own static URLs (a JS file, not HTML).
            "shell": mark_safe(json.dumps(shell_urls())),
            "offline": mark_safe(json.dumps(reverse("offline"))),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "web/offline.html", {"theme": THEME_COLOUR})


urlpatterns: list[URLPattern] = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
    path("offline/", offline, name="offline"),
]
