"""An action that fails half-way leaves nothing behind: the ticket row, its timeline, the
reminders, the desk's number counter and attached files are as they were."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Notification
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket, TimelineEntry
from tests.conftest import People
from tests.tickets.lifecycle import snapshot, ticket_in, upload


class Boom(Exception):
    pass


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise Boom


def _break(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Make one step of every action fail: ``notify`` (reminders, written after the ticket row
    and the timeline entry) or ``_timeline`` (written after the ticket row)."""
    monkeypatch.setattr(services, step, _explode)


#: action -> (state it starts from, API path suffix, body)
WITH_REMINDERS: dict[str, tuple[str, dict[str, Any]]] = {
    "transfer": ("pending", {"to": "hilda", "note": "Yours"}),
    "reject": ("processing", {"reason": "No"}),
    "complete": ("processing", {"note": "Done"}),
    "return": ("to_confirm", {"reason": "No"}),
    "cancel": ("processing", {"reason": "Moot"}),
    "comment": ("processing", {"text": "Hi"}),
    "urge": ("pending", {}),
}
ACTORS = {
    "transfer": "handler",
    "reject": "handler",
    "complete": "handler",
    "return": "requester",
    "cancel": "requester",
    "comment": "handler",
    "urge": "requester",
    "claim": "handler",
    "confirm": "requester",
}


@pytest.mark.parametrize("action", list(WITH_REMINDERS))
def test_failing_reminder_rolls_the_action_back(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    state, body = WITH_REMINDERS[action]
    ticket = ticket_in(people, state)
    before = snapshot(ticket)
    _break(monkeypatch, "notify")

    r = api(getattr(people, ACTORS[action])).post(f"/tickets/{ticket.pk}/{action}", body)

    assert r.status_code == 500
    assert r.json()["error"]["code"] == "server_error"
    assert snapshot(ticket) == before


@pytest.mark.parametrize(("action", "state"), [("claim", "pending"), ("confirm", "to_confirm")])
def test_failing_timeline_rolls_the_state_change_back(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch, action: str, state: str
) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)
    _break(monkeypatch, "_timeline")

    r = api(getattr(people, ACTORS[action])).post(f"/tickets/{ticket.pk}/{action}")

    assert r.status_code == 500
    assert snapshot(ticket) == before


def test_failing_claim_through_the_service_changes_nothing(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = ticket_in(people, "pending")
    before = snapshot(ticket)
    _break(monkeypatch, "_timeline")

    with pytest.raises(Boom):
        services.ticket_claim(user=people.handler, ticket_id=ticket.pk)

    assert snapshot(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_failing_completion_keeps_the_files_unattached(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = ticket_in(people, "processing")
    receipt = upload(people.handler)
    before = snapshot(ticket)
    _break(monkeypatch, "notify")

    with pytest.raises(Boom):
        services.ticket_complete(
            user=people.handler, ticket_id=ticket.pk, note="Done", attachments=[str(receipt.pk)]
        )

    assert snapshot(ticket) == before
    receipt.refresh_from_db()
    assert receipt.ticket_id is None


def test_failing_submission_creates_nothing_and_takes_no_number(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break(monkeypatch, "notify")

    r = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "Printer jammed"}}
    )

    assert r.status_code == 500
    assert Ticket.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert Notification.objects.count() == 0
    assert Desk.objects.get(pk=people.desk.pk).last_number == 0


def test_failing_auto_confirm_of_one_ticket_leaves_it_waiting(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = ticket_in(people, "to_confirm")
    assert ticket.processed_at is not None
    before = snapshot(ticket)
    _break(monkeypatch, "_timeline")

    with pytest.raises(Boom):
        services.tickets_auto_confirm(now=ticket.processed_at.replace(year=2100))

    assert snapshot(ticket) == before
