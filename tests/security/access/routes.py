"""The routes that exist, read from the running configuration: Django's URL resolver for the
pages and the OpenAPI document for the API, both in the table's ``METHOD /path/{name}``
spelling."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

#: Public by design, with the reason; everything else must be in the access table.
PUBLIC = {
    "/healthz": "load balancers probe it without signing in (API.md)",
    "/i18n/setlang/": "switching the language of the sign-in page comes before signing in",
    "/accounts/login/": "the sign-in page",
    "/accounts/logout/": "signing out ends the caller's own session, if any",
    "/accounts/oidc/authenticate/": "starts signing in through the directory (OIDC)",
    "/accounts/oidc/callback/": "where the directory (OIDC) sends the visitor back to sign in",
    "/manifest.webmanifest": "the installable app's manifest is fetched before sign-in",
    "/sw.js": "the service worker is fetched before sign-in",
    "/offline/": "the page the installed app shows without a network; it holds no data",
    "/api/v1/openapi.json": "the API contract is public (API.md)",
    "/api/v1/docs": "the API reference page, drawn from the public OpenAPI document",
    "/api/v1/": "the API's root answers 404 to everyone; no operation lives there",
}

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def resolver_paths() -> set[str]:
    """Every URL pattern as ``/path/{name}`` (a path converter's name kept, its type not)."""
    return {"/" + _CONVERTER.sub(r"{\1}", raw) for raw in _walk(get_resolver().url_patterns, "")}


def openapi_operations() -> set[str]:
    """Every operation of the OpenAPI document as ``METHOD /api/v1/path``."""
    document = Client().get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def table_path(path: str) -> str:
    """A table row's path as a resolver pattern: a page's literal action (``/claim``) is the
    pattern's ``{action}``."""
    return re.sub(r"^(/tickets/\{ticket_id\}/)[a-z]+$", r"\1{action}", path)
