"""Fixtures of the lifecycle tests: the cast by role."""

from __future__ import annotations

import pytest

from tests.conftest import People
from tests.tickets.lifecycle import Cast


@pytest.fixture
def cast(people: People) -> Cast:
    return Cast(people)
