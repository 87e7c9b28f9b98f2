"""A deactivated user's session and tokens are worth nothing: every route of the access table
answers them as it answers a caller who is not signed in, and changes nothing. The site admin
is the one deactivated, since before that they may call every route."""

from __future__ import annotations

import pytest

from servicetickets.accounts.models import User
from tests.security.access.calls import Caller
from tests.security.access.table import RULES, Rule
from tests.security.access.test_matrix import STREAM, assert_refused
from tests.security.access.world import World, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rule", [r for r in RULES if r.path != STREAM], ids=lambda r: r.name)
def test_a_deactivated_site_admin_is_treated_as_signed_out(rule: Rule) -> None:
    world = World(rule.state)
    request = Caller(world, rule, "site_admin")  # signed in (session or token) while active
    User.objects.filter(pk=world.cast["site_admin"].pk).update(is_active=False)
    before = snapshot()

    response = request.send()

    assert_refused(response, rule, 401 if rule.api else 302)
    assert snapshot() == before
