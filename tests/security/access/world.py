"""The world every access case runs against: the standard cast (``tests.tickets.lifecycle``)
plus the objects the routes name, built only when a route needs them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db import models
from django.utils import timezone

from servicetickets.accounts.models import ApiToken, User
from servicetickets.accounts.services import token_create
from servicetickets.audit.models import AuditEntry
from servicetickets.desks.models import Desk, MenuEntry
from servicetickets.exports import services as export_services
from servicetickets.exports.models import Export
from servicetickets.notifications.models import Kind, Notification, Preference
from servicetickets.tickets import services as ticket_services
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.tickettypes.models import FormVersion, TicketType
from servicetickets.uploads.models import Upload
from tests.conftest import People
from tests.factories import TicketTypeFactory
from tests.tickets.lifecycle import Cast, ticket_in, upload

#: The callers of the matrix: the eight roles of ``Cast`` and nobody signed in.
ANONYMOUS = "anonymous"
CALLERS = (
    "requester",
    "outsider",
    "handler",
    "other_handler",
    "other_type_handler",
    "desk_admin",
    "other_desk_admin",
    "site_admin",
    ANONYMOUS,
)

#: Everything a refused request could change, with the columns that move on their own (a
#: sign-in stamps ``last_login``, a bearer token its ``last_used_at``) left out.
_WATCHED: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (User, ("last_login",)),
    (ApiToken, ("last_used_at",)),
    (Desk, ()),
    (MenuEntry, ()),
    (TicketType, ()),
    (FormVersion, ()),
    (Ticket, ()),
    (TimelineEntry, ()),
    (Notification, ()),
    (Preference, ()),
    (Upload, ()),
    (Export, ()),
    (AuditEntry, ()),
)


def snapshot() -> dict[str, list[Any]]:
    """Every row of the watched tables (the world is a few dozen rows, so this is cheap)."""
    out: dict[str, list[Any]] = {}
    for model, moving in _WATCHED:
        rows = model._default_manager.order_by("pk").values()
        out[model.__name__] = [{k: v for k, v in r.items() if k not in moving} for r in rows]
    out["desk_admins"] = list(Desk.admins.through.objects.order_by("pk").values())
    out["handlers"] = list(TicketType.handlers.through.objects.order_by("pk").values())
    return out


class World:
    """The cast, one ticket of the standard type in ``state``, and, on first use, an upload
    attached to it, a finished export of the desk admin, a reminder of the handler and a
    token of the requester."""

    def __init__(self, state: str) -> None:
        self.people = People()
        self.cast = Cast(self.people)
        self.ticket = ticket_in(self.people, state)
        self.state = state

    def user(self, caller: str) -> User | None:
        return None if caller == ANONYMOUS else self.cast[caller]

    @cached_property
    def upload(self) -> Upload:
        """The requester's file, attached to the ticket by a comment."""
        if self.state.startswith("closed_"):
            raise AssertionError("a closed ticket takes no comment; pick an open state")
        item = upload(self.cast["requester"])
        ticket_services.ticket_comment(
            user=self.cast["requester"],
            ticket_id=self.ticket.pk,
            text="The photo",
            attachments=[str(item.pk)],
        )
        item.refresh_from_db()
        return item

    @cached_property
    def loose_upload(self) -> Upload:
        """A file the requester uploaded and has not used in a ticket yet."""
        return upload(self.cast["requester"], name="draft.txt")

    @cached_property
    def draft_type(self) -> TicketType:
        """A type of the desk not published yet, handled by hank."""
        return TicketTypeFactory(
            desk=self.people.desk, name="Draft", handlers=[self.cast["handler"]], publish=False
        )

    @cached_property
    def export(self) -> Export:
        """A finished export of the desk admin (exports are their creator's alone)."""
        job = export_services.export_start(user=self.cast["desk_admin"], query={})
        export_services.export_run(export_id=str(job.pk))
        job.refresh_from_db()
        return job

    @cached_property
    def reminder(self) -> Notification:
        """A reminder of the handler about the ticket (reminders are their recipient's)."""
        return Notification.objects.create(
            recipient=self.cast["handler"],
            kind=Kind.COMMENTED,
            ticket=self.ticket,
            actor=self.cast["requester"],
            created_at=timezone.now(),
        )

    @cached_property
    def token(self) -> ApiToken:
        """A token of the requester (tokens are their owner's)."""
        token_create(user=self.cast["requester"])
        return ApiToken.objects.filter(user=self.cast["requester"]).latest("pk")

    def value(self, name: str) -> str:
        """The value of a path parameter or body placeholder named ``name``."""
        values = {
            "desk_id": lambda: self.people.desk.pk,
            "type_id": lambda: self.people.ticket_type.pk,
            "version": lambda: self.people.ticket_type.version,
            "ticket_id": lambda: self.ticket.pk,
            "upload_id": lambda: self.upload.pk,
            "loose_upload_id": lambda: self.loose_upload.pk,
            "draft_type_id": lambda: self.draft_type.pk,
            "export_id": lambda: self.export.pk,
            "notification_id": lambda: self.reminder.pk,
            "token_id": lambda: self.token.pk,
            "username": lambda: self.people.outsider.username,
        }
        return str(values[name]())
