"""POST /users: only a site admin adds people; every bad value is refused naming its property."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.models import User
from tests.conftest import People


def _create(people: People, api: Any, **body: Any) -> Any:
    return api(people.site_admin).post("/users", body)


def test_site_admin_creates_user_and_gets_its_body(people: People, api: Any) -> None:
    r = _create(
        people,
        api,
        username="bob",
        name="Bob Stone",
        email="bob@example.com",
        password="s3cret-pw!",
    )

    assert r.status_code == 201, r.content
    assert r.json() == {
        "username": "bob",
        "name": "Bob Stone",
        "email": "bob@example.com",
        "site_admin": False,
        "active": True,
    }


def test_created_user_can_sign_in_with_the_password(people: People, api: Any) -> None:
    _create(people, api, username="bob", password="s3cret-pw!")

    assert User.objects.get(username="bob").check_password("s3cret-pw!")


def test_user_created_without_password_cannot_sign_in_with_one(people: People, api: Any) -> None:
    r = _create(people, api, username="bob")

    assert r.status_code == 201
    assert not User.objects.get(username="bob").has_usable_password()


def test_only_username_is_needed(people: People, api: Any) -> None:
    r = _create(people, api, username="bob")

    assert r.json() == {
        "username": "bob",
        "name": "",
        "email": "",
        "site_admin": False,
        "active": True,
    }


def test_site_admin_flag_makes_a_site_admin(people: People, api: Any) -> None:
    r = _create(people, api, username="boss", site_admin=True)

    assert r.json()["site_admin"] is True
    boss = User.objects.get(username="boss")
    assert api(boss).post("/users", {"username": "carl"}).status_code == 201


def test_values_are_trimmed(people: People, api: Any) -> None:
    r = _create(people, api, username="  bob ", name=" Bob ", email=" bob@example.com ")

    assert r.json()["username"] == "bob"
    assert r.json()["name"] == "Bob"
    assert r.json()["email"] == "bob@example.com"


@pytest.mark.parametrize("who", ["admin", "requester", "handler", "outsider"])
def test_anyone_but_a_site_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).post("/users", {"username": "bob"})

    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert not User.objects.filter(username="bob").exists()


def test_duplicate_username_conflicts(people: People, api: Any) -> None:
    r = _create(people, api, username="alice")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "username"


def test_duplicate_username_in_other_case_conflicts(people: People, api: Any) -> None:
    r = _create(people, api, username="ALICE")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "username"
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_username_of_deactivated_user_stays_taken(people: People, api: Any) -> None:
    api(people.site_admin).delete("/users/olga")

    assert _create(people, api, username="olga").status_code == 409


@pytest.mark.parametrize("username", ["", "   ", "bob smith", "bob/../x", "bób", "a\nb", "x" * 151])
def test_bad_username_is_invalid(people: People, api: Any, username: str) -> None:
    r = _create(people, api, username=username)

    assert r.status_code == 422, r.content
    assert r.json()["error"]["field"] == "username"


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com"])
def test_bad_email_is_invalid(people: People, api: Any, email: str) -> None:
    r = _create(people, api, username="bob", email=email)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "email"
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.parametrize("password", ["", "short", "1234567"])
def test_short_password_is_invalid(people: People, api: Any, password: str) -> None:
    r = _create(people, api, username="bob", password=password)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "password"
    assert not User.objects.filter(username="bob").exists()


def test_too_long_name_is_invalid(people: People, api: Any) -> None:
    r = _create(people, api, username="bob", name="n" * 101)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "name"


def test_unknown_property_is_invalid_and_named(people: People, api: Any) -> None:
    r = _create(people, api, username="bob", is_superuser=True)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "is_superuser"
    assert not User.objects.filter(username="bob").exists()


def test_missing_username_is_invalid(people: People, api: Any) -> None:
    r = _create(people, api, name="Bob")

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "username"


def test_username_of_wrong_type_is_invalid(people: People, api: Any) -> None:
    r = _create(people, api, username=42)

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "username"
