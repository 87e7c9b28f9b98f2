"""One hostile world per payload (see ``world.py``)."""

from __future__ import annotations

import pytest

from tests.security.hostile.payloads import PAYLOAD_IDS, PAYLOADS, Payload
from tests.security.hostile.world import World, build


@pytest.fixture(params=PAYLOADS, ids=PAYLOAD_IDS)
def payload(request: pytest.FixtureRequest) -> Payload:
    param: Payload = request.param
    return param


@pytest.fixture
def world(db: None, payload: Payload) -> World:
    return build(payload)


# The webhook receiver of the outbound tests: a real HTTP server on loopback.
from tests.outbound.conftest import receiver  # noqa: E402, F401
