"""How API callers are recognised: bearer tokens (stored hashed), or the web session with CSRF."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client

from servicetickets.accounts.models import ApiToken
from servicetickets.accounts.services import token_authenticate, token_create, token_revoke
from tests.conftest import People

ERROR_KEYS = {"code", "message", "field"}


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_bearer_token_authenticates(people: People, client: Client) -> None:
    token = token_create(user=people.requester)

    r = client.get("/api/v1/users", {"q": "alice"}, **_bearer(token))

    assert r.status_code == 200
    assert [u["username"] for u in r.json()] == ["alice"]


def test_each_token_is_different(people: People) -> None:
    assert token_create(user=people.requester) != token_create(user=people.requester)


def test_token_is_one_line_of_url_safe_characters(people: People) -> None:
    token = token_create(user=people.requester)

    assert re.fullmatch(r"[A-Za-z0-9_\-]{40,}", token)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer st_not-a-real-token",
        "Bearer garbage",
        "Bearer ",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "st_no-scheme",
    ],
)
def test_wrong_or_garbage_token_is_not_authenticated(
    people: People, client: Client, header: str
) -> None:
    r = client.get("/api/v1/desks", HTTP_AUTHORIZATION=header)

    assert r.status_code == 401
    assert set(r.json()["error"]) == ERROR_KEYS
    assert r.json()["error"]["code"] == "not_authenticated"


def test_token_with_one_character_changed_is_refused(people: People, client: Client) -> None:
    token = token_create(user=people.requester)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get("/api/v1/desks", **_bearer(tampered)).status_code == 401


def test_token_is_stored_only_as_a_digest(people: People) -> None:
    token = token_create(user=people.requester)

    row = ApiToken.objects.get(user=people.requester)
    assert token not in row.digest
    assert not token.startswith(row.digest)
    assert len(token) > len(row.prefix)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = " ".join(str(value) for record in cursor.fetchall() for value in record)
    assert token not in stored
    assert token[len(row.prefix) :] not in stored


def test_token_use_is_recorded(people: People, client: Client) -> None:
    token = token_create(user=people.requester)

    client.get("/api/v1/desks", **_bearer(token))

    assert ApiToken.objects.get(user=people.requester).last_used_at is not None


def test_revoked_token_stops_working(people: People, client: Client) -> None:
    token = token_create(user=people.requester)
    row = ApiToken.objects.get(user=people.requester)

    assert token_revoke(user=people.requester, token_id=row.pk) is True

    assert client.get("/api/v1/desks", **_bearer(token)).status_code == 401


def test_nobody_revokes_another_users_token(people: People) -> None:
    token = token_create(user=people.requester)
    row = ApiToken.objects.get(user=people.requester)

    assert token_revoke(user=people.outsider, token_id=row.pk) is False
    assert token_authenticate(token=token) == people.requester


# --- the web session ----------------------------------------------------------------------


def _session_client(people: People) -> Client:
    """Signed in through the session, with CSRF enforced as a browser would meet it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.site_admin)
    client.get("/settings/")  # a page with a form: sets the CSRF cookie
    return client


def test_session_works_for_reading_the_api(people: People) -> None:
    client = _session_client(people)

    r = client.get("/api/v1/desks")

    assert r.status_code == 200
    assert [d["code"] for d in r.json()] == ["IT"]


def test_session_post_without_csrf_token_is_forbidden(people: People) -> None:
    client = _session_client(people)

    r = client.post(
        "/api/v1/desks", {"code": "FAC", "name": "Facilities"}, content_type="application/json"
    )

    assert r.status_code == 403
    assert set(r.json()["error"]) == ERROR_KEYS
    assert r.json()["error"]["code"] == "forbidden"


def test_session_post_with_csrf_token_is_allowed(people: People) -> None:
    client = _session_client(people)
    csrf = client.cookies["csrftoken"].value

    r = client.post(
        "/api/v1/desks",
        {"code": "FAC", "name": "Facilities"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert r.status_code == 201, r.content
    assert r.json()["code"] == "FAC"


def test_bearer_token_needs_no_csrf_token(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    token = token_create(user=people.site_admin)

    r = client.post(
        "/api/v1/desks",
        {"code": "FAC", "name": "Facilities"},
        content_type="application/json",
        **_bearer(token),
    )

    assert r.status_code == 201


def test_signed_out_session_is_not_authenticated(people: People) -> None:
    client = _session_client(people)
    client.logout()

    assert client.get("/api/v1/desks").status_code == 401
