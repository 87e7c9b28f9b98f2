"""SLA targets per ticket type (SPEC.md §7): response and processing targets in hours, due
times fixed at submission, the ``overdue`` flag, and one overdue reminder per target."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from servicetickets.notifications.models import Notification
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit


def _set_targets(api: Any, people: People, **hours: float | None) -> Any:
    r = api(people.admin).patch(f"/types/{people.ticket_type.pk}", hours)
    assert r.status_code == 200, r.content
    return r.json()


def _overdue_reminders(ticket: Ticket) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind="overdue", ticket=ticket).order_by("pk")
    return [(n.recipient.username, n.kind) for n in rows]


def _age(ticket: Ticket, hours: float) -> None:
    """Make the ticket look submitted ``hours`` ago (its due times move with it)."""
    ticket.refresh_from_db()
    shift = timedelta(hours=hours)
    Ticket.objects.filter(pk=ticket.pk).update(
        submitted_at=ticket.submitted_at - shift,
        response_due_at=ticket.response_due_at - shift if ticket.response_due_at else None,
        processing_due_at=ticket.processing_due_at - shift if ticket.processing_due_at else None,
    )


def test_types_have_no_targets_until_an_admin_sets_them(people: People, api: Any) -> None:
    body = api(people.admin).get(f"/types/{people.ticket_type.pk}").json()
    assert (body["response_hours"], body["processing_hours"]) == (None, None)

    body = _set_targets(api, people, response_hours=4, processing_hours=24.5)

    assert (body["response_hours"], body["processing_hours"]) == (4, 24.5)


def test_patch_without_a_target_keeps_it_and_null_removes_it(people: People, api: Any) -> None:
    _set_targets(api, people, response_hours=4, processing_hours=24)

    kept = _set_targets(api, people, processing_hours=None)

    assert (kept["response_hours"], kept["processing_hours"]) == (4, None)


def test_a_new_type_may_be_created_with_targets(people: People, api: Any) -> None:
    r = api(people.admin).post(
        f"/desks/{people.desk.pk}/types",
        {"name": "Network", "handlers": ["hank"], "response_hours": 0.5, "processing_hours": 8},
    )

    assert r.status_code == 201, r.content
    assert (r.json()["response_hours"], r.json()["processing_hours"]) == (0.5, 8)


@pytest.mark.parametrize("value", [0, -1, 9000, "soon"])
def test_bad_targets_are_refused_naming_the_field(people: People, api: Any, value: Any) -> None:
    r = api(people.admin).patch(f"/types/{people.ticket_type.pk}", {"response_hours": value})

    assert r.status_code == 422
    assert r.json()["error"]["field"] == "response_hours"
    body = api(people.admin).get(f"/types/{people.ticket_type.pk}").json()
    assert body["response_hours"] is None


def test_only_the_desk_admin_sets_targets(people: People, api: Any) -> None:
    r = api(people.handler).patch(f"/types/{people.ticket_type.pk}", {"response_hours": 1})

    assert r.status_code in (403, 404)
    assert api(people.admin).get(f"/types/{people.ticket_type.pk}").json()["response_hours"] is None


def test_due_times_are_fixed_at_submission(people: People, api: Any) -> None:
    _set_targets(api, people, response_hours=2, processing_hours=10)
    ticket = submit(people.ticket_type, people.requester)
    _set_targets(api, people, response_hours=None, processing_hours=1)

    body = api(people.requester).get(f"/tickets/{ticket.pk}").json()
    later = submit(people.ticket_type, people.requester)

    ticket.refresh_from_db()
    assert ticket.response_due_at == ticket.submitted_at + timedelta(hours=2)
    assert ticket.processing_due_at == ticket.submitted_at + timedelta(hours=10)
    assert body["response_due_at"] is not None and body["overdue"] is False
    later.refresh_from_db()
    assert later.response_due_at is None
    assert later.processing_due_at == later.submitted_at + timedelta(hours=1)


def test_a_pending_ticket_past_its_response_target_is_overdue(people: People, api: Any) -> None:
    _set_targets(api, people, response_hours=2)
    ticket = submit(people.ticket_type, people.requester)
    _age(ticket, 3)

    body = api(people.handler).get(f"/tickets/{ticket.pk}").json()
    listed = api(people.handler).get("/tickets").json()["results"]

    assert body["overdue"] is True
    assert {t["id"]: t["overdue"] for t in listed}[ticket.pk] is True
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    assert api(people.handler).get(f"/tickets/{ticket.pk}").json()["overdue"] is False


def test_processing_target_holds_until_processed(people: People, api: Any) -> None:
    _set_targets(api, people, processing_hours=8)
    ticket = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    _age(ticket, 9)

    assert api(people.handler).get(f"/tickets/{ticket.pk}").json()["overdue"] is True
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done")
    assert api(people.handler).get(f"/tickets/{ticket.pk}").json()["overdue"] is False


def test_response_overdue_reminds_the_handlers_once(people: People, api: Any) -> None:
    _set_targets(api, people, response_hours=2)
    ticket = submit(people.ticket_type, people.requester)
    fresh = submit(people.ticket_type, people.requester)
    _age(ticket, 3)

    first = services.tickets_overdue_remind()
    again = services.tickets_overdue_remind(now=timezone.now() + timedelta(hours=1))

    assert (first, again) == (1, 0)
    assert _overdue_reminders(ticket) == [("hank", "overdue"), ("hilda", "overdue")]
    assert _overdue_reminders(fresh) == []
    text = api(people.handler).get("/notifications").json()["results"][0]["text"]
    assert text == f"{ticket.number} is overdue."


def test_processing_overdue_reminds_the_assignee_once(people: People, api: Any) -> None:
    _set_targets(api, people, response_hours=1, processing_hours=8)
    ticket = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler2, ticket_id=ticket.pk)
    _age(ticket, 9)

    assert services.tickets_overdue_remind() == 1
    assert services.tickets_overdue_remind() == 0

    # Accepted in time for nobody to be reminded about the response; processing is late.
    assert _overdue_reminders(ticket) == [("hilda", "overdue")]


def test_processed_and_closed_tickets_are_never_reminded(people: People, api: Any) -> None:
    _set_targets(api, people, response_hours=1, processing_hours=2)
    done = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=done.pk)
    services.ticket_complete(user=people.handler, ticket_id=done.pk, note="Done")
    cancelled = submit(people.ticket_type, people.requester)
    services.ticket_cancel(user=people.requester, ticket_id=cancelled.pk)
    _age(done, 5)
    _age(cancelled, 5)

    assert services.tickets_overdue_remind() == 0
