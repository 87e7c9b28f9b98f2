"""Mass assignment over the API: no request sets what its action does not own.

The cases come from the OpenAPI document: every operation with a request body must have a case
here (a new endpoint without one fails :func:`test_every_endpoint_with_a_body_has_a_case`), and
each case is sent once per hostile key (``requester``, ``state``, ``desk_id`` of another desk,
``is_superuser``…) that its body does not own, at the top of the body and inside each nested
object. The one behaviour, everywhere: the request is refused as invalid (422, the error body,
``field`` naming the key) and the database is exactly as before. Every body schema says so in
the document too (``additionalProperties: false``). ``POST /uploads`` (multipart) refuses extra
parts the same way. Operations without a body ignore any body sent: checked per operation in
:mod:`tests.security.test_mass_assignment_bodyless`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicetickets.notifications.models import Kind
from servicetickets.outbound import netguard
from tests.conftest import Api, People
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

Body = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """Who sends which valid body to which concrete path."""

    who: str
    make: Callable[[World], tuple[str, Body]]


def _ticket_action(state: str, who: str, action: str, body: Body) -> Case:
    def make(world: World) -> tuple[str, Body]:
        return f"/tickets/{ticket_in(world.people, state).pk}/{action}", dict(body)

    return Case(who, make)


CASES: dict[tuple[str, str], Case] = {
    ("POST", "/users"): Case("site_admin", lambda w: ("/users", {"username": "newbie"})),
    ("POST", "/desks"): Case("site_admin", lambda w: ("/desks", {"code": "FIN", "name": "Fin"})),
    ("POST", "/desks/{desk_id}/admins"): Case(
        "site_admin", lambda w: (f"/desks/{w.desk.pk}/admins", {"username": "hilda"})
    ),
    ("PUT", "/desks/{desk_id}/menu"): Case(
        "admin",
        lambda w: (
            f"/desks/{w.desk.pk}/menu",
            {"entries": [{"label": "Hardware", "type_id": w.people.ticket_type.pk}]},
        ),
    ),
    ("PUT", "/desks/{desk_id}/webhook"): Case(
        "admin",
        lambda w: (f"/desks/{w.desk.pk}/webhook", {"url": "https://hooks.example.com/in"}),
    ),
    ("POST", "/desks/{desk_id}/types"): Case(
        "admin",
        lambda w: (
            f"/desks/{w.desk.pk}/types",
            {"name": "Keys", "fields": [{"key": "room", "label": "Room", "kind": "text"}]},
        ),
    ),
    ("PATCH", "/types/{type_id}"): Case(
        "admin",
        lambda w: (
            f"/types/{w.people.ticket_type.pk}",
            {"name": "Renamed", "fields": [{"key": "summary", "label": "What", "kind": "text"}]},
        ),
    ),
    ("POST", "/types/{type_id}/tickets"): Case(
        "requester",
        lambda w: (f"/types/{w.people.ticket_type.pk}/tickets", {"data": {"summary": "Jam"}}),
    ),
    ("POST", "/tickets/{ticket_id}/claim"): _ticket_action("pending", "handler", "claim", {}),
    ("POST", "/tickets/{ticket_id}/transfer"): _ticket_action(
        "processing", "handler", "transfer", {"to": "hilda", "note": "Yours"}
    ),
    ("POST", "/tickets/{ticket_id}/reject"): _ticket_action(
        "processing", "handler", "reject", {"reason": "Out of scope"}
    ),
    ("POST", "/tickets/{ticket_id}/complete"): _ticket_action(
        "processing", "handler", "complete", {"note": "Done"}
    ),
    ("POST", "/tickets/{ticket_id}/confirm"): _ticket_action(
        "to_confirm", "requester", "confirm", {"rating": 5, "comment": "Thanks"}
    ),
    ("POST", "/tickets/{ticket_id}/return"): _ticket_action(
        "to_confirm", "requester", "return", {"reason": "Still broken"}
    ),
    ("POST", "/tickets/{ticket_id}/cancel"): _ticket_action(
        "pending", "requester", "cancel", {"reason": "Not needed"}
    ),
    ("POST", "/tickets/{ticket_id}/comment"): _ticket_action(
        "pending", "requester", "comment", {"text": "Any news?"}
    ),
    ("POST", "/tickets/{ticket_id}/urge"): _ticket_action("pending", "requester", "urge", {}),
    ("PUT", "/notifications/preferences"): Case(
        "requester",
        lambda w: (
            "/notifications/preferences",
            {"kinds": [{"kind": Kind.COMMENTED.value, "email": False}]},
        ),
    ),
    # Multipart: the valid body is one part, ``file``; the hostile keys go as further parts.
    ("POST", "/uploads"): Case("requester", lambda w: ("/uploads", {})),
}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return _resolve(doc, options[0]) if len(options) == 1 else schema


def _operations_with_body() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(METHOD, path below /api/v1, body schema)`` of every operation that reads a body."""
    doc = document()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            for schema in content.values():
                yield method.upper(), path.removeprefix(PREFIX), _resolve(doc, schema["schema"])


BODY_SCHEMAS = {(m, p): s for m, p, s in _operations_with_body()}


def _owned(method: str, path: str) -> set[str]:
    return set(BODY_SCHEMAS.get((method, path), {}).get("properties", {}))


def test_every_endpoint_with_a_body_has_a_case() -> None:
    assert sorted(BODY_SCHEMAS) == sorted(CASES)


def test_every_body_schema_refuses_unknown_properties() -> None:
    """Each named object a body is made of, nested ones too, says ``additionalProperties:
    false``: what the document promises is what the server does."""
    doc = document()
    seen: set[str] = set()
    todo = [s for s in BODY_SCHEMAS.values()]
    while todo:
        schema = todo.pop()
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                component = doc["components"]["schemas"][name]
                assert component.get("additionalProperties") is False, name
                todo.append(component)
            continue
        todo.extend(schema.get("anyOf", []))
        todo.extend(schema.get("properties", {}).values())
        if isinstance(schema.get("items"), dict):
            todo.append(schema["items"])
    assert seen, "no named body schema found"


@pytest.fixture
def world(people: People, monkeypatch: pytest.MonkeyPatch) -> World:
    # The webhook case names a public host; answer for it without asking DNS.
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["93.184.215.14"])
    return build_world(people)


def _prepare(world: World, method: str, path: str) -> Body:
    """Bring the world to where the case's request is valid; its body."""
    case = CASES[(method, path)]
    world.path, body = case.make(world)
    world.client = Api(getattr(world.people, case.who))  # its token, before any snapshot
    return body


def _send(world: World, method: str, path: str, body: Body, extra: Body) -> Any:
    client = world.client
    if path == "/uploads":
        parts = {"file": SimpleUploadedFile("note.txt", b"hello"), **extra}
        return client.client.post(f"{PREFIX}/uploads", parts, **client.headers)
    return getattr(client, method.lower())(world.path, {**body, **extra})


@pytest.mark.parametrize(("method", "path"), list(CASES), ids=[" ".join(k) for k in CASES])
def test_the_valid_body_of_each_case_is_accepted(world: World, method: str, path: str) -> None:
    """The control: without the hostile key, the same request does its work."""
    body = _prepare(world, method, path)
    before = db_snapshot()

    r = _send(world, method, path, body, {})

    assert r.status_code in (200, 201, 202, 204), r.content
    assert db_snapshot() != before


def _refusals(
    world: World,
    method: str,
    path: str,
    body: Body,
    keys: list[str],
    put: Any,
    message: str = "Unknown property.",
) -> Any:
    """Send the case once per hostile key (each in a savepoint rolled back afterwards, so keys
    do not meet); the keys that were not refused by name or that changed the database."""
    failures = []
    for key in keys:
        mark = mark_here()
        before = db_snapshot()
        sent, extra, field = put(copy.deepcopy(body), key)
        r = _send(world, method, path, sent, extra)
        error = (
            r.json().get("error", {}) if r["Content-Type"].startswith("application/json") else {}
        )
        if r.status_code != 422 or error != {"code": "invalid", "message": message, "field": field}:
            failures.append((key, r.status_code, r.content[:200]))
        elif db_snapshot() != before:
            failures.append((key, "changed the database", None))
        rollback_to(mark)
    return failures


@pytest.mark.parametrize(("method", "path"), list(CASES), ids=[" ".join(k) for k in CASES])
def test_keys_the_action_does_not_own_are_refused_and_change_nothing(
    world: World, method: str, path: str
) -> None:
    body = _prepare(world, method, path)
    keys = [k for k in HOSTILE_KEYS if k not in _owned(method, path)]

    def at_top(sent: Body, key: str) -> tuple[Body, Body, str]:
        return sent, {key: hostile_value(world, key)}, key

    assert _refusals(world, method, path, body, keys, at_top) == []


def _nested_objects(schema: dict[str, Any]) -> Iterator[tuple[str, set[str]]]:
    """Properties of a body that are lists of named objects, with the properties those own."""
    doc = document()
    for name, prop in schema.get("properties", {}).items():
        items = _resolve(doc, prop).get("items")
        if isinstance(items, dict):
            owned = set(_resolve(doc, items).get("properties", {}))
            if owned:
                yield name, owned


NESTED = [
    pytest.param(method, path, name, sorted(owned), id=f"{method} {path} {name}[0]")
    for (method, path), schema in BODY_SCHEMAS.items()
    for name, owned in _nested_objects(schema)
]


@pytest.mark.parametrize(("method", "path", "name", "owned"), NESTED)
def test_keys_inside_a_nested_object_are_refused_and_change_nothing(
    world: World, method: str, path: str, name: str, owned: list[str]
) -> None:
    body = _prepare(world, method, path)
    assert body[name] and isinstance(body[name][0], dict), "the case's body has no such object"
    keys = [k for k in HOSTILE_KEYS if k not in owned]

    def inside(sent: Body, key: str) -> tuple[Body, Body, str]:
        sent[name][0][key] = hostile_value(world, key)
        return sent, {}, f"{name}[0].{key}"

    assert _refusals(world, method, path, body, keys, inside) == []


def test_keys_inside_a_tickets_form_data_are_refused_by_their_key(world: World) -> None:
    """``data`` is free-form in the document; the type's form is its schema."""
    method, path = "POST", "/types/{type_id}/tickets"
    body = _prepare(world, method, path)

    def in_data(sent: Body, key: str) -> tuple[Body, Body, str]:
        sent["data"][key] = hostile_value(world, key)
        return sent, {}, key

    failures = _refusals(world, method, path, body, list(HOSTILE_KEYS), in_data, "Unknown field.")
    assert failures == []


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/desks/{desk_id}/types"), ("PATCH", "/types/{type_id}")]
)
def test_keys_inside_a_field_definition_are_refused_and_change_nothing(
    world: World, method: str, path: str
) -> None:
    body = _prepare(world, method, path)

    def in_field(sent: Body, key: str) -> tuple[Body, Body, str]:
        sent["fields"][0][key] = hostile_value(world, key)
        return sent, {}, f"fields[0].{key}"

    assert _refusals(world, method, path, body, list(HOSTILE_KEYS), in_field) == []


def test_a_menu_cannot_link_another_desks_type(world: World) -> None:
    method, path = "PUT", "/desks/{desk_id}/menu"
    body = _prepare(world, method, path)
    body["entries"][0]["type_id"] = world.other_type.pk
    before = db_snapshot()

    r = _send(world, method, path, body, {})

    assert r.status_code == 422, r.content
    assert r.json()["error"]["field"] == "entries[0].type_id"
    assert db_snapshot() == before
