"""PATCH /types/{id}: a desk admin edits any property; the rules of creation still hold."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory
from tests.tickettypes.conftest import FORM


def _patch(people: People, api: Any, body: dict[str, Any], who: str = "admin") -> Any:
    return api(getattr(people, who)).patch(f"/types/{people.ticket_type.pk}", body)


def test_patch_name(people: People, api: Any) -> None:
    r = _patch(people, api, {"name": " Fix it "})

    assert r.status_code == 200, r.content
    assert r.json()["name"] == "Fix it"
    assert TicketType.objects.get(pk=people.ticket_type.pk).name == "Fix it"


def test_patch_description(people: People, api: Any) -> None:
    r = _patch(people, api, {"description": "Anything broken"})

    assert r.json()["description"] == "Anything broken"


def test_patch_fields(people: People, api: Any) -> None:
    r = _patch(people, api, {"fields": FORM})

    assert [f["key"] for f in r.json()["fields"]] == ["where", "count"]
    assert (
        api(people.admin).get(f"/types/{people.ticket_type.pk}").json()["fields"]
        == (r.json()["fields"])
    )


def test_patch_handlers(people: People, api: Any) -> None:
    r = _patch(people, api, {"handlers": ["hilda", "olga"]})

    assert sorted(r.json()["handlers"]) == ["hilda", "olga"]


def test_patch_only_changes_what_is_sent(people: People, api: Any) -> None:
    before = api(people.admin).get(f"/types/{people.ticket_type.pk}").json()

    after = _patch(people, api, {"description": "New words"}).json()

    assert {**before, "description": "New words"} == after


def test_empty_patch_changes_nothing(people: People, api: Any) -> None:
    before = api(people.admin).get(f"/types/{people.ticket_type.pk}").json()

    assert _patch(people, api, {}).json() == before


def test_patch_keeps_the_state(people: People, api: Any) -> None:
    assert _patch(people, api, {"name": "Fix it"}).json()["state"] == "published"


def test_keeping_the_same_name_in_other_case_is_fine(people: People, api: Any) -> None:
    r = _patch(people, api, {"name": "REPAIR"})

    assert r.status_code == 200
    assert r.json()["name"] == "REPAIR"


def test_name_of_another_type_conflicts(people: People, api: Any) -> None:
    TicketTypeFactory(desk=people.desk, name="Access", publish=False)

    r = _patch(people, api, {"name": "access"})

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "name"
    assert TicketType.objects.get(pk=people.ticket_type.pk).name == "Repair"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Thirteen char"}, "name"),
        ({"description": "d" * 141}, "description"),
        ({"handlers": ["nobody"]}, "handlers[0]"),
        ({"fields": [{"key": "Bad Key", "label": "X", "kind": "text"}]}, "fields[0].key"),
        ({"fields": "not a list"}, "fields"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_value_is_invalid_and_named(
    people: People, api: Any, body: dict[str, Any], field: str
) -> None:
    before = api(people.admin).get(f"/types/{people.ticket_type.pk}").json()

    r = _patch(people, api, body)

    assert r.status_code == 422, r.content
    assert r.json()["error"]["field"] == field
    assert api(people.admin).get(f"/types/{people.ticket_type.pk}").json() == before


def test_published_type_cannot_lose_all_handlers(people: People, api: Any) -> None:
    r = _patch(people, api, {"handlers": []})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "handlers"
    assert people.ticket_type.handlers.count() == 2


def test_draft_type_may_have_no_handlers(people: People, api: Any) -> None:
    draft = TicketTypeFactory(
        desk=people.desk, name="Draft", handlers=[people.handler], publish=False
    )

    r = api(people.admin).patch(f"/types/{draft.pk}", {"handlers": []})

    assert r.status_code == 200
    assert r.json()["handlers"] == []


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_non_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = _patch(people, api, {"name": "Hacked"}, who=who)

    assert r.status_code == 403
    assert TicketType.objects.get(pk=people.ticket_type.pk).name == "Repair"


def test_admin_of_another_desk_is_refused(people: People, api: Any) -> None:
    DeskFactory(code="HR").admins.add(people.outsider)

    assert _patch(people, api, {"name": "Hacked"}, who="outsider").status_code == 403


def test_unknown_type_is_not_found(people: People, api: Any) -> None:
    assert api(people.admin).patch("/types/999999", {"name": "X"}).status_code == 404


def test_patch_on_deleted_type_is_not_found(people: People, api: Any) -> None:
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    assert _patch(people, api, {"name": "Back"}).status_code == 404
