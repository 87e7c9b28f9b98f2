"""POST /desks/{id}/admins: a site admin names who administers a desk."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People
from tests.factories import DeskFactory


def _new_type(api: Any, user: Any, desk_id: int) -> Any:
    return api(user).post(f"/desks/{desk_id}/types", {"name": "Keys", "handlers": ["hank"]})


def test_site_admin_adds_desk_admin(people: People, api: Any) -> None:
    r = api(people.site_admin).post(f"/desks/{people.desk.pk}/admins", {"username": "olga"})

    assert r.status_code == 204
    assert r.content == b""
    assert people.desk.admins.filter(username="olga").exists()


def test_new_desk_admin_may_create_types_there(people: People, api: Any) -> None:
    assert _new_type(api, people.outsider, people.desk.pk).status_code == 403

    api(people.site_admin).post(f"/desks/{people.desk.pk}/admins", {"username": "olga"})

    assert _new_type(api, people.outsider, people.desk.pk).status_code == 201


def test_admin_of_one_desk_does_not_administer_another(people: People, api: Any) -> None:
    other = DeskFactory(code="HR", name="People")

    assert _new_type(api, people.admin, other.pk).status_code == 403


def test_adding_an_admin_twice_is_harmless(people: People, api: Any) -> None:
    root = api(people.site_admin)

    assert root.post(f"/desks/{people.desk.pk}/admins", {"username": "admin"}).status_code == 204
    assert people.desk.admins.filter(username="admin").count() == 1


def test_unknown_username_is_invalid(people: People, api: Any) -> None:
    r = api(people.site_admin).post(f"/desks/{people.desk.pk}/admins", {"username": "nobody"})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "username"


def test_deactivated_user_cannot_become_admin(people: People, api: Any) -> None:
    root = api(people.site_admin)
    root.delete("/users/olga")

    r = root.post(f"/desks/{people.desk.pk}/admins", {"username": "olga"})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "username"


def test_unknown_desk_is_not_found(people: People, api: Any) -> None:
    r = api(people.site_admin).post("/desks/999999/admins", {"username": "olga"})

    assert r.status_code == 404


def test_missing_username_is_invalid(people: People, api: Any) -> None:
    r = api(people.site_admin).post(f"/desks/{people.desk.pk}/admins", {})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "username"


@pytest.mark.parametrize("who", ["admin", "requester", "handler", "outsider"])
def test_anyone_but_a_site_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).post(f"/desks/{people.desk.pk}/admins", {"username": "olga"})

    assert r.status_code == 403
    assert not people.desk.admins.filter(username="olga").exists()
