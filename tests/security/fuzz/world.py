"""A small world for the fuzzer to walk into: a desk with an admin, handlers and a requester,
a type whose form has several field kinds, tickets in every state, an upload, a webhook, a
reminder and a finished export, so that generated ids often name something real."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from servicetickets.accounts.models import User
from servicetickets.accounts.services import token_create
from servicetickets.desks.models import Desk
from servicetickets.exports.services import export_run, export_start
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, submit
from tests.tickets.lifecycle import STATES, ticket_in, upload

#: A form with one field of most kinds, so bodies of submits and patches meet real rules.
RICH_FORM: list[dict[str, Any]] = [
    {"key": "tip", "label": "Good to know", "kind": "note", "help": "We answer within a day."},
    {"key": "summary", "label": "Summary", "kind": "text", "required": True, "max_length": 80},
    {"key": "count", "label": "How many", "kind": "number", "min": 1, "max": 9},
    {"key": "day", "label": "Since when", "kind": "date"},
    {"key": "where", "label": "Where", "kind": "select", "options": ["Office", "Home"]},
    {"key": "buddy", "label": "Colleague", "kind": "member"},
    {"key": "docs", "label": "Documents", "kind": "file", "max_files": 2},
    {
        "key": "parts",
        "label": "Parts",
        "kind": "table",
        "columns": [
            {"key": "name", "label": "Part", "kind": "text", "required": True},
            {"key": "qty", "label": "Quantity", "kind": "number", "min": 1},
        ],
    },
]

#: The callers the fuzzer signs in as: the whole site, one desk, and a plain employee.
ROLES = ("site_admin", "desk_admin", "employee")


@dataclass
class World:
    """Real values for each path parameter name of the OpenAPI document, and a token per role."""

    ids: dict[str, list[object]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def build_world(people: People) -> World:
    desk: Desk = people.desk
    rich = TicketTypeFactory(
        desk=desk, name="Laptop", fields=RICH_FORM, handlers=[people.handler, people.requester]
    )
    draft = TicketTypeFactory(desk=desk, name="Draft", publish=False, handlers=[people.handler])
    other_desk = DeskFactory(code="FM", name="Facilities")
    TicketTypeFactory(desk=other_desk, name="Keys", handlers=[people.outsider])
    tickets: list[Ticket] = [ticket_in(people, state) for state in STATES]
    attachment = upload(people.requester, name="invoice.txt")
    tickets.append(
        submit(
            rich,
            people.requester,
            {"summary": "Fan noise", "count": 2, "where": "Home", "docs": [str(attachment.pk)]},
        )
    )
    desk.webhook_url = "https://hooks.example.com/desk"
    desk.webhook_secret = "s" * 32
    desk.save(update_fields=["webhook_url", "webhook_secret"])
    export = export_start(user=people.site_admin, query={})
    export_run(export_id=str(export.pk))
    users: list[User] = [people.requester, people.handler, people.admin, people.outsider]
    return World(
        ids={
            "desk_id": [desk.pk, other_desk.pk],
            "type_id": [people.ticket_type.pk, rich.pk, draft.pk],
            "version": [1, 2],
            "ticket_id": [t.pk for t in tickets],
            "upload_id": [str(attachment.pk), str(upload(people.handler, name="loose.txt").pk)],
            "notification_id": list(Notification.objects.values_list("pk", flat=True)),
            "export_id": [str(export.pk)],
            "username": [u.username for u in users],
        },
        tokens={
            "site_admin": token_create(user=people.site_admin),
            "desk_admin": token_create(user=people.admin),
            "employee": token_create(user=people.requester),
        },
    )
