"""The user's settings page: API tokens are made there, shown once, and revoked there."""

from __future__ import annotations

import re

from django.test import Client

from servicetickets.accounts.models import ApiToken
from tests.conftest import People


def _new_token(client: Client) -> str:
    r = client.post("/settings/")
    assert r.status_code == 200
    match = re.search(r'<code id="new-token">([^<]+)</code>', r.content.decode())
    assert match, r.content
    return match.group(1)


def test_settings_page_needs_signing_in(db: None, client: Client) -> None:
    r = client.get("/settings/")

    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")


def test_settings_page_shows_no_tokens_at_first(people: People, client: Client) -> None:
    client.force_login(people.requester)

    r = client.get("/settings/")

    assert r.status_code == 200
    assert "No tokens yet." in r.content.decode()


def test_token_made_on_the_settings_page_works_for_the_api(people: People, client: Client) -> None:
    client.force_login(people.requester)
    token = _new_token(client)

    r = Client().get("/api/v1/users", {"q": "alice"}, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert r.status_code == 200
    assert ApiToken.objects.filter(user=people.requester).count() == 1


def test_token_is_shown_only_once(people: People, client: Client) -> None:
    client.force_login(people.requester)
    token = _new_token(client)

    page = client.get("/settings/").content.decode()

    assert token not in page
    assert token[:10] in page


def test_token_is_revoked_from_the_settings_page(people: People, client: Client) -> None:
    client.force_login(people.requester)
    token = _new_token(client)
    row = ApiToken.objects.get(user=people.requester)

    r = client.post("/settings/tokens/revoke", {"token_id": row.pk})

    assert r.status_code == 302
    assert not ApiToken.objects.exists()
    assert Client().get("/api/v1/desks", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_another_users_token_cannot_be_revoked(people: People, client: Client) -> None:
    other = Client()
    other.force_login(people.outsider)
    _new_token(other)
    row = ApiToken.objects.get(user=people.outsider)
    client.force_login(people.requester)

    r = client.post("/settings/tokens/revoke", {"token_id": row.pk})

    assert r.status_code == 404
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_settings_forms_need_the_csrf_token(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.requester)

    assert client.post("/settings/").status_code == 403
    assert not ApiToken.objects.exists()


def test_settings_page_shows_the_profile_and_the_language_choice(
    people: People, client: Client
) -> None:
    client.force_login(people.requester)

    page = client.get("/settings/").content.decode()

    assert "<dd>Alice</dd>" in page
    assert "<dd>alice</dd>" in page
    assert "<dd>alice@example.com</dd>" in page
    assert 'action="/i18n/setlang/"' in page
    assert 'name="next" value="/settings/"' in page


def test_settings_page_links_to_the_api_documentation(people: People, client: Client) -> None:
    client.force_login(people.requester)

    page = client.get("/settings/").content.decode()

    assert 'href="/api/v1/docs"' in page
    assert client.get("/api/v1/docs").status_code == 200


def test_new_token_comes_with_a_copy_button(people: People, client: Client) -> None:
    client.force_login(people.requester)

    page = client.post("/settings/").content.decode()

    assert 'data-copy="#new-token"' in page
    assert "/static/web/settings.js" in page


def test_revoking_asks_for_confirmation(people: People, client: Client) -> None:
    client.force_login(people.requester)
    _new_token(client)

    page = client.get("/settings/").content.decode()

    assert 'action="/settings/tokens/revoke"' in page
    assert "data-confirm=" in page
    assert '<dialog id="confirm-dialog"' in page


def test_settings_page_lists_only_the_users_own_tokens(people: People, client: Client) -> None:
    other = Client()
    other.force_login(people.outsider)
    _new_token(other)
    prefix = ApiToken.objects.get(user=people.outsider).prefix
    client.force_login(people.requester)

    page = client.get("/settings/").content.decode()

    assert prefix not in page
    assert "No tokens yet." in page
