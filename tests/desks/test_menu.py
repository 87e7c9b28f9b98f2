"""GET/PUT /desks/{id}/menu: the desk's custom menu of published types, grouped one level."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.desks.models import MenuEntry
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory


def _menu_path(people: People) -> str:
    return f"/desks/{people.desk.pk}/menu"


def _second_type(people: People, name: str = "Access", publish: bool = True) -> TicketType:
    return TicketTypeFactory(
        desk=people.desk, name=name, handlers=[people.handler], publish=publish
    )


def test_new_desk_has_empty_menu(people: People, api: Any) -> None:
    r = api(people.requester).get(_menu_path(people))

    assert r.status_code == 200
    assert r.json() == {"entries": []}


def test_admin_sets_menu_and_everyone_reads_it_in_order(people: People, api: Any) -> None:
    repair, access = people.ticket_type, _second_type(people)
    menu = {
        "entries": [
            {"label": "Access", "type_id": access.pk},
            {
                "label": "Hardware",
                "children": [
                    {"label": "Broken printer", "type_id": repair.pk},
                    {"label": "New badge", "type_id": access.pk},
                ],
            },
            {"label": "Repair", "type_id": repair.pk},
        ]
    }

    r = api(people.admin).put(_menu_path(people), menu)

    assert r.status_code == 200, r.content
    got = api(people.requester).get(_menu_path(people)).json()
    assert got == r.json()
    assert [e["label"] for e in got["entries"]] == ["Access", "Hardware", "Repair"]
    assert [e["type_id"] for e in got["entries"]] == [access.pk, None, repair.pk]
    group = got["entries"][1]
    assert [(c["label"], c["type_id"]) for c in group["children"]] == [
        ("Broken printer", repair.pk),
        ("New badge", access.pk),
    ]
    assert got["entries"][0]["type_name"] == "Access"


def test_putting_a_menu_replaces_the_old_one(people: People, api: Any) -> None:
    admin = api(people.admin)
    admin.put(_menu_path(people), {"entries": [{"label": "A", "type_id": people.ticket_type.pk}]})

    admin.put(_menu_path(people), {"entries": [{"label": "B", "type_id": people.ticket_type.pk}]})

    labels = [e["label"] for e in admin.get(_menu_path(people)).json()["entries"]]
    assert labels == ["B"]
    assert MenuEntry.objects.filter(desk=people.desk).count() == 1


def test_empty_menu_clears_it(people: People, api: Any) -> None:
    admin = api(people.admin)
    admin.put(_menu_path(people), {"entries": [{"label": "A", "type_id": people.ticket_type.pk}]})

    assert admin.put(_menu_path(people), {"entries": []}).json() == {"entries": []}


@pytest.mark.parametrize("state", ["draft", "unpublished", "deleted"])
def test_type_that_is_not_published_is_invalid(people: People, api: Any, state: str) -> None:
    kind = _second_type(people, publish=state != "draft")
    admin = api(people.admin)
    if state == "unpublished":
        admin.post(f"/types/{kind.pk}/unpublish")
    if state == "deleted":
        admin.delete(f"/types/{kind.pk}")

    r = admin.put(_menu_path(people), {"entries": [{"label": "X", "type_id": kind.pk}]})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].type_id"


def test_type_of_another_desk_is_invalid(people: People, api: Any) -> None:
    other = TicketTypeFactory(desk=DeskFactory(code="HR"), name="Leave", handlers=[people.handler])

    r = api(people.admin).put(
        _menu_path(people), {"entries": [{"label": "X", "type_id": other.pk}]}
    )

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].type_id"


def test_unknown_type_id_is_invalid(people: People, api: Any) -> None:
    r = api(people.admin).put(_menu_path(people), {"entries": [{"label": "X", "type_id": 999999}]})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].type_id"


def test_bad_child_is_named_with_its_path(people: People, api: Any) -> None:
    menu = {
        "entries": [
            {"label": "Ok", "type_id": people.ticket_type.pk},
            {"label": "Group", "children": [{"label": "Bad", "type_id": 999999}]},
        ]
    }

    r = api(people.admin).put(_menu_path(people), menu)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[1].children[0].type_id"


def test_groups_nested_two_levels_are_invalid(people: People, api: Any) -> None:
    leaf = {"label": "Leaf", "type_id": people.ticket_type.pk}
    menu = {"entries": [{"label": "Outer", "children": [{"label": "Inner", "children": [leaf]}]}]}

    r = api(people.admin).put(_menu_path(people), menu)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].children[0].children"
    assert not MenuEntry.objects.exists()


def test_entry_that_is_both_group_and_link_is_invalid(people: People, api: Any) -> None:
    pk = people.ticket_type.pk
    menu = {"entries": [{"label": "X", "type_id": pk, "children": [{"label": "Y", "type_id": pk}]}]}

    r = api(people.admin).put(_menu_path(people), menu)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].type_id"


def test_empty_group_is_invalid(people: People, api: Any) -> None:
    r = api(people.admin).put(_menu_path(people), {"entries": [{"label": "Empty"}]})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].type_id"


@pytest.mark.parametrize("label", ["", "   ", "l" * 41])
def test_bad_label_is_invalid(people: People, api: Any, label: str) -> None:
    r = api(people.admin).put(
        _menu_path(people), {"entries": [{"label": label, "type_id": people.ticket_type.pk}]}
    )

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "entries[0].label"


def test_refused_menu_leaves_the_old_menu(people: People, api: Any) -> None:
    admin = api(people.admin)
    admin.put(_menu_path(people), {"entries": [{"label": "A", "type_id": people.ticket_type.pk}]})

    admin.put(_menu_path(people), {"entries": [{"label": "B", "type_id": 999999}]})

    assert [e["label"] for e in admin.get(_menu_path(people)).json()["entries"]] == ["A"]


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_non_admin_cannot_set_menu(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).put(
        _menu_path(people), {"entries": [{"label": "A", "type_id": people.ticket_type.pk}]}
    )

    assert r.status_code == 403
    assert not MenuEntry.objects.exists()


def test_admin_of_another_desk_cannot_set_menu(people: People, api: Any) -> None:
    other = DeskFactory(code="HR")

    r = api(people.admin).put(f"/desks/{other.pk}/menu", {"entries": []})

    assert r.status_code == 403


def test_site_admin_may_set_any_menu(people: People, api: Any) -> None:
    r = api(people.site_admin).put(
        _menu_path(people), {"entries": [{"label": "A", "type_id": people.ticket_type.pk}]}
    )

    assert r.status_code == 200


def test_menu_of_unknown_desk_is_not_found(people: People, api: Any) -> None:
    assert api(people.requester).get("/desks/999999/menu").status_code == 404


def _menu_with_type_in_and_out_of_a_group(people: People, api: Any) -> Any:
    pk = people.ticket_type.pk
    keep = _second_type(people)
    admin = api(people.admin)
    admin.put(
        _menu_path(people),
        {
            "entries": [
                {"label": "Repair", "type_id": pk},
                {"label": "Group", "children": [{"label": "Repair too", "type_id": pk}]},
                {"label": "Access", "type_id": keep.pk},
            ]
        },
    )
    return admin


def test_unpublishing_a_type_removes_its_menu_entries(people: People, api: Any) -> None:
    admin = _menu_with_type_in_and_out_of_a_group(people, api)

    admin.post(f"/types/{people.ticket_type.pk}/unpublish")

    entries = admin.get(_menu_path(people)).json()["entries"]
    assert [e["label"] for e in entries] == ["Access"]


def test_group_keeps_its_other_entries_when_one_type_leaves(people: People, api: Any) -> None:
    access = _second_type(people)
    admin = api(people.admin)
    group = {
        "label": "Group",
        "children": [
            {"label": "Repair", "type_id": people.ticket_type.pk},
            {"label": "Access", "type_id": access.pk},
        ],
    }
    admin.put(_menu_path(people), {"entries": [group]})

    admin.post(f"/types/{people.ticket_type.pk}/unpublish")

    entries = admin.get(_menu_path(people)).json()["entries"]
    assert [(e["label"], [c["label"] for c in e["children"]]) for e in entries] == [
        ("Group", ["Access"])
    ]


def test_menu_read_after_a_type_left_can_be_put_back(people: People, api: Any) -> None:
    admin = _menu_with_type_in_and_out_of_a_group(people, api)
    admin.delete(f"/types/{people.ticket_type.pk}")
    menu = admin.get(_menu_path(people)).json()

    assert admin.put(_menu_path(people), menu).status_code == 200


def test_deleting_a_type_removes_its_menu_entries(people: People, api: Any) -> None:
    admin = _menu_with_type_in_and_out_of_a_group(people, api)

    admin.delete(f"/types/{people.ticket_type.pk}")

    labels = [e["label"] for e in admin.get(_menu_path(people)).json()["entries"]]
    assert "Repair" not in labels
    assert not MenuEntry.objects.filter(ticket_type=people.ticket_type).exists()
