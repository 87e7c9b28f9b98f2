"""GET /users?q=: a people picker over active users; site admins also see deactivated ones."""

from __future__ import annotations

from typing import Any

from tests.conftest import People
from tests.factories import UserFactory


def _usernames(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["username"] for u in response.json()]


def test_lists_users_in_username_order(people: People, api: Any) -> None:
    names = _usernames(api(people.requester).get("/users"))

    assert names == sorted(names)
    assert {"root", "admin", "alice", "hank", "hilda", "olga"} <= set(names)


def test_each_user_has_the_user_shape(people: People, api: Any) -> None:
    rows = api(people.requester).get("/users", {"q": "hank"}).json()

    assert rows == [
        {
            "username": "hank",
            "name": "Hank",
            "email": "hank@example.com",
            "site_admin": False,
            "active": True,
        }
    ]


def test_q_filters_by_username(people: People, api: Any) -> None:
    assert _usernames(api(people.requester).get("/users", {"q": "hi"})) == ["hilda"]


def test_q_filters_by_name_case_insensitively(people: People, api: Any) -> None:
    UserFactory(username="zz9", name="Zoë Quinn")

    assert _usernames(api(people.requester).get("/users", {"q": "QUINN"})) == ["zz9"]


def test_q_filters_by_email(people: People, api: Any) -> None:
    UserFactory(username="x1", email="x1@facilities.example")

    assert _usernames(api(people.requester).get("/users", {"q": "facilities"})) == ["x1"]


def test_q_without_match_gives_empty_list(people: People, api: Any) -> None:
    assert _usernames(api(people.requester).get("/users", {"q": "nobody-like-this"})) == []


def test_deactivated_users_are_hidden_from_members(people: People, api: Any) -> None:
    api(people.site_admin).delete("/users/olga")

    assert "olga" not in _usernames(api(people.requester).get("/users"))


def test_site_admin_sees_deactivated_users_marked_inactive(people: People, api: Any) -> None:
    api(people.site_admin).delete("/users/olga")

    rows = api(people.site_admin).get("/users", {"q": "olga"}).json()

    assert [(u["username"], u["active"]) for u in rows] == [("olga", False)]


def test_site_admin_is_marked(people: People, api: Any) -> None:
    rows = api(people.requester).get("/users", {"q": "root"}).json()

    assert rows[0]["site_admin"] is True
