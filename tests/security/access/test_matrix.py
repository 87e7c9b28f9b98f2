"""Every route of the access table, called by each of the nine callers against a fresh world:
allowed callers are served, everyone else gets exactly the refusal the table names, and a
refused request that would change something changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.security.access.calls import Caller
from tests.security.access.table import RULES, Rule
from tests.security.access.world import ANONYMOUS, CALLERS, World, snapshot

pytestmark = pytest.mark.django_db

#: Served by the ASGI application, not the test client: ``test_stream`` covers it.
STREAM = "/api/v1/notifications/stream"

CASES = [
    pytest.param(rule, caller, id=f"{rule.name} [{caller}]")
    for rule in RULES
    if rule.path != STREAM
    for caller in CALLERS
]


def expected(rule: Rule, caller: str) -> int | None:
    """The status a refused caller gets, or None for an allowed one."""
    if caller == ANONYMOUS:
        return 401 if rule.api else 302
    if caller in rule.allowed:
        return None
    return rule.forbidden_status if caller in rule.told_forbidden else 404


def assert_served(response: Any, rule: Rule) -> None:
    """Not a refusal and no server error: 2xx or 3xx (a redirect elsewhere than sign-in)."""
    status = response.status_code
    assert status < 400, (status, _body(response))
    if status in (301, 302, 303):
        assert not response["Location"].startswith(settings.LOGIN_URL), response["Location"]


def assert_refused(response: Any, rule: Rule, status: int) -> None:
    if rule.api:
        assert response.status_code == status, (response.status_code, _body(response))
        assert set(response.json()["error"]) == {"code", "message", "field"}
    elif status == 302:  # pages send the visitor who is not signed in to sign in
        assert response.status_code == 302, (response.status_code, _body(response))
        assert response["Location"].startswith(settings.LOGIN_URL), response["Location"]
    else:
        assert response.status_code == status, (response.status_code, _body(response))


def _body(response: Any) -> bytes:
    return b"(streamed)" if response.streaming else response.content[:600]


@pytest.mark.parametrize(("rule", "caller"), CASES)
def test_access(rule: Rule, caller: str) -> None:
    world = World(rule.state)
    request = Caller(world, rule, caller)
    refusal = expected(rule, caller)
    before = snapshot() if refusal is not None and rule.changes else None
    response = request.send()
    if refusal is None:
        assert_served(response, rule)
    else:
        assert_refused(response, rule, refusal)
        if before is not None:
            assert snapshot() == before
