"""The Hypothesis profile of the visibility properties, and a fresh world per example.

Every example builds its world inside a savepoint that is rolled back at its end, so each one
starts from the empty test database (the kept tables roll back with the tickets). The number
of examples is small by default (each example builds a world and asks every person about every
ticket); ``VISIBILITY_EXAMPLES`` raises it for a longer hunt.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings

from tests.security.properties.world import World, WorldPlan, build

settings.register_profile(
    "visibility",
    max_examples=int(os.environ.get("VISIBILITY_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VISIBILITY = settings.get_profile("visibility")


@contextmanager
def _rolled_back(plan: WorldPlan) -> Iterator[World]:
    with transaction.atomic():
        yield build(plan)
        transaction.set_rollback(True)


@pytest.fixture
def fresh_world(db: None) -> Callable[[WorldPlan], AbstractContextManager[World]]:
    """``with fresh_world(plan) as world:`` — the plan built, undone afterwards."""
    return _rolled_back
