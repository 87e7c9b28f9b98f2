"""The installable app: manifest, service worker and offline page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import People

pytestmark = pytest.mark.django_db


def test_manifest_describes_the_app_without_signing_in() -> None:
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Service Tickets"
    assert manifest["short_name"]
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#2553d0"
    icons = {(i["sizes"], i.get("purpose", "any")): i["src"] for i in manifest["icons"]}
    assert icons[("192x192", "any")].endswith("icon-192.png")
    assert icons[("512x512", "any")].endswith("icon-512.png")
    assert icons[("512x512", "maskable")].endswith("icon-maskable-512.png")


def test_manifest_icons_are_served() -> None:
    manifest = json.loads(Client().get("/manifest.webmanifest").content)
    from django.contrib.staticfiles import finders

    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/static/")
        assert finders.find(name), name


def test_service_worker_is_served_from_the_root_as_javascript() -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    for cached in ("/offline/", "web/app.css", "web/app.js", "htmx-2.min.js", "icon-192.png"):
        assert cached in body
    assert 'startsWith("/api/")' in body  # the API (and the stream under it) is never cached
    assert 'request.method !== "GET"' in body


def test_offline_page_carries_no_personal_data(people: People) -> None:
    client = Client()
    client.force_login(people.requester)
    response = client.get("/offline/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "You are offline" in body
    assert "alice" not in body.lower() and "csrf" not in body.lower()


def test_pages_link_the_manifest(people: People) -> None:
    client = Client()
    client.force_login(people.requester)
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/").content.decode()
