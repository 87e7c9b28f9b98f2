"""Helpers for the lifecycle tests: bring a fresh ticket to a state through the real services,
take a snapshot of everything an action may change, and name the people by their role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Notification
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.uploads.models import Upload
from servicetickets.uploads.services import upload_create
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory, submit

#: Every state a ticket can be in; a closed ticket is named by its resolution.
STATES = (
    "pending",
    "processing",
    "to_confirm",
    "closed_resolved",
    "closed_cancelled",
    "closed_rejected",
)
OPEN_STATES = ("pending", "processing")
CLOSED_STATES = ("closed_resolved", "closed_cancelled", "closed_rejected")


def states_except(*allowed: str) -> list[str]:
    return [s for s in STATES if s not in allowed]


def ticket_in(people: People, state: str, *, requester: User | None = None) -> Ticket:
    """A fresh ticket of the standard type brought to ``state`` by the standard people: hank
    claims and completes it; alice cancels (from pending) or confirms; hank rejects after
    claiming."""
    alice = requester or people.requester
    hank = people.handler
    ticket = submit(people.ticket_type, alice)
    if state == "closed_cancelled":
        services.ticket_cancel(user=alice, ticket_id=ticket.pk, reason="Not needed")
    elif state != "pending":
        services.ticket_claim(user=hank, ticket_id=ticket.pk)
        if state == "closed_rejected":
            services.ticket_reject(user=hank, ticket_id=ticket.pk, reason="Out of scope")
        elif state != "processing":
            services.ticket_complete(user=hank, ticket_id=ticket.pk, note="Replaced the toner")
            if state == "closed_resolved":
                services.ticket_confirm(user=alice, ticket_id=ticket.pk, rating=4)
    ticket.refresh_from_db()
    assert state.startswith(ticket.state), (state, ticket.state)
    return ticket


def api_state(state: str) -> tuple[str, str | None]:
    """The ``(state, resolution)`` the API reports for one of ``STATES``."""
    if state.startswith("closed_"):
        return "closed", state.removeprefix("closed_")
    return state, None


@dataclass(frozen=True)
class Snapshot:
    """Everything an action may write: the ticket row, its timeline, reminders, numbers."""

    ticket: dict[str, Any]
    timeline: int
    notifications: int
    last_numbers: tuple[int, ...]
    attached_uploads: int


def snapshot(ticket: Ticket | int) -> Snapshot:
    pk = ticket if isinstance(ticket, int) else ticket.pk
    return Snapshot(
        ticket=Ticket.objects.filter(pk=pk).values().get(),
        timeline=TimelineEntry.objects.filter(ticket_id=pk).count(),
        notifications=Notification.objects.count(),
        last_numbers=tuple(Desk.objects.order_by("pk").values_list("last_number", flat=True)),
        attached_uploads=Upload.objects.filter(ticket__isnull=False).count(),
    )


def timeline(ticket: Ticket | int) -> list[TimelineEntry]:
    pk = ticket if isinstance(ticket, int) else ticket.pk
    return list(TimelineEntry.objects.filter(ticket_id=pk).select_related("actor", "target"))


def reminders(**filters: Any) -> list[tuple[str, str, str]]:
    """``(recipient, kind, ticket number)`` of reminders, oldest first."""
    rows = Notification.objects.filter(**filters).select_related("recipient", "ticket")
    return [(n.recipient.username, n.kind, n.ticket.number) for n in rows.order_by("id")]


def recipients(kind: str, ticket: Ticket | int) -> set[str]:
    pk = ticket if isinstance(ticket, int) else ticket.pk
    return {r for r, k, _ in reminders(ticket_id=pk) if k == kind}


def assert_error(response: Any, status: int, *, field: str | None = None, code: str = "") -> None:
    """The response is the API's error body with ``status`` (and ``field``/``code`` if given)."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"}
    assert error["message"]
    assert error["field"] == field, error
    if code:
        assert error["code"] == code, error


def upload(user: User, name: str = "photo.txt", content: bytes = b"some bytes") -> Upload:
    """An upload of ``user`` through the real service (the data folder is the test's)."""
    return upload_create(uploader=user, file=SimpleUploadedFile(name, content))


class Cast:
    """The standard people by their role towards a ticket of the standard type, plus people
    who must not see it: a handler of another type of the same desk and an admin of another
    desk."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.other_type_handler = UserFactory(username="harry", name="Harry")
        self.other_type = TicketTypeFactory(
            desk=people.desk, name="Network", handlers=[self.other_type_handler]
        )
        self.other_desk = DeskFactory(code="FM", name="Facilities")
        self.other_desk_admin = UserFactory(username="fiona", name="Fiona")
        self.other_desk.admins.add(self.other_desk_admin)
        self.by_role: dict[str, User] = {
            "requester": people.requester,
            "handler": people.handler,  # the assignee once hank has claimed it
            "other_handler": people.handler2,
            "desk_admin": people.admin,
            "site_admin": people.site_admin,
            "outsider": people.outsider,
            "other_type_handler": self.other_type_handler,
            "other_desk_admin": self.other_desk_admin,
        }

    def __getitem__(self, role: str) -> User:
        return self.by_role[role]


VISIBLE_ROLES = ("requester", "handler", "other_handler", "desk_admin", "site_admin")
INVISIBLE_ROLES = ("outsider", "other_type_handler", "other_desk_admin")
ROLES = VISIBLE_ROLES + INVISIBLE_ROLES


def assert_refused(
    response: Any,
    status: int,
    before: Snapshot,
    *,
    field: str | None = None,
    code: str = "",
) -> None:
    """The API refused with ``status`` and the error body, and nothing changed: the ticket
    row, its timeline, reminders, numbers and attached files are as they were."""
    assert_error(response, status, field=field, code=code)
    pk = before.ticket["id"]
    assert snapshot(pk) == before
