"""What the fuzzer found, pinned: each answer here was a 500 or broke the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from servicetickets.accounts.models import User
from tests.conftest import People
from tests.tickets.lifecycle import assert_error

#: Beyond any 64-bit id: SQLite raised OverflowError when a foreign key was compared with it.
HUGE = 10**30

Api = Callable[[User | None], Any]


@pytest.mark.parametrize("version", [1, HUGE])
def test_a_form_version_of_an_id_beyond_range_is_not_found(
    people: People, api: Api, version: int
) -> None:
    r = api(people.site_admin).get(f"/types/{HUGE}/forms/{version}")

    assert_error(r, 404, code="not_found")


@pytest.mark.parametrize("q", ["ali\x00ce", "ali\nce", "\x1b[31m"])
def test_a_user_search_with_control_characters_is_malformed(
    people: People, api: Api, q: str
) -> None:
    """PostgreSQL refused NUL in the comparison and the request failed with 500."""
    r = api(people.site_admin).get("/users", {"q": q})

    assert_error(r, 400, field="q", code="bad_request")


def test_a_user_search_still_finds_people(people: People, api: Api) -> None:
    r = api(people.site_admin).get("/users", {"q": "ali"})

    assert r.status_code == 200
    assert [u["username"] for u in r.json()] == ["alice"]
