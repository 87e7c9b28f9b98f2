"""The error contract: every error under /api/v1 is {"error": {code, message, field}} with the
fitting status, whoever produced it (our services, pydantic, ninja or Django itself)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.conftest import People

ERROR_KEYS = {"code", "message", "field"}


def assert_error(r: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


# --- paths and methods --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/nothing-here", "/desks/1/nothing", "/users/alice/tokens", "/v2/desks"]
)
def test_unknown_path_is_not_found(people: People, api: Any, path: str) -> None:
    assert_error(api(people.requester).get(path), 404, "not_found")


def test_unknown_path_is_not_found_even_when_signed_out(db: None, client: Client) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_not_allowed(people: People, api: Any) -> None:
    r = api(people.site_admin).put("/users", {"username": "bob"})

    assert_error(r, 405, "method_not_allowed")
    assert "GET" in r["Allow"]


def test_delete_on_a_collection_is_not_allowed(people: People, api: Any) -> None:
    assert_error(api(people.site_admin).delete("/desks"), 405, "method_not_allowed")


def test_path_id_that_is_not_a_number_is_not_found(people: People, api: Any) -> None:
    assert_error(api(people.admin).get("/desks/abc/types"), 404, "not_found")


def test_unknown_object_is_not_found(people: People, api: Any) -> None:
    error = assert_error(api(people.admin).get("/types/999999"), 404, "not_found")

    assert error["message"] == "No ticket type with that id."


# --- bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["{bad", '{"code": "FAC",}', "nul", "\x00"])
def test_malformed_json_is_bad_request(people: People, api: Any, raw: str) -> None:
    root = api(people.site_admin)

    r = root.client.post("/api/v1/desks", raw, content_type="application/json", **root.headers)

    error = assert_error(r, 400, "bad_request")
    assert error["message"] == "The request body is not valid JSON."


def test_missing_body_is_invalid(people: People, api: Any) -> None:
    error = assert_error(api(people.site_admin).post("/desks"), 422, "invalid")

    assert error["message"] == "Send the request body as a JSON object."


def test_body_that_is_not_an_object_is_invalid(people: People, api: Any) -> None:
    assert_error(api(people.site_admin).post("/desks", ["FAC", "Facilities"]), 422, "invalid")


def test_missing_property_is_invalid_and_named(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC"})

    error = assert_error(r, 422, "invalid", field="name")
    assert error["message"] == "This field is required."


def test_property_of_wrong_type_is_invalid_and_named(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": 7, "name": "Facilities"})

    error = assert_error(r, 422, "invalid", field="code")
    assert error["message"] == "Enter text."


def test_unknown_property_is_invalid_and_named(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC", "name": "F", "colour": "red"})

    error = assert_error(r, 422, "invalid", field="colour")
    assert error["message"] == "Unknown property."


def test_item_of_a_list_is_named_by_position(people: People, api: Any) -> None:
    body = {"name": "Keys", "handlers": ["hank", 5]}

    r = api(people.admin).post(f"/desks/{people.desk.pk}/types", body)

    assert_error(r, 422, "invalid", field="handlers[1]")


def test_nested_property_is_named_by_its_path(people: People, api: Any) -> None:
    menu = {"entries": [{"label": "G", "children": [{"label": "X", "type_id": "seven"}]}]}

    r = api(people.admin).put(f"/desks/{people.desk.pk}/menu", menu)

    error = assert_error(r, 422, "invalid", field="entries[0].children[0].type_id")
    assert error["message"] == "Enter a whole number."


def test_too_long_text_is_invalid_with_its_limit(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "FAC", "name": "n" * 61})

    assert_error(r, 422, "invalid", field="name")


def test_query_parameter_of_wrong_type_is_bad_request(people: People, api: Any) -> None:
    r = api(people.admin).get(f"/desks/{people.desk.pk}/types", {"deleted": "perhaps"})

    assert_error(r, 400, "bad_request", field="deleted")


# --- errors raised by services ------------------------------------------------------------


def test_service_error_keeps_its_message_code_and_field(people: People, api: Any) -> None:
    r = api(people.admin).post(f"/desks/{people.desk.pk}/types", {"name": "Thirteen char"})

    error = assert_error(r, 422, "invalid", field="name")
    assert error["message"] == "Name must be at most 12 characters."


def test_conflict_has_its_own_code(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks", {"code": "IT", "name": "Again"})

    assert_error(r, 409, "exists", field="code")


def test_forbidden_has_no_field(people: People, api: Any) -> None:
    r = api(people.requester).post("/desks", {"code": "FAC", "name": "F"})

    error = assert_error(r, 403, "forbidden")
    assert error["message"] == "Only a site admin may do this."


def test_not_signed_in_is_unauthenticated(db: None, client: Client) -> None:
    error = assert_error(client.get("/api/v1/desks"), 401, "not_authenticated")

    assert error["message"] == "Sign in or send a valid API token."


# --- the unexpected -----------------------------------------------------------------------


def test_unexpected_exception_is_a_server_error_body(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicetickets.desks import selectors

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("database on fire: secret details")

    monkeypatch.setattr(selectors, "desk_list_for", broken)

    r = api(people.requester).get("/desks")

    error = assert_error(r, 500, "server_error")
    assert "secret" not in error["message"]
    assert error["message"] == "Something went wrong on the server."


# --- language -----------------------------------------------------------------------------


def test_messages_are_english_by_default(people: People, api: Any) -> None:
    r = api(people.admin).post(f"/desks/{people.desk.pk}/types", {"name": ""})

    assert r.json()["error"]["message"] == "Name is required."


def test_message_follows_accept_language(people: People, api: Any) -> None:
    """Django's own password message has a Chinese translation, so it shows the request's
    language reaches the services that build error messages."""
    root = api(people.site_admin)

    r = root.post(
        "/users", {"username": "bob", "password": "short"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "password"
    message = r.json()["error"]["message"]
    assert "This password is too short" not in message
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message


def test_service_messages_are_built_with_gettext(db: None) -> None:
    from django.utils import translation

    from servicetickets.accounts.services import user_create
    from servicetickets.core.errors import Invalid

    with translation.override("zh-hans"), pytest.raises(Invalid) as caught:
        user_create(username="bob", password="short")

    assert caught.value.field == "password"
    assert any("\u4e00" <= char <= "\u9fff" for char in caught.value.message)


# --- size ---------------------------------------------------------------------------------


def test_too_large_json_body_is_refused(people: People, api: Any, settings: Settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    r = api(people.site_admin).post("/desks", {"code": "FAC", "name": "x" * 5000})

    assert_error(r, 413, "too_large")
