"""Form versions: editing the form of a type with tickets makes a new version; every ticket
keeps, reports and displays the version it was submitted with."""

from __future__ import annotations

from typing import Any

from servicetickets.tickettypes.models import FormVersion
from tests.conftest import People
from tests.factories import SIMPLE_FORM, submit

NEW_FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "room", "label": "Room", "kind": "text", "required": True},
]


def _patch_fields(people: People, api: Any, fields: list[dict[str, Any]]) -> Any:
    return api(people.admin).patch(f"/types/{people.ticket_type.pk}", {"fields": fields})


def test_new_fields_on_type_with_tickets_make_version_two(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)

    r = _patch_fields(people, api, NEW_FORM)

    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2
    assert [f["key"] for f in r.json()["fields"]] == ["summary", "room"]
    assert FormVersion.objects.filter(ticket_type=people.ticket_type).count() == 2


def test_old_ticket_keeps_form_version_one(people: People, api: Any) -> None:
    old = submit(people.ticket_type, people.requester)
    _patch_fields(people, api, NEW_FORM)

    r = api(people.requester).get(f"/tickets/{old.pk}")

    assert r.json()["form_version"] == 1
    assert r.json()["data"] == {"summary": "Printer jammed"}


def test_old_ticket_is_displayed_with_its_old_form(people: People, api: Any) -> None:
    old = submit(people.ticket_type, people.requester)
    _patch_fields(people, api, NEW_FORM)
    version = api(people.requester).get(f"/tickets/{old.pk}").json()["form_version"]

    r = api(people.requester).get(f"/types/{people.ticket_type.pk}/forms/{version}")

    assert r.status_code == 200, r.content
    assert r.json()["version"] == 1
    assert [f["key"] for f in r.json()["fields"]] == [f["key"] for f in SIMPLE_FORM]


def test_new_ticket_uses_the_new_version(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    _patch_fields(people, api, NEW_FORM)

    r = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "Leak", "room": "B12"}}
    )

    assert r.status_code == 201, r.content
    assert r.json()["form_version"] == 2


def test_new_fields_on_type_without_tickets_stay_version_one(people: People, api: Any) -> None:
    r = _patch_fields(people, api, NEW_FORM)

    assert r.json()["version"] == 1
    assert [f["key"] for f in r.json()["fields"]] == ["summary", "room"]
    assert FormVersion.objects.filter(ticket_type=people.ticket_type).count() == 1


def test_same_fields_again_make_no_new_version(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)

    r = _patch_fields(people, api, SIMPLE_FORM)

    assert r.json()["version"] == 1


def test_each_form_change_with_tickets_adds_a_version(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    _patch_fields(people, api, NEW_FORM)
    submit(people.ticket_type, people.requester, {"summary": "Again", "room": "C1"})

    r = _patch_fields(people, api, SIMPLE_FORM)

    assert r.json()["version"] == 3


def test_name_change_does_not_make_a_version(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)

    r = api(people.admin).patch(f"/types/{people.ticket_type.pk}", {"name": "Fix it"})

    assert r.json()["version"] == 1


def test_old_form_of_deleted_type_stays_readable_to_the_requester(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    api(people.admin).delete(f"/types/{people.ticket_type.pk}")

    r = api(people.requester).get(f"/types/{people.ticket_type.pk}/forms/1")

    assert r.status_code == 200
    assert [f["key"] for f in r.json()["fields"]] == [f["key"] for f in SIMPLE_FORM]


def test_form_of_unknown_version_is_not_found(people: People, api: Any) -> None:
    assert api(people.admin).get(f"/types/{people.ticket_type.pk}/forms/7").status_code == 404


def test_form_of_draft_type_is_hidden_from_employees(people: People, api: Any) -> None:
    api(people.admin).post(f"/types/{people.ticket_type.pk}/unpublish")

    r = api(people.outsider).get(f"/types/{people.ticket_type.pk}/forms/1")

    assert r.status_code == 404
