"""The desk menu editor page: access, saving through menu_set, errors naming the entry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from servicetickets.accounts.models import User
from servicetickets.desks.selectors import menu_get
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_menu(client: Client, desk_id: int, entries: Any) -> Any:
    return client.post(
        f"/manage/desks/{desk_id}/menu/",
        data=json.dumps({"entries": entries}),
        content_type="application/json",
    )


def test_anonymous_is_sent_to_sign_in(people: People) -> None:
    response = Client().get(f"/manage/desks/{people.desk.pk}/menu/")
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_non_admins_get_404_and_change_nothing(people: People, who: str) -> None:
    client = client_for(getattr(people, who))
    assert client.get(f"/manage/desks/{people.desk.pk}/menu/").status_code == 404
    entries = [{"label": "Repair", "type_id": people.ticket_type.pk}]
    assert post_menu(client, people.desk.pk, entries).status_code == 404
    assert menu_get(desk=people.desk) == []


def test_admin_of_another_desk_gets_404(people: People) -> None:
    other = UserFactory(username="otto")
    DeskFactory(code="FAC", name="Facilities").admins.add(other)
    assert client_for(other).get(f"/manage/desks/{people.desk.pk}/menu/").status_code == 404


def test_site_admin_may_edit_any_menu(people: People) -> None:
    assert (
        client_for(people.site_admin).get(f"/manage/desks/{people.desk.pk}/menu/").status_code
        == 200
    )


def test_page_offers_published_types_and_preselects_the_one_to_add(people: People) -> None:
    draft = TicketTypeFactory(desk=people.desk, name="Draft", publish=False)
    response = client_for(people.admin).get(
        f"/manage/desks/{people.desk.pk}/menu/", {"add": people.ticket_type.pk}
    )
    assert response.status_code == 200
    config = response.context["config"]
    assert [t["name"] for t in config["types"]] == ["Repair"]
    assert config["add"] == people.ticket_type.pk
    assert draft.pk not in [t["id"] for t in config["types"]]
    assert f'<option value="{people.ticket_type.pk}" selected>' in response.content.decode()


def test_saving_a_menu_with_a_group(people: People) -> None:
    other = TicketTypeFactory(desk=people.desk, name="Laptop", handlers=[people.handler])
    entries = [
        {"label": " Repairs ", "type_id": people.ticket_type.pk},
        {
            "label": "Hardware",
            "type_id": None,
            "children": [{"label": "Laptop", "type_id": other.pk}],
        },
    ]
    response = post_menu(client_for(people.admin), people.desk.pk, entries)
    assert response.status_code == 200
    assert response.json()["entries"][1]["children"][0]["type_id"] == other.pk
    menu = menu_get(desk=people.desk)
    assert [e.label for e in menu] == ["Repairs", "Hardware"]
    assert [c.label for c in menu[1].children.all()] == ["Laptop"]


def test_an_unpublished_type_is_refused_naming_the_entry(people: People) -> None:
    draft = TicketTypeFactory(desk=people.desk, name="Draft", publish=False)
    entries = [
        {"label": "Repair", "type_id": people.ticket_type.pk},
        {"label": "Group", "type_id": None, "children": [{"label": "Draft", "type_id": draft.pk}]},
    ]
    response = post_menu(client_for(people.admin), people.desk.pk, entries)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "entries[1].children[0].type_id"
    assert menu_get(desk=people.desk) == []


def test_an_empty_label_and_a_malformed_body_are_refused(people: People) -> None:
    client = client_for(people.admin)
    response = post_menu(
        client, people.desk.pk, [{"label": "  ", "type_id": people.ticket_type.pk}]
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "entries[0].label"
    assert post_menu(client, people.desk.pk, "nope").status_code == 422
    assert post_menu(client, people.desk.pk, [{"label": "x", "type_id": "1"}]).status_code == 422
    assert menu_get(desk=people.desk) == []
