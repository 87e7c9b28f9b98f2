"""The reminder inbox: ``GET /notifications``, ``POST /notifications/{id}/read`` and
``POST /notifications/read-all``. Reminders are written by the ticket actions."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.notifications.models import Notification
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit


def _inbox(api: Any, user: Any, **params: Any) -> dict[str, Any]:
    r = api(user).get("/notifications", params)
    assert r.status_code == 200, r.content
    body: dict[str, Any] = r.json()
    return body


@pytest.fixture
def ticket(people: People) -> Ticket:
    """Submitted by alice (hank and hilda are told), then claimed and completed by hank
    (alice is told)."""
    ticket = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done")
    return ticket


def test_inbox_lists_the_callers_reminders(people: People, api: Any, ticket: Ticket) -> None:
    body = _inbox(api, people.handler)

    assert body["count"] == 1
    [reminder] = body["results"]
    assert reminder["kind"] == "new_ticket"
    assert (reminder["ticket_id"], reminder["ticket_number"]) == (ticket.pk, "IT-000001")
    assert reminder["text"] == "New ticket IT-000001 from Alice."
    assert reminder["read"] is False
    assert reminder["created_at"]


def test_newest_reminder_comes_first(people: People, api: Any, ticket: Ticket) -> None:
    services.ticket_comment(user=people.handler, ticket_id=ticket.pk, text="Please confirm")

    kinds = [n["kind"] for n in _inbox(api, people.requester)["results"]]

    assert kinds == ["commented", "completed"]


def test_texts_name_who_did_what(people: People, api: Any, ticket: Ticket) -> None:
    services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="No")
    services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    texts = [n["text"] for n in _inbox(api, people.handler2)["results"]]
    hank = [n["text"] for n in _inbox(api, people.handler)["results"]]

    assert texts == ["Hank transferred IT-000001 to you.", "New ticket IT-000001 from Alice."]
    assert hank[0] == "Alice returned IT-000001 as not resolved."


def test_unread_filter_and_reading_one(people: People, api: Any, ticket: Ticket) -> None:
    second = submit(people.ticket_type, people.requester)
    hank = api(people.handler)
    first_id = _inbox(api, people.handler)["results"][-1]["id"]

    r = hank.post(f"/notifications/{first_id}/read")

    assert r.status_code == 204
    unread = _inbox(api, people.handler, unread="true")
    assert unread["count"] == 1
    assert [n["ticket_number"] for n in unread["results"]] == [second.number]
    every = _inbox(api, people.handler)
    assert every["count"] == 2
    assert {n["id"]: n["read"] for n in every["results"]}[first_id] is True


def test_reading_one_again_is_fine(people: People, api: Any, ticket: Ticket) -> None:
    first_id = _inbox(api, people.handler)["results"][0]["id"]
    hank = api(people.handler)
    assert hank.post(f"/notifications/{first_id}/read").status_code == 204

    r = hank.post(f"/notifications/{first_id}/read")

    assert r.status_code == 204
    assert _inbox(api, people.handler, unread="true")["count"] == 0


def test_read_all_reads_only_the_callers(people: People, api: Any, ticket: Ticket) -> None:
    submit(people.ticket_type, people.requester)

    r = api(people.handler).post("/notifications/read-all")

    assert r.status_code == 204
    assert _inbox(api, people.handler, unread="true")["count"] == 0
    assert _inbox(api, people.handler2, unread="true")["count"] == 2
    assert _inbox(api, people.requester, unread="true")["count"] == 1


def test_someone_elses_reminder_does_not_exist(people: People, api: Any, ticket: Ticket) -> None:
    hildas = Notification.objects.get(recipient=people.handler2)

    r = api(people.handler).post(f"/notifications/{hildas.pk}/read")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert r.json() == api(people.handler).post("/notifications/999999/read").json()
    hildas.refresh_from_db()
    assert hildas.read_at is None


def test_an_outsider_has_an_empty_inbox(people: People, api: Any, ticket: Ticket) -> None:
    assert _inbox(api, people.outsider) == {"count": 0, "results": []}


def test_the_inbox_needs_a_signed_in_caller(people: People, api: Any) -> None:
    r = api(None).get("/notifications")

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"


def test_reminders_of_tickets_no_longer_visible_leave_the_inbox(people: People, api: Any) -> None:
    ticket = submit(people.ticket_type, people.requester)
    hilda = api(people.handler2)
    assert hilda.get("/notifications").json()["count"] == 1

    r = api(people.admin).patch(f"/types/{people.ticket_type.pk}", {"handlers": ["hank"]})
    assert r.status_code == 200, r.content

    body = hilda.get("/notifications").json()
    assert (body["count"], body["results"]) == (0, [])
    assert api(people.handler).get("/notifications").json()["results"][0]["ticket_id"] == ticket.pk


def test_a_handler_taken_off_keeps_reminders_of_tickets_they_acted_on(
    people: People, api: Any
) -> None:
    ticket = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler2, ticket_id=ticket.pk)
    services.ticket_comment(user=people.requester, ticket_id=ticket.pk, text="Thanks")
    untouched = submit(people.ticket_type, people.requester)

    api(people.admin).patch(f"/types/{people.ticket_type.pk}", {"handlers": ["hank"]})

    body = api(people.handler2).get("/notifications").json()
    assert body["count"] == 2
    assert {n["ticket_id"] for n in body["results"]} == {ticket.pk}
    assert untouched.pk not in {n["ticket_id"] for n in body["results"]}


def test_reading_twice_keeps_the_first_reading_time(people: People, api: Any) -> None:
    submit(people.ticket_type, people.requester)
    hank = api(people.handler)
    note = Notification.objects.get(recipient=people.handler)
    assert hank.post(f"/notifications/{note.pk}/read").status_code == 204
    first = Notification.objects.get(pk=note.pk).read_at

    assert hank.post(f"/notifications/{note.pk}/read").status_code == 204

    assert first is not None
    assert Notification.objects.get(pk=note.pk).read_at == first
