"""Mass assignment over the web pages: every page form that creates or changes something, sent
with extra fields it does not own (``requester``, ``state``, ``desk_id`` of another desk,
``is_superuser``…), does exactly what it does without them. Pages read their own fields only
(Django forms), so the extra fields are ignored: the answer's status and the database are those
of the same post without them. Every route of the site must be listed, here or as a page that
changes nothing (:func:`test_every_page_route_has_a_case`), so a new page form is covered.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from servicetickets.accounts.models import ApiToken
from servicetickets.accounts.services import token_create
from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Notification
from servicetickets.outbound import netguard
from tests.conftest import People
from tests.factories import TicketTypeFactory
from tests.security.mass_world import (
    HOSTILE_KEYS,
    World,
    build_world,
    db_snapshot,
    hostile_value,
    mark_here,
    rollback_to,
)
from tests.tickets.lifecycle import ticket_in

Body = dict[str, Any]
#: Columns drawn at random on every run (token digests, password salts, generated secrets).
RANDOM_COLUMNS = {"digest", "prefix", "password", "webhook_secret", "stored_name"}


@dataclass(frozen=True)
class Page:
    """Who posts which valid form to which page; ``owns`` are extra names that page reads on
    purpose (an export's filters), left out of the attack."""

    who: str
    make: Callable[[World], tuple[str, Body]]
    json: bool = False
    owns: frozenset[str] = field(default_factory=frozenset)


def _ticket(state: str, who: str, action: str, body: Body) -> Page:
    return Page(who, lambda w: (f"/tickets/{ticket_in(w.people, state).pk}/{action}", body))


def _reminder(w: World) -> int:
    ticket_in(w.people, "to_confirm")  # alice is told her ticket was completed
    note = Notification.objects.filter(recipient=w.people.requester).first()
    assert note is not None
    return note.pk


def _token(w: World) -> tuple[str, Body]:
    token_create(user=w.people.requester)
    token = ApiToken.objects.filter(user=w.people.requester).first()
    assert token is not None
    return "/settings/tokens/revoke", {"token_id": token.pk}


def _draft(w: World) -> int:
    kind = TicketTypeFactory(desk=w.desk, name="Draft", publish=False, handlers=[w.people.handler])
    return kind.pk


def _hooked(w: World) -> int:
    Desk.objects.filter(pk=w.desk.pk).update(
        webhook_url="https://hooks.example.com/in", webhook_secret="s" * 32
    )
    return w.desk.pk


TYPE = "manage/types/<int:type_id>/"
DESK = "site/desks/<int:desk_id>/"
FILTERS = frozenset({"desk", "type", "state", "resolution", "requester", "processor", "q"})

#: ``(route, what)`` → the case. Routes as Django spells them.
PAGES: dict[tuple[str, str], Page] = {
    ("settings/", "make a token"): Page("requester", lambda w: ("/settings/", {})),
    ("settings/tokens/revoke", ""): Page("requester", _token),
    **{
        ("tickets/<int:ticket_id>/<slug:action>", action): _ticket(*case)
        for action, case in {
            "claim": ("pending", "handler", "claim", {}),
            "transfer": ("processing", "handler", "transfer", {"to": "hilda", "note": "Yours"}),
            "reject": ("processing", "handler", "reject", {"reason": "Out of scope"}),
            "complete": ("processing", "handler", "complete", {"note": "Done"}),
            "confirm": ("to_confirm", "requester", "confirm", {"rating": "5"}),
            "return": ("to_confirm", "requester", "return", {"reason": "Still broken"}),
            "cancel": ("pending", "requester", "cancel", {"reason": "Not needed"}),
            "comment": ("pending", "requester", "comment", {"text": "Any news?"}),
            "urge": ("pending", "requester", "urge", {}),
        }.items()
    },
    ("submit/<int:type_id>/", ""): Page(
        "requester",
        lambda w: (f"/submit/{w.people.ticket_type.pk}/", {"f.summary": "Jam", "title": "Jam"}),
    ),
    ("work/claim/<int:ticket_id>", ""): Page(
        "handler", lambda w: (f"/work/claim/{ticket_in(w.people, 'pending').pk}", {})
    ),
    ("reminders/<int:notification_id>/open", ""): Page(
        "requester", lambda w: (f"/reminders/{_reminder(w)}/open", {})
    ),
    ("reminders/<int:notification_id>/read", ""): Page(
        "requester", lambda w: (f"/reminders/{_reminder(w)}/read", {})
    ),
    ("reminders/read-all", ""): Page(
        "requester", lambda w: (_reminder(w) and "/reminders/read-all", {})
    ),
    ("reminders/preferences", ""): Page(
        "requester", lambda w: ("/reminders/preferences", {"app-commented": "on"})
    ),
    ("data/export/", ""): Page("admin", lambda w: ("/data/export/", {}), owns=FILTERS),
    ("manage/types/new/", ""): Page(
        "admin", lambda w: ("/manage/types/new/", {"name": "Moving"}), owns=frozenset({"desk"})
    ),
    (TYPE, "edit"): Page(
        "admin", lambda w: (f"/manage/types/{w.people.ticket_type.pk}/", {"name": "Fixing"})
    ),
    (f"{TYPE}publish/", ""): Page("admin", lambda w: (f"/manage/types/{_draft(w)}/publish/", {})),
    (f"{TYPE}unpublish/", ""): Page(
        "admin", lambda w: (f"/manage/types/{w.people.ticket_type.pk}/unpublish/", {})
    ),
    (f"{TYPE}delete/", ""): Page(
        "admin", lambda w: (f"/manage/types/{w.people.ticket_type.pk}/delete/", {})
    ),
    (f"{TYPE}handlers/add/", ""): Page(
        "admin",
        lambda w: (f"/manage/types/{w.people.ticket_type.pk}/handlers/add/", {"username": "olga"}),
    ),
    (f"{TYPE}handlers/remove/", ""): Page(
        "admin",
        lambda w: (
            f"/manage/types/{w.people.ticket_type.pk}/handlers/remove/",
            {"username": "hilda"},
        ),
    ),
    (f"{TYPE}form/", ""): Page(
        "admin",
        lambda w: (
            f"/manage/types/{w.people.ticket_type.pk}/form/",
            {"fields": [{"key": "summary", "label": "What", "kind": "text", "required": True}]},
        ),
        json=True,
    ),
    ("manage/desks/<int:desk_id>/menu/", ""): Page(
        "admin",
        lambda w: (
            f"/manage/desks/{w.desk.pk}/menu/",
            {"entries": [{"label": "Hardware", "type_id": w.people.ticket_type.pk}]},
        ),
        json=True,
    ),
    ("site/desks/", "create"): Page(
        "site_admin", lambda w: ("/site/desks/", {"code": "FIN", "name": "Finance"})
    ),
    (f"{DESK}admins/add", ""): Page(
        "site_admin", lambda w: (f"/site/desks/{w.desk.pk}/admins/add", {"username": "hilda"})
    ),
    (f"{DESK}admins/remove", ""): Page(
        "site_admin", lambda w: (f"/site/desks/{w.desk.pk}/admins/remove", {"username": "admin"})
    ),
    (f"{DESK}settings", ""): Page(
        "site_admin",
        lambda w: (
            f"/site/desks/{w.desk.pk}/settings",
            {"name": "Helpdesk", "confirm_timeout_days": "5"},
        ),
    ),
    (f"{DESK}webhook", ""): Page(
        "site_admin",
        lambda w: (f"/site/desks/{w.desk.pk}/webhook", {"url": "https://hooks.example.com/in"}),
    ),
    (f"{DESK}webhook/clear", ""): Page(
        "site_admin", lambda w: (f"/site/desks/{_hooked(w)}/webhook/clear", {})
    ),
    ("site/users/new", ""): Page(
        "site_admin", lambda w: ("/site/users/new", {"username": "newbie"})
    ),
    ("site/users/<str:username>/deactivate", ""): Page(
        "site_admin", lambda w: ("/site/users/olga/deactivate", {})
    ),
}

#: Routes that change nothing of ours: pages to read, a check or preview that stores nothing,
#: and the sign-in, sign-out and language switch (Django's and the directory's: no form of ours).
READ_ONLY = {
    "",
    "healthz",
    "api/v1/notifications/stream",
    "manifest.webmanifest",
    "sw.js",
    "offline/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/oidc/authenticate/",
    "accounts/oidc/callback/",
    "i18n/setlang/",
    "desks/<int:desk_id>/",
    "site/desks/<int:desk_id>/",
    "data/",
    "data/exports/<uuid:export_id>/",
    "my/",
    "tickets/<int:ticket_id>/",
    "work/",
    "manage/types/",
    "manage/types/check/",
    f"{TYPE}handlers/search/",
    f"{TYPE}form/preview/",
    "reminders/",
    "reports/",
    "reports/status/",
    "reports/efficiency/",
    "site/users/",
    "site/audit/",
}


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("api/v1/"):
                out.extend(_routes(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            out.append(route)
    return out


def test_every_page_route_has_a_case() -> None:
    cased = {route for route, _what in PAGES}
    assert sorted(set(_routes(get_resolver().url_patterns)) - cased - READ_ONLY) == []
    assert sorted(cased & READ_ONLY) == []


def _comparable(snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Without what two runs of one post draw anew: times, random ids and secrets."""

    def plain(name: str, value: Any) -> Any:
        if isinstance(value, datetime.datetime | uuid.UUID) or name in RANDOM_COLUMNS:
            return "<drawn>"
        return value

    return {
        label: [{k: plain(k, v) for k, v in row.items()} for row in rows]
        for label, rows in snapshot.items()
    }


@pytest.fixture
def world(people: People, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["93.184.215.14"])
    return build_world(people)


@pytest.mark.parametrize(("route", "what"), list(PAGES), ids=[f"{r} {w}".strip() for r, w in PAGES])
def test_extra_fields_on_a_page_form_are_ignored(world: World, route: str, what: str) -> None:
    page = PAGES[(route, what)]
    url, body = page.make(world)
    client = Client()
    client.force_login(getattr(world.people, page.who))
    owned = page.owns | set(body)
    extra = {k: hostile_value(world, k) for k in HOSTILE_KEYS if k not in owned}

    def post(data: Body) -> Any:
        if page.json:
            return client.post(url, json.dumps(data), content_type="application/json")
        return client.post(url, {k: str(v) for k, v in data.items()})

    before = db_snapshot()
    mark = mark_here()
    plain = post(body)
    expected = _comparable(db_snapshot())
    rollback_to(mark)
    hostile = post({**body, **extra})

    assert plain.status_code in (200, 204, 302), plain.content[:300]
    assert expected != _comparable(before), "the case changes nothing"
    assert hostile.status_code == plain.status_code, hostile.content[:300]
    assert _comparable(db_snapshot()) == expected
