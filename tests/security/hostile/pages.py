"""The web pages and htmx fragments where planted strings appear, with who opens each and
which of the world's strings the page must show as text."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from servicetickets.accounts.models import User
from tests.security.hostile.world import World, hostile_form


@dataclass(frozen=True)
class Visit:
    name: str
    viewer: str  # an attribute of World naming the person who opens the page
    url: Callable[[World], str]
    htmx: bool = False
    #: Strings of the world the page shows as text, each a function of the world.
    shows: tuple[Callable[[World], str], ...] = ()
    post_json: Callable[[World], object] | None = None
    #: The page may refuse the request (a bad filter: 4xx) but must still draw it safely.
    may_refuse: bool = False


def _stored(w: World, limit: int) -> str:
    """What a slot of ``limit`` characters holds (services strip the ends)."""
    return w.payload.fit(limit).strip()


def title(w: World) -> str:
    return w.ticket.title


def pending_title(w: World) -> str:
    return w.pending.title


def note(w: World) -> str:
    return w.payload.text.strip()


def desk_name(w: World) -> str:
    return w.desk.name


def type_name(w: World) -> str:
    return w.kind.name


def type_description(w: World) -> str:
    return w.kind.description


def person_name(w: World) -> str:
    return w.requester.name


def field_label(w: World) -> str:
    return _stored(w, 60)


def help_text(w: World) -> str:
    return _stored(w, 500)


def option(w: World) -> str:
    return _stored(w, 100)


def menu_label(w: World) -> str:
    return _stored(w, 40)


def file_name(w: World) -> str:
    return w.uploads[-1].name


def text_value(w: World) -> str:
    return _stored(w, 200)


TICKET_SHOWS = (title, note, desk_name, type_name, person_name, field_label, option, text_value)

#: Pages by who opens them: the requester's, the handlers', the desk admin's, the site's.
REQUESTER: tuple[Visit, ...] = (
    Visit("home", "requester", lambda w: reverse("home"), shows=(desk_name,)),
    Visit(
        "portal",
        "requester",
        lambda w: reverse("desk", args=[w.desk.pk]),
        shows=(desk_name, menu_label),
    ),
    Visit(
        "submit form",
        "requester",
        lambda w: reverse("submit", args=[w.kind.pk]),
        shows=(type_name, field_label, help_text, option),
    ),
    Visit("my tickets", "requester", lambda w: reverse("my-tickets"), shows=(title,)),
    Visit("my tickets list", "requester", lambda w: reverse("my-tickets"), htmx=True),
    Visit(
        "ticket page",
        "requester",
        lambda w: reverse("ticket", args=[w.ticket.pk]),
        shows=TICKET_SHOWS,
    ),
    Visit("rejected ticket", "requester", lambda w: reverse("ticket", args=[w.rejected.pk])),
    Visit("reminders inbox", "requester", lambda w: reverse("reminders")),
    Visit("settings", "requester", lambda w: reverse("settings"), shows=(person_name,)),
)
HANDLER: tuple[Visit, ...] = (
    Visit(
        "ticket fragment",
        "handler2",
        lambda w: reverse("ticket", args=[w.ticket.pk]),
        htmx=True,
        shows=TICKET_SHOWS,
    ),
    Visit("cancelled ticket", "handler", lambda w: reverse("ticket", args=[w.cancelled.pk])),
    Visit(
        "pending ticket",
        "handler",
        lambda w: reverse("ticket", args=[w.pending.pk]),
        shows=(pending_title, file_name),
    ),
    Visit("workbench", "handler", lambda w: reverse("workbench"), shows=(pending_title,)),
    Visit("workbench rows", "handler", lambda w: reverse("workbench"), htmx=True),
    Visit("reminders inbox", "handler", lambda w: reverse("reminders"), shows=(person_name,)),
    Visit("reminders fragment", "handler", lambda w: reverse("reminders"), htmx=True),
)
DESK_ADMIN: tuple[Visit, ...] = (
    Visit("data list", "admin", lambda w: reverse("data"), shows=(title,)),
    Visit("data results", "admin", lambda w: reverse("data") + "?q=a", htmx=True),
    Visit("reports", "admin", lambda w: reverse("reports")),
    Visit("reports status", "admin", lambda w: reverse("reports-status")),
    Visit("reports efficiency", "admin", lambda w: reverse("reports-efficiency")),
    Visit("types", "admin", lambda w: reverse("types"), shows=(type_name,)),
    Visit(
        "type edit",
        "admin",
        lambda w: reverse("type-edit", args=[w.kind.pk]),
        shows=(type_name, type_description),
    ),
    Visit(
        "handler search",
        "admin",
        lambda w: reverse("handler-search", args=[w.kind.pk]) + "?q=h",
    ),
    Visit("designer", "admin", lambda w: reverse("type-designer", args=[w.kind.pk])),
    Visit(
        "designer preview",
        "admin",
        lambda w: reverse("type-preview", args=[w.kind.pk]),
        post_json=lambda w: {"fields": hostile_form(w.payload)},
        shows=(field_label, help_text, option),
    ),
    Visit("menu editor", "admin", lambda w: reverse("desk-menu", args=[w.desk.pk])),
)
SITE: tuple[Visit, ...] = (
    Visit("site desks", "root", lambda w: reverse("site-desks"), shows=(desk_name,)),
    Visit("site desk", "root", lambda w: reverse("site-desk", args=[w.desk.pk])),
    Visit(
        "site desk picker",
        "root",
        lambda w: reverse("site-desk", args=[w.desk.pk]) + "?q=a",
        htmx=True,
    ),
    Visit("site users", "root", lambda w: reverse("site-users"), shows=(person_name,)),
    Visit("audit", "root", lambda w: reverse("site-audit"), shows=(desk_name,)),
)


def _asking(name: str, *params: str) -> Callable[[World], str]:
    """The page ``name`` with the payload in each query parameter (echoed back in filters
    and in their error messages)."""
    return lambda w: reverse(name) + "?" + urlencode({p: w.payload.fit(200) for p in params})


def _refused_ok(*args: Any, **kwargs: Any) -> Visit:
    return replace(Visit(*args, **kwargs), may_refuse=True)


DATA_FILTERS = ("q", "desk", "type", "state", "requester", "processor", "ordering", "page")
#: Reflected strings: the payload sent in query strings, shown back in filters and errors.
REFLECTED: tuple[Visit, ...] = (
    _refused_ok("data filters", "admin", _asking("data", *DATA_FILTERS)),
    _refused_ok("data filter results", "admin", _asking("data", *DATA_FILTERS), htmx=True),
    _refused_ok("my tickets filter", "requester", _asking("my-tickets", "state", "page")),
    _refused_ok("workbench filter", "handler", _asking("workbench", "q", "desk", "type", "tab")),
    _refused_ok(
        "reports filters", "admin", _asking("reports-status", "desk", "type", "submitted_from")
    ),
    _refused_ok("audit filters", "root", _asking("site-audit", "desk", "actor", "action", "from")),
    _refused_ok("site users search", "root", _asking("site-users", "q", "page")),
    _refused_ok(
        "handler search query",
        "admin",
        lambda w: reverse("handler-search", args=[w.kind.pk]) + "?q=" + w.payload.fit(200),
    ),
    _refused_ok(
        "site desk picker query",
        "root",
        lambda w: reverse("site-desk", args=[w.desk.pk]) + "?" + urlencode({"q": w.payload.text}),
        htmx=True,
    ),
    _refused_ok(
        "menu editor add",
        "admin",
        lambda w: reverse("desk-menu", args=[w.desk.pk]) + "?" + urlencode({"add": w.payload.text}),
    ),
)
FAMILIES = {
    "requester": REQUESTER,
    "handler": HANDLER,
    "desk_admin": DESK_ADMIN,
    "site": SITE,
    "reflected": REFLECTED,
}


def open_page(world: World, visit: Visit) -> tuple[int, str]:
    client = Client()
    viewer: User = getattr(world, visit.viewer)
    client.force_login(viewer)
    headers = {"HX-Request": "true"} if visit.htmx else {}
    url = visit.url(world)
    if visit.post_json is not None:
        response = client.post(
            url,
            json.dumps(visit.post_json(world)),
            content_type="application/json",
            headers=headers,
        )
    else:
        response = client.get(url, headers=headers)
    return response.status_code, response.content.decode()
