"""POST /desks/{id}/types: a desk admin creates a ticket type in draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from servicetickets.tickettypes.models import FormVersion, TicketType
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory
from tests.tickettypes.conftest import FORM, type_body

Create = Callable[..., Any]


def test_admin_creates_type_in_draft_at_version_one(people: People, create_type: Create) -> None:
    r = create_type(handlers=["hilda", "hank"])

    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {
        "id",
        "desk_id",
        "name",
        "description",
        "state",
        "deleted",
        "version",
        "fields",
        "handlers",
        "response_hours",
        "processing_hours",
    }
    assert body["desk_id"] == people.desk.pk
    assert (body["name"], body["description"]) == ("Badge", "A new or replacement badge")
    assert (body["state"], body["deleted"], body["version"]) == ("draft", False, 1)
    assert sorted(body["handlers"]) == ["hank", "hilda"]


def test_fields_are_echoed(create_type: Create) -> None:
    body = create_type().json()

    assert body["fields"] == [
        {"key": "where", "label": "Where", "kind": "text", "required": True},
        {"key": "count", "label": "How many", "kind": "number", "required": False, "min": 1},
    ]


def test_type_is_stored_with_its_first_form(create_type: Create) -> None:
    body = create_type().json()

    kind = TicketType.objects.get(pk=body["id"])
    assert FormVersion.objects.get(ticket_type=kind, version=1).fields == body["fields"]


def test_type_without_fields_or_handlers_is_a_valid_draft(create_type: Create) -> None:
    r = create_type(fields=[], handlers=[])

    assert r.status_code == 201
    assert (r.json()["fields"], r.json()["handlers"]) == ([], [])


def test_site_admin_may_create_types_in_any_desk(people: People, api: Any) -> None:
    r = api(people.site_admin).post(f"/desks/{people.desk.pk}/types", type_body())

    assert r.status_code == 201


# --- name and description -----------------------------------------------------------------


def test_name_is_trimmed(create_type: Create) -> None:
    assert create_type(name="  Badge  ").json()["name"] == "Badge"


def test_name_of_twelve_characters_is_accepted(create_type: Create) -> None:
    assert create_type(name="Twelve chars").json()["name"] == "Twelve chars"


def test_name_of_twelve_characters_with_spaces_around_is_accepted(create_type: Create) -> None:
    assert create_type(name="   Twelve chars   ").status_code == 201


def test_name_of_twelve_chinese_characters_is_accepted(create_type: Create) -> None:
    assert create_type(name="办公室设备维修与更换申请").status_code == 201


@pytest.mark.parametrize("name", ["", "    "])
def test_empty_name_is_invalid(create_type: Create, name: str) -> None:
    r = create_type(name=name)

    assert r.status_code == 422
    assert r.json()["error"] == {"code": "invalid", "message": "Name is required.", "field": "name"}


def test_name_over_twelve_characters_is_invalid(create_type: Create) -> None:
    r = create_type(name="Thirteen char")

    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "invalid",
        "message": "Name must be at most 12 characters.",
        "field": "name",
    }
    assert not TicketType.objects.filter(name="Thirteen char").exists()


def test_missing_name_is_invalid(people: People, api: Any) -> None:
    body = type_body()
    del body["name"]

    r = api(people.admin).post(f"/desks/{people.desk.pk}/types", body)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "name"


def test_duplicate_name_in_desk_conflicts(create_type: Create) -> None:
    r = create_type(name="Repair")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "name"


def test_duplicate_name_in_other_case_conflicts(create_type: Create) -> None:
    r = create_type(name="  rEPAIR ")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "name"


def test_same_name_in_another_desk_is_fine(people: People, api: Any) -> None:
    other = DeskFactory(code="HR")

    r = api(people.site_admin).post(f"/desks/{other.pk}/types", type_body(name="Repair"))

    assert r.status_code == 201


def test_name_of_deleted_type_can_be_reused(people: People, api: Any, create_type: Create) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    r = create_type(name="Repair")

    assert r.status_code == 201
    assert TicketType.objects.filter(desk=people.desk, name="Repair").count() == 2


def test_description_of_140_characters_is_accepted(create_type: Create) -> None:
    assert create_type(description="d" * 140).status_code == 201


def test_description_over_140_characters_is_invalid(create_type: Create) -> None:
    r = create_type(description="d" * 141)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "description"


def test_description_is_optional(people: People, api: Any) -> None:
    body = type_body()
    del body["description"]

    r = api(people.admin).post(f"/desks/{people.desk.pk}/types", body)

    assert r.status_code == 201
    assert r.json()["description"] == ""


# --- handlers and fields ------------------------------------------------------------------


def test_unknown_handler_is_invalid_and_named_by_position(create_type: Create) -> None:
    r = create_type(handlers=["nobody"])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "handlers[0]"


def test_second_unknown_handler_is_named_by_position(create_type: Create) -> None:
    r = create_type(handlers=["hank", "nobody"])

    assert r.json()["error"]["field"] == "handlers[1]"


def test_deactivated_handler_is_invalid(people: People, api: Any, create_type: Create) -> None:
    api(people.site_admin).delete("/users/hilda")

    r = create_type(handlers=["hilda"])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "handlers[0]"


def test_bad_field_definition_is_invalid_and_named(create_type: Create) -> None:
    r = create_type(fields=[*FORM, {"key": "x", "label": "X", "kind": "teleport"}])

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "fields[2].kind"
    assert not TicketType.objects.filter(name="Badge").exists()


def test_unknown_property_is_invalid(create_type: Create) -> None:
    r = create_type(state="published")

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "state"


# --- the limit ----------------------------------------------------------------------------


def test_sixteenth_type_conflicts(people: People, create_type: Create) -> None:
    for i in range(14):  # the desk has one already
        TicketTypeFactory(desk=people.desk, name=f"Type {i}", publish=False)

    r = create_type()

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "limit_reached"
    assert TicketType.objects.filter(desk=people.desk).count() == 15


def test_limit_comes_from_the_setting(
    people: People, create_type: Create, settings: Settings
) -> None:
    settings.MAX_TICKET_TYPES = 2

    assert create_type(name="Second").status_code == 201
    assert create_type(name="Third").status_code == 409


def test_deleted_types_do_not_count_against_the_limit(
    people: People, api: Any, create_type: Create, settings: Settings
) -> None:
    settings.MAX_TICKET_TYPES = 1
    assert create_type().status_code == 409

    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    assert create_type().status_code == 201


def test_limit_is_per_desk(people: People, api: Any, settings: Settings) -> None:
    settings.MAX_TICKET_TYPES = 1
    other = DeskFactory(code="HR")

    assert api(people.site_admin).post(f"/desks/{other.pk}/types", type_body()).status_code == 201


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_non_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).post(f"/desks/{people.desk.pk}/types", type_body())

    assert r.status_code == 403
    assert not TicketType.objects.filter(name="Badge").exists()


def test_admin_of_another_desk_is_refused(people: People, api: Any) -> None:
    other = DeskFactory(code="HR")
    other.admins.add(people.outsider)

    r = api(people.outsider).post(f"/desks/{people.desk.pk}/types", type_body())

    assert r.status_code == 403


def test_unknown_desk_is_not_found(people: People, api: Any) -> None:
    assert api(people.site_admin).post("/desks/999999/types", type_body()).status_code == 404
