"""The to-confirm reminder: ``services.tickets_confirm_remind`` reminds the requester of a
ticket waiting for confirmation a day before auto-confirm would close it (half the timeout
when that is shorter), once per completion."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, submit
from tests.tickets.lifecycle import ticket_in


def _reminders(api: Any, user: Any) -> list[dict[str, Any]]:
    rows = api(user).get("/notifications").json()["results"]
    return [n for n in rows if n["kind"] == "confirm_reminder"]


def _processed(ticket: Ticket) -> datetime:
    ticket.refresh_from_db()
    assert ticket.processed_at is not None
    return ticket.processed_at


def test_requester_is_reminded_a_day_before_auto_confirm(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    done = _processed(ticket)

    early = services.tickets_confirm_remind(now=done + timedelta(days=5, hours=23))
    due = services.tickets_confirm_remind(now=done + timedelta(days=6, minutes=1))

    assert (early, due) == (0, 1)
    [reminder] = _reminders(api, people.requester)
    assert reminder["ticket_id"] == ticket.pk
    assert reminder["text"] == f"{ticket.number} is waiting for your confirmation."
    ticket.refresh_from_db()
    assert ticket.state == "to_confirm"  # a reminder, not a change of state


def test_the_reminder_goes_once(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    done = _processed(ticket)

    first = services.tickets_confirm_remind(now=done + timedelta(days=6, minutes=1))
    again = services.tickets_confirm_remind(now=done + timedelta(days=6, hours=12))

    assert (first, again) == (1, 0)
    assert len(_reminders(api, people.requester)) == 1


def test_a_new_completion_after_a_return_is_reminded_again(people: People, api: Any) -> None:
    ticket = ticket_in(people, "to_confirm")
    # Completed six days ago, so the first reminder goes out now.
    Ticket.objects.filter(pk=ticket.pk).update(
        processed_at=_processed(ticket) - timedelta(days=6, minutes=1)
    )
    assert services.tickets_confirm_remind() == 1
    services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="Still broken")
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Fixed now")

    reminded = services.tickets_confirm_remind(
        now=_processed(ticket) + timedelta(days=6, minutes=1)
    )

    assert reminded == 1
    assert len(_reminders(api, people.requester)) == 2


def test_tickets_no_longer_waiting_are_not_reminded(people: People, api: Any) -> None:
    confirmed = ticket_in(people, "to_confirm")
    services.ticket_confirm(user=people.requester, ticket_id=confirmed.pk)
    ticket_in(people, "processing")

    reminded = services.tickets_confirm_remind(now=_processed(confirmed) + timedelta(days=30))

    assert reminded == 0
    assert _reminders(api, people.requester) == []


def test_short_timeouts_remind_at_half_time(people: People, api: Any) -> None:
    quick_desk = DeskFactory(code="FM", name="Facilities")
    quick_desk.confirm_timeout_days = 1
    quick_desk.save(update_fields=["confirm_timeout_days"])
    cleaning = TicketTypeFactory(desk=quick_desk, name="Cleaning", handlers=[people.handler])
    ticket = submit(cleaning, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Clean")
    done = _processed(ticket)

    early = services.tickets_confirm_remind(now=done + timedelta(hours=11))
    due = services.tickets_confirm_remind(now=done + timedelta(hours=12, minutes=1))

    assert (early, due) == (0, 1)


def test_a_requester_who_turned_the_kind_off_is_not_reminded_in_the_inbox(
    people: People, api: Any
) -> None:
    api(people.requester).put(
        "/notifications/preferences", {"kinds": [{"kind": "confirm_reminder", "app": False}]}
    )
    ticket = ticket_in(people, "to_confirm")
    later = _processed(ticket) + timedelta(days=6, minutes=1)

    assert services.tickets_confirm_remind(now=later) == 1
    assert _reminders(api, people.requester) == []
    # Remembered on the ticket, so the job does not try again every round.
    assert services.tickets_confirm_remind(now=later + timedelta(hours=1)) == 0
