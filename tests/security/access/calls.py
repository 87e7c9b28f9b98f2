"""One request of the matrix: a rule's route, filled in from the world, sent as one caller
(a session for pages, a bearer token for the API)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicetickets.accounts.services import token_create
from tests.security.access.table import Rule
from tests.security.access.world import World

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(value: Any, world: World, names: dict[str, str]) -> Any:
    """``value`` with every ``{name}`` replaced by the world's value of that name (or of the
    name ``names`` maps it to)."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: world.value(names.get(m[1], m[1])), value)
    if isinstance(value, dict):
        return {k: fill(v, world, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, world, names) for v in value]
    return value


class Caller:
    """A client signed in as ``caller`` the way the route's audience signs in. Built before
    the snapshot: signing in writes a session, a token or ``last_login``."""

    def __init__(self, world: World, rule: Rule, caller: str) -> None:
        self.rule = rule
        self.path = fill(rule.path, world, rule.names)
        self.body = fill(rule.body, world, rule.names)
        self.client = Client()
        self.headers: dict[str, Any] = {}
        user = world.user(caller)
        if user is not None and rule.api:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token_create(user=user)}"
        elif user is not None:
            self.client.force_login(user)

    def send(self) -> Any:
        rule, client = self.rule, self.client
        if rule.method == "GET":
            return client.get(self.path, **self.headers)
        if rule.files:
            upload = SimpleUploadedFile("note.txt", b"some bytes", content_type="text/plain")
            return client.post(self.path, {"file": upload}, **self.headers)
        if rule.api or rule.json_body:
            data = json.dumps(self.body) if self.body is not None else ""
            return client.generic(
                rule.method, self.path, data, content_type="application/json", **self.headers
            )
        # Posted the way the pages post: by htmx, which answers with a fragment.
        return client.post(self.path, self.body or {}, HTTP_HX_REQUEST="true", **self.headers)
