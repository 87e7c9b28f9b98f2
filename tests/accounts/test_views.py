"""Site admin pages for users: search, add, deactivate. Only site admins see them."""

from __future__ import annotations

import pytest
from django.test import Client

from servicetickets.accounts.models import ApiToken, User
from servicetickets.accounts.services import token_create
from tests.conftest import People
from tests.factories import PASSWORD, UserFactory


def _site(client: Client, people: People) -> Client:
    client.force_login(people.site_admin)
    return client


def test_anonymous_visitor_is_sent_to_sign_in(people: People, client: Client) -> None:
    for url in ("/site/users/", "/site/users/new"):
        r = client.get(url)
        assert r.status_code == 302
        assert r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["admin", "requester", "handler", "outsider"])
def test_everyone_but_site_admins_gets_not_found(people: People, client: Client, who: str) -> None:
    client.force_login(getattr(people, who))

    assert client.get("/site/users/").status_code == 404
    assert client.get("/site/users/new").status_code == 404
    assert client.post("/site/users/new", {"username": "eve"}).status_code == 404
    assert client.post("/site/users/olga/deactivate").status_code == 404
    assert not User.objects.filter(username="eve").exists()
    assert User.objects.get(username="olga").is_active


def test_site_admin_sees_every_user_with_deactivated_ones_marked(
    people: People, client: Client
) -> None:
    people.outsider.is_active = False
    people.outsider.save()

    page = _site(client, people).get("/site/users/").content.decode()

    for name in ("Root", "Admin", "Alice", "Hank", "Hilda", "Olga"):
        assert name in page
    assert page.count(">Deactivated</span>") == 1
    assert 'action="/site/users/olga/deactivate"' not in page
    assert 'action="/site/users/alice/deactivate"' in page
    assert 'aria-current="page">Users' in page


def test_search_finds_by_name_username_or_email(people: People, client: Client) -> None:
    UserFactory(username="zed", name="Zed", email="z.boss@corp.example")
    _site(client, people)

    by_email = client.get("/site/users/", {"q": "boss@corp"}).content.decode()
    by_name = client.get("/site/users/", {"q": "hil"}).content.decode()

    assert "zed" in by_email and "Alice" not in by_email
    assert "Hilda" in by_name and "Hank" not in by_name


def test_users_are_paginated(people: People, client: Client) -> None:
    for n in range(30):
        UserFactory(username=f"extra{n:02d}")
    _site(client, people)

    first = client.get("/site/users/").content.decode()
    second = client.get("/site/users/", {"page": 2}).content.decode()

    assert "36 users" in first
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in second
    assert 'action="/site/users/olga/deactivate?page=2"' in second
    assert "/site/users/admin/deactivate" not in second


def test_site_admin_adds_a_user_who_can_then_sign_in(people: People, client: Client) -> None:
    r = _site(client, people).post(
        "/site/users/new",
        {
            "username": "eve",
            "name": "Eve Example",
            "email": "eve@example.com",
            "password": PASSWORD,
        },
    )

    assert r.status_code == 302
    assert r["Location"] == "/site/users/?q=eve"
    eve = User.objects.get(username="eve")
    assert (eve.name, eve.email, eve.is_superuser) == ("Eve Example", "eve@example.com", False)
    assert Client().login(username="eve", password=PASSWORD)


def test_site_admin_flag_makes_a_site_admin(people: People, client: Client) -> None:
    _site(client, people).post(
        "/site/users/new", {"username": "sam", "password": PASSWORD, "site_admin": "on"}
    )

    assert User.objects.get(username="sam").is_superuser


def test_user_without_password_cannot_sign_in_with_one(people: People, client: Client) -> None:
    _site(client, people).post("/site/users/new", {"username": "dora"})

    assert not User.objects.get(username="dora").has_usable_password()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "bad name"}, "username", "Username must be 1 to 150 letters"),
        ({"username": "ALICE"}, "username", "A user with that username already exists."),
        ({"username": "eve", "email": "not-an-email"}, "email", "Enter a valid e-mail address."),
        ({"username": "eve", "name": "x" * 101}, "name", "Name must be at most 100 characters."),
        ({"username": "eve", "password": "short"}, "password", "too short"),
    ],
)
def test_refused_user_shows_the_error_beside_its_field(
    people: People, client: Client, data: dict[str, str], field: str, message: str
) -> None:
    before = User.objects.count()

    r = _site(client, people).post("/site/users/new", data)

    assert r.status_code == 422
    page = r.content.decode()
    assert f'<p class="field-error" id="user-{field}-error">' in page
    error = page.split(f'id="user-{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'value="{data["username"]}"' in page
    assert User.objects.count() == before


def test_site_admin_deactivates_a_user(people: People, client: Client) -> None:
    token = token_create(user=people.outsider)

    r = _site(client, people).post("/site/users/olga/deactivate?q=ol")

    assert r.status_code == 302
    assert r["Location"] == "/site/users/?q=ol"
    assert not User.objects.get(username="olga").is_active
    assert not ApiToken.objects.filter(user=people.outsider).exists()
    assert Client().get("/api/v1/desks", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert not Client().login(username="olga", password=PASSWORD)


def test_site_admin_cannot_deactivate_themselves(people: People, client: Client) -> None:
    r = _site(client, people).post("/site/users/root/deactivate")

    assert r.status_code == 422
    assert 'role="alert">You cannot deactivate yourself.</p>' in r.content.decode()
    assert User.objects.get(username="root").is_active


def test_deactivating_an_unknown_user_is_not_found(people: People, client: Client) -> None:
    assert _site(client, people).post("/site/users/nobody/deactivate").status_code == 404


def test_deactivation_needs_a_post_with_csrf(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.site_admin)

    assert client.get("/site/users/olga/deactivate").status_code == 405
    assert client.post("/site/users/olga/deactivate").status_code == 403
    assert User.objects.get(username="olga").is_active
