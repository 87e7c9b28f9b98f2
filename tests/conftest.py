"""Shared fixtures: a desk with the standard people, and API clients acting as each of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_create
from servicetickets.desks.models import Desk
from servicetickets.tickettypes.models import TicketType
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop on the main thread for
    the rest of the session, where tests that start their own loop could not run."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)


@pytest.fixture(autouse=True)
def _english(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Messages in English unless a test asks otherwise; uploads in a folder of this session."""
    settings.UPLOAD_ROOT = tmp_path_factory.getbasetemp() / "uploads"
    with translation.override("en"):
        yield


class Api:
    """A JSON client for /api/v1 acting as one user through a bearer token."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"} if user else {}

    def _call(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        kwargs: dict[str, Any] = {**self.headers, **extra}
        kwargs["data"] = json.dumps(body) if body is not None else ""
        kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, **self.headers)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._call("post", path, body, **extra)

    def patch(self, path: str, body: Any = None) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str) -> Any:
        return self._call("delete", path)


@pytest.fixture
def api() -> Callable[[User | None], Api]:
    return Api


class People:
    """The standard cast of one desk: requester, handler, second handler, outsider, admin."""

    def __init__(self) -> None:
        self.site_admin = UserFactory(username="root", is_superuser=True, is_staff=True)
        self.desk: Desk = DeskFactory(code="IT", name="IT Assistant")
        self.admin = UserFactory(username="admin")
        self.desk.admins.add(self.admin)
        self.requester = UserFactory(username="alice", name="Alice")
        self.handler = UserFactory(username="hank", name="Hank")
        self.handler2 = UserFactory(username="hilda", name="Hilda")
        self.outsider = UserFactory(username="olga", name="Olga")
        self.ticket_type: TicketType = TicketTypeFactory(
            desk=self.desk, handlers=[self.handler, self.handler2]
        )


@pytest.fixture
def people(db: None) -> People:
    return People()
