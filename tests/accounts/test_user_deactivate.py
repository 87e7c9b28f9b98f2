"""DELETE /users/{username}: deactivate, never erase."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.models import User
from tests.conftest import People
from tests.factories import submit


def test_site_admin_deactivates_user(people: People, api: Any) -> None:
    r = api(people.site_admin).delete("/users/olga")

    assert r.status_code == 204
    assert r.content == b""
    olga = User.objects.get(username="olga")
    assert olga.is_active is False


def test_deactivated_users_token_stops_working(people: People, api: Any) -> None:
    olga = api(people.outsider)
    assert olga.get("/desks").status_code == 200

    api(people.site_admin).delete("/users/olga")

    r = olga.get("/desks")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"


def test_deactivated_users_session_stops_working(people: People, api: Any, client: Any) -> None:
    client.force_login(people.outsider)
    assert client.get("/api/v1/desks").status_code == 200

    api(people.site_admin).delete("/users/olga")

    assert client.get("/api/v1/desks").status_code == 401


def test_history_keeps_the_deactivated_requester(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester)

    api(people.site_admin).delete("/users/alice")

    r = api(people.handler).get(f"/tickets/{ticket.pk}")
    assert r.status_code == 200
    assert r.json()["requester"] == "alice"
    assert r.json()["timeline"][0]["actor"] == "alice"


def test_deactivated_user_is_kept_in_the_database(people: People, api: Any) -> None:
    api(people.site_admin).delete("/users/olga")

    assert User.objects.filter(username="olga").count() == 1


def test_unknown_username_is_not_found(people: People, api: Any) -> None:
    r = api(people.site_admin).delete("/users/nobody")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", ["admin", "requester", "handler"])
def test_anyone_but_a_site_admin_is_refused(people: People, api: Any, who: str) -> None:
    r = api(getattr(people, who)).delete("/users/olga")

    assert r.status_code == 403
    assert User.objects.get(username="olga").is_active


def test_site_admin_cannot_deactivate_themselves(people: People, api: Any) -> None:
    r = api(people.site_admin).delete("/users/root")

    assert r.status_code == 409
    assert r.json()["error"]["field"] == "username"
    assert User.objects.get(username="root").is_active


def test_deactivating_twice_is_harmless(people: People, api: Any) -> None:
    root = api(people.site_admin)
    root.delete("/users/olga")

    assert root.delete("/users/olga").status_code == 204
