"""GET /desks/{id}/types and GET /types/{id}: admins see all; employees only published types."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory


@pytest.fixture
def three_states(people: People, api: Any) -> dict[str, int]:
    """The desk's published "Repair", plus a draft and an unpublished type."""
    draft = TicketTypeFactory(
        desk=people.desk, name="Draft", handlers=[people.handler], publish=False
    )
    gone = TicketTypeFactory(desk=people.desk, name="Old", handlers=[people.handler2])
    api(people.admin).post(f"/types/{gone.pk}/unpublish")
    return {"published": people.ticket_type.pk, "draft": draft.pk, "unpublished": gone.pk}


def _names(api: Any, user: Any, desk_id: int) -> list[str]:
    r = api(user).get(f"/desks/{desk_id}/types")
    assert r.status_code == 200, r.content
    return [t["name"] for t in r.json()]


def test_admin_sees_types_in_every_state(
    people: People, api: Any, three_states: dict[str, int]
) -> None:
    assert _names(api, people.admin, people.desk.pk) == ["Repair", "Draft", "Old"]


def test_employee_sees_only_published_types(
    people: People, api: Any, three_states: dict[str, int]
) -> None:
    assert _names(api, people.outsider, people.desk.pk) == ["Repair"]


def test_handler_also_sees_the_types_they_handle(
    people: People, api: Any, three_states: dict[str, int]
) -> None:
    assert _names(api, people.handler, people.desk.pk) == ["Repair", "Draft"]


def test_type_handled_by_the_viewer_is_listed_once(people: People, api: Any) -> None:
    assert _names(api, people.handler, people.desk.pk) == ["Repair"]


@pytest.mark.parametrize("state", ["draft", "unpublished"])
def test_employee_cannot_get_an_unpublished_type(
    people: People, api: Any, three_states: dict[str, int], state: str
) -> None:
    r = api(people.outsider).get(f"/types/{three_states[state]}")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_employee_gets_a_published_type(
    people: People, api: Any, three_states: dict[str, int]
) -> None:
    r = api(people.outsider).get(f"/types/{three_states['published']}")

    assert r.status_code == 200
    assert r.json()["name"] == "Repair"
    assert r.json()["fields"][0]["key"] == "summary"


def test_admin_gets_a_draft(people: People, api: Any, three_states: dict[str, int]) -> None:
    assert api(people.admin).get(f"/types/{three_states['draft']}").json()["state"] == "draft"


def test_admin_of_another_desk_sees_only_published_types(
    people: People, api: Any, three_states: dict[str, int]
) -> None:
    DeskFactory(code="HR").admins.add(people.outsider)

    assert _names(api, people.outsider, people.desk.pk) == ["Repair"]
    assert api(people.outsider).get(f"/types/{three_states['draft']}").status_code == 404


def test_types_of_unknown_desk_are_not_found(people: People, api: Any) -> None:
    assert api(people.admin).get("/desks/999999/types").status_code == 404


def test_unknown_type_is_not_found(people: People, api: Any) -> None:
    assert api(people.admin).get("/types/999999").status_code == 404


def test_handlers_are_listed_by_username(people: People, api: Any) -> None:
    r = api(people.outsider).get(f"/types/{people.ticket_type.pk}")

    assert r.json()["handlers"] == ["hank", "hilda"]
