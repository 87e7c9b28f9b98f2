"""Schemathesis over the OpenAPI document: every operation, called with valid and invalid
input by a site admin, a desk admin and an employee, never answers 5xx, answers only the
statuses and content types it declares, with bodies that match its schemas, and every error
in API.md's body ``{"error": {"code", "message", "field"}}``.

Examples per operation and role: ``SERVICETICKETS_FUZZ_EXAMPLES`` (default 20; CI may raise it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import People
from tests.security.fuzz.checks import error_body_is_documented
from tests.security.fuzz.world import ROLES, World, build_world

EXAMPLES = int(os.environ.get("SERVICETICKETS_FUZZ_EXAMPLES", "20"))

document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# The stream never ends by design; its contract has its own tests (tests/notifications).
schema = document.exclude(path="/api/v1/notifications/stream")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_body_is_documented,
]

#: The world of the running test: generation happens inside the test, after its fixtures.
_current: list[World] = []


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half the time swap each generated path value for a real id of the world, so calls get
    past 404 into the rules behind it."""
    if not _current or not path_parameters:
        return st.just(path_parameters)
    real = _current[-1].ids
    return st.fixed_dictionaries(
        {
            name: st.just(value) | st.sampled_from(real[name]) if real.get(name) else st.just(value)
            for name, value in path_parameters.items()
        }
    )


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """One world for the module, built once in a transaction rolled back at its end; each
    test runs in a savepoint inside it (pytest-django's ``db``), so each starts from it fresh."""
    # The folder conftest's ``_english`` gives every test, so the world's files are found.
    uploads = override_settings(UPLOAD_ROOT=tmp_path_factory.getbasetemp() / "uploads")
    with uploads, django_db_blocker.unblock(), transaction.atomic():
        world = build_world(People())
        _current.append(world)
        yield world
        _current.remove(world)
        transaction.set_rollback(True)


@pytest.fixture
def _keep_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would
    close the test's transaction; Django's own test client suspends this the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def caller(
    request: pytest.FixtureRequest, world: World, db: None, _keep_connection: None
) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[request.param]}"}


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_documented(case: schemathesis.Case, caller: dict[str, str]) -> None:
    case.call_and_validate(headers=caller, checks=CHECKS)
