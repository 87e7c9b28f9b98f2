"""The web pages start with a sign-in form that password managers and scripts can rely on."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import People

PASSWORD = "correct-horse-battery"  # the factories' password


def _form(html: str) -> str:
    match = re.search(r"<form[^>]*>.*?</form>", html, re.S)
    assert match, html
    return match.group(0)


def test_home_sends_anonymous_visitor_to_sign_in(db: None, client: Client) -> None:
    r = client.get("/")

    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")


def test_sign_in_form_posts_username_password_and_csrf_token(db: None, client: Client) -> None:
    r = client.get("/accounts/login/")

    assert r.status_code == 200
    form = _form(r.content.decode())
    assert 'method="post"' in form
    assert 'name="username"' in form
    assert 'name="password"' in form
    assert 'type="password"' in form
    assert 'name="csrfmiddlewaretoken"' in form


def test_sign_in_with_right_password_shows_the_users_name(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token

    r = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )

    assert r.status_code == 302
    assert r["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Alice" in home.content.decode()


def test_sign_in_returns_to_the_page_asked_for(people: People, client: Client) -> None:
    r = client.post(
        "/accounts/login/?next=/settings/",
        {"username": "alice", "password": PASSWORD, "next": "/settings/"},
    )

    assert r["Location"] == "/settings/"


def test_sign_in_without_csrf_token_is_refused(people: People) -> None:
    client = Client(enforce_csrf_checks=True)

    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert r.status_code == 403
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error(people: People, client: Client) -> None:
    r = client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})

    assert r.status_code == 200
    assert 'role="alert"' in r.content.decode()
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(people: People, client: Client) -> None:
    people.requester.is_active = False
    people.requester.save()

    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert r.status_code == 200
    assert client.get("/").status_code == 302


def test_signed_in_visitor_skips_the_sign_in_page(people: People, client: Client) -> None:
    client.force_login(people.requester)

    assert client.get("/accounts/login/")["Location"] == "/"


def test_home_lists_the_desks(people: People, client: Client) -> None:
    client.force_login(people.requester)

    assert "IT Assistant" in client.get("/").content.decode()


def test_sign_out_ends_the_session(people: People, client: Client) -> None:
    client.force_login(people.requester)

    r = client.post("/accounts/logout/")

    assert r.status_code == 302
    assert client.get("/").status_code == 302
