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


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(people: People) -> None:
    def attempt(username: str) -> str:
        client = Client()
        r = client.post("/accounts/login/", {"username": username, "password": "wrong-password"})
        assert r.status_code == 200
        return _without_csrf(r.content.decode()).replace(username, "NAME")

    assert attempt("alice") == attempt("nobody")


def test_sign_in_page_labels_its_fields_and_keeps_the_username(people: People) -> None:
    r = Client().post("/accounts/login/", {"username": "alice", "password": "wrong-password"})

    page = r.content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert 'value="alice"' in page
    assert "wrong-password" not in page


def test_sign_in_page_offers_both_languages(db: None, client: Client) -> None:
    page = client.get("/accounts/login/?next=/settings/").content.decode()

    assert 'action="/i18n/setlang/"' in page
    assert 'name="next" value="/accounts/login/?next=/settings/"' in page
    assert 'value="en"' in page and ">English</button>" in page
    assert 'value="zh-hans"' in page and ">简体中文</button>" in page


def test_choosing_chinese_on_the_sign_in_page_switches_the_page(db: None, client: Client) -> None:
    r = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})

    assert r["Location"] == "/accounts/login/"
    assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()
