"""Mass assignment on the API's operations that change something but read no body (publish,
delete, mark read, start an export…): a JSON body full of keys they do not own (``state``,
``desk_id``, ``is_superuser``…) is ignored whole, so the database ends exactly as after the
same request sent without it. Every such operation in the OpenAPI document must have a case
(:func:`test_every_operation_without_a_body_has_a_case`); the ones with a body are refused by
name in :mod:`tests.security.test_mass_assignment`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Notification
from tests.conftest import Api, People
from tests.factories import TicketTypeFactory
from tests.security.mass_world import (
    HOSTILE_KEYS,
    PREFIX,
    World,
    build_world,
    db_snapshot,
    document,
    hostile_value,
    mark_here,
    rollback_to,
)
from tests.tickets.lifecycle import ticket_in

CHANGING = ("post", "put", "patch", "delete")
Make = Callable[[World], str]


def _draft_type(w: World) -> str:
    kind = TicketTypeFactory(desk=w.desk, name="Draft", publish=False, handlers=[w.people.handler])
    return f"/types/{kind.pk}/publish"


def _a_reminder(w: World) -> str:
    ticket_in(w.people, "to_confirm")  # alice is told her ticket was completed
    note = Notification.objects.filter(recipient=w.people.requester).first()
    assert note is not None
    return f"/notifications/{note.pk}/read"


def _a_webhook(w: World) -> str:
    Desk.objects.filter(pk=w.desk.pk).update(
        webhook_url="https://hooks.example.com/in", webhook_secret="s" * 32
    )
    return f"/desks/{w.desk.pk}/webhook"


#: ``(METHOD, path)`` → who sends it, and how to bring the world to where it does something.
CASES: dict[tuple[str, str], tuple[str, Make]] = {
    ("DELETE", "/users/{username}"): ("site_admin", lambda w: "/users/olga"),
    ("DELETE", "/types/{type_id}"): ("admin", lambda w: f"/types/{w.people.ticket_type.pk}"),
    ("POST", "/types/{type_id}/publish"): ("admin", _draft_type),
    ("POST", "/types/{type_id}/unpublish"): (
        "admin",
        lambda w: f"/types/{w.people.ticket_type.pk}/unpublish",
    ),
    ("POST", "/exports"): ("admin", lambda w: "/exports"),
    ("POST", "/notifications/read-all"): (
        "requester",
        lambda w: _a_reminder(w) and "/notifications/read-all",
    ),
    ("POST", "/notifications/{notification_id}/read"): ("requester", _a_reminder),
    ("DELETE", "/desks/{desk_id}/webhook"): ("admin", _a_webhook),
}


def _operations_without_body() -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path.removeprefix(PREFIX))
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if method in CHANGING and "requestBody" not in operation
    )


def test_every_operation_without_a_body_has_a_case() -> None:
    assert _operations_without_body() == sorted(CASES)


def _comparable(snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The snapshot without what differs between two runs of one request anyway: the moment
    it ran and the random ids it drew."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return "<time>"
        if isinstance(value, uuid.UUID):
            return "<uuid>"
        return value

    return {
        label: [{k: plain(v) for k, v in row.items()} for row in rows]
        for label, rows in snapshot.items()
    }


@pytest.fixture
def world(people: People) -> World:
    return build_world(people)


@pytest.mark.parametrize(("method", "path"), list(CASES), ids=[" ".join(k) for k in CASES])
def test_a_hostile_body_is_ignored_and_the_action_does_only_its_own_work(
    world: World, method: str, path: str
) -> None:
    who, make = CASES[(method, path)]
    target = make(world)
    client = Api(getattr(world.people, who))

    def send(target: str, body: dict[str, Any] | None = None) -> Any:
        return client._call(method.lower(), target, body)

    before = db_snapshot()

    mark = mark_here()
    plain = send(target)
    expected = _comparable(db_snapshot())
    rollback_to(mark)
    assert db_snapshot() == before
    hostile = send(target, {key: hostile_value(world, key) for key in HOSTILE_KEYS})

    assert plain.status_code in (200, 201, 202, 204), plain.content
    assert expected != _comparable(before), "the case changes nothing"
    assert hostile.status_code == plain.status_code, hostile.content
    assert _comparable(db_snapshot()) == expected
