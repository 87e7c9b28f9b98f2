"""The access table covers exactly the routes that exist: a new page, fragment or API
operation without an access rule fails here, and so does a rule for a route that is gone."""

from __future__ import annotations

import pytest

from tests.security.access.routes import PUBLIC, openapi_operations, resolver_paths, table_path
from tests.security.access.table import RULES

pytestmark = pytest.mark.django_db


def test_every_url_pattern_is_in_the_table_or_public() -> None:
    covered = {table_path(rule.path) for rule in RULES} | set(PUBLIC)
    assert sorted(resolver_paths() - covered) == []


def test_every_api_operation_is_in_the_table_or_public() -> None:
    covered = {rule.route for rule in RULES if rule.api}
    public = {op for op in openapi_operations() if op.split(" ", 1)[1] in PUBLIC}
    assert sorted(openapi_operations() - covered - public) == []


def test_every_rule_names_a_route_that_exists() -> None:
    paths, operations = resolver_paths(), openapi_operations()
    gone = [
        rule.name
        for rule in RULES
        if table_path(rule.path) not in paths or (rule.api and rule.route not in operations)
    ]
    assert gone == []


def test_public_routes_exist() -> None:
    assert sorted(set(PUBLIC) - resolver_paths()) == []


def test_each_route_and_method_has_one_rule() -> None:
    names = [rule.name for rule in RULES]
    assert sorted({n for n in names if names.count(n) > 1}) == []
