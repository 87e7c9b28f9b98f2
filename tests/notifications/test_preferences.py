"""A user's reminder preferences: ``GET``/``PUT /notifications/preferences``, and the inbox
following them (``app`` off means no inbox row and no live push for that kind)."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.notifications.models import Kind, Notification
from servicetickets.notifications.services import Choice, preferences_set
from tests.conftest import People
from tests.factories import submit


def _prefs(api: Any, user: Any) -> dict[str, dict[str, Any]]:
    r = api(user).get("/notifications/preferences")
    assert r.status_code == 200, r.content
    return {row["kind"]: row for row in r.json()["kinds"]}


def test_every_kind_starts_with_every_channel_on(people: People, api: Any) -> None:
    prefs = _prefs(api, people.handler)

    assert list(prefs) == list(Kind.values)
    assert prefs["new_ticket"] == {
        "kind": "new_ticket",
        "label": "New ticket",
        "app": True,
        "email": True,
    }
    assert all(row["app"] and row["email"] for row in prefs.values())


def test_put_changes_only_what_it_names(people: People, api: Any) -> None:
    hank = api(people.handler)

    r = hank.put("/notifications/preferences", {"kinds": [{"kind": "urged", "email": False}]})
    assert r.status_code == 200, r.content
    r = hank.put("/notifications/preferences", {"kinds": [{"kind": "urged", "app": False}]})

    urged = {row["kind"]: row for row in r.json()["kinds"]}["urged"]
    assert (urged["app"], urged["email"]) == (False, False)
    assert _prefs(api, people.handler)["new_ticket"]["email"] is True
    # Another user's preferences are their own.
    assert _prefs(api, people.handler2)["urged"]["app"] is True


def test_unknown_kind_is_refused_and_nothing_changes(people: People, api: Any) -> None:
    r = api(people.handler).put(
        "/notifications/preferences",
        {"kinds": [{"kind": "urged", "app": False}, {"kind": "bogus", "app": False}]},
    )

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "kinds[1].kind"
    assert "bogus" in r.json()["error"]["message"]
    assert _prefs(api, people.handler)["urged"]["app"] is True


@pytest.mark.parametrize("body", [{}, {"kinds": [{"app": False}]}, {"kinds": "all"}])
def test_malformed_body_names_the_field(people: People, api: Any, body: Any) -> None:
    r = api(people.handler).put("/notifications/preferences", body)

    assert r.status_code == 422
    assert r.json()["error"]["field"].startswith("kinds")


def test_anonymous_gets_401(api: Any) -> None:
    assert api(None).get("/notifications/preferences").status_code == 401


def test_app_off_keeps_that_kind_out_of_the_inbox(people: People, api: Any) -> None:
    preferences_set(user=people.handler, choices=[Choice(kind="new_ticket", app=False)])

    ticket = submit(people.ticket_type, people.requester)

    rows = Notification.objects.filter(ticket=ticket)
    assert sorted(n.recipient.username for n in rows) == ["hilda"]
    assert api(people.handler).get("/notifications").json()["count"] == 0


def test_email_off_alone_keeps_the_inbox(people: People) -> None:
    preferences_set(user=people.handler, choices=[Choice(kind="new_ticket", email=False)])

    ticket = submit(people.ticket_type, people.requester)

    rows = Notification.objects.filter(ticket=ticket)
    assert sorted(n.recipient.username for n in rows) == ["hank", "hilda"]
