"""A service desk where every free-text slot holds one hostile payload, planted through the
real services: names of people, desk, type, menu entries, fields, options and files; a
ticket's title, values, comments, reasons and notes."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from servicetickets.accounts.models import User
from servicetickets.accounts.services import user_create
from servicetickets.desks.models import Desk
from servicetickets.desks.services import MenuItem, desk_admin_add, desk_create, menu_set
from servicetickets.tickets import services as tickets
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes import services as types
from servicetickets.tickettypes.models import TicketType
from servicetickets.uploads.models import Upload
from servicetickets.uploads.services import upload_create
from tests.security.hostile.payloads import Payload

# A 1x1 PNG, so the upload is shown as a picture (with its name in alt and title).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
#: An address the e-mail validator accepts, with quote, backtick, braces and a formula start.
HOSTILE_EMAIL = "=cmd'{{a}}`|x@example.com"
#: A phone number a spreadsheet would read as a formula (``+``) and that becomes a tel: link.
HOSTILE_PHONE = "+1 (555) 123-4567"


def hostile_form(p: Payload) -> list[dict[str, Any]]:
    """A field of each of the 16 kinds, every label, help text and option hostile."""
    label, help_text, option = p.fit(60), p.fit(500), p.fit(100)

    def f(key: str, kind: str, **extra: Any) -> dict[str, Any]:
        return {"key": key, "label": label, "kind": kind, "help": help_text, **extra}

    return [
        f("t_text", "text", required=True),
        f("t_area", "textarea"),
        f("t_number", "number"),
        f("t_amount", "amount"),
        f("t_date", "date"),
        f("t_datetime", "datetime"),
        f("t_range", "daterange"),
        f("t_select", "select", options=[option, "plain"]),
        f("t_multi", "multiselect", options=[option, "plain"]),
        f("t_phone", "phone"),
        f("t_email", "email"),
        f("t_member", "member"),
        f("t_image", "image"),
        f("t_file", "file"),
        f("t_note", "note"),
        f(
            "t_table",
            "table",
            columns=[
                {"key": "c_text", "label": label, "kind": "text", "help": help_text},
                {"key": "c_choice", "label": label, "kind": "select", "options": [option, "x"]},
            ],
        ),
    ]


@dataclass
class World:
    payload: Payload
    root: User
    admin: User
    requester: User
    handler: User
    handler2: User
    desk: Desk
    kind: TicketType
    ticket: Ticket  # closed as resolved after a full round: every note and reason
    pending: Ticket  # waits in the workbench
    rejected: Ticket
    cancelled: Ticket
    uploads: list[Upload] = field(default_factory=list)

    @property
    def tickets(self) -> list[Ticket]:
        return [self.ticket, self.pending, self.rejected, self.cancelled]


def _person(username: str, p: Payload, **extra: Any) -> User:
    return user_create(
        username=username, name=p.fit(100), email=f"{username.strip('@+')}@example.com", **extra
    )


def _upload(user: User, name: str, content: bytes) -> Upload:
    return upload_create(uploader=user, file=SimpleUploadedFile(name, content))


def build(p: Payload) -> World:
    root = _person("root", p, site_admin=True)
    desk = desk_create(code="HX", name=p.fit(60), actor=root)
    admin = _person("admin", p)
    desk_admin_add(desk=desk, user=admin, actor=root)
    # A username a spreadsheet would read as a formula, in the Requester column.
    requester = _person("@x+1", p)
    handler = _person("hank", p)
    handler2 = _person("hilda", p)
    kind = types.type_create(
        desk=desk,
        name=p.fit(12),
        description=p.fit(140),
        fields=hostile_form(p),
        handlers=[handler, handler2],
        actor=admin,
    )
    kind = types.type_publish(kind=kind, actor=admin)
    menu_set(
        desk=desk,
        entries=[MenuItem(label=p.fit(40), children=[MenuItem(label=p.fit(40), type_id=kind.pk)])],
        actor=admin,
    )

    def submit(title: str | None) -> Ticket:
        image = _upload(requester, p.fit(150) + ".png", PNG)
        attachment = _upload(requester, p.fit(150) + ".txt", b"plain words")
        option = p.fit(100)
        data = {
            "t_text": p.fit(200),
            "t_area": p.text,
            "t_number": 3,
            "t_amount": 12.5,
            "t_date": "2026-03-04",
            "t_datetime": "2026-03-04T10:30:00+00:00",
            "t_range": ["2026-03-04", "2026-03-06"],
            "t_select": option,
            "t_multi": [option, "plain"],
            "t_phone": HOSTILE_PHONE,
            "t_email": HOSTILE_EMAIL,
            "t_member": handler.username,
            "t_image": [str(image.pk)],
            "t_file": [str(attachment.pk)],
            "t_table": [{"c_text": p.fit(200), "c_choice": option}],
        }
        return tickets.ticket_submit(user=requester, ticket_type_id=kind.pk, data=data, title=title)

    ticket = submit(p.fit(200))
    note = p.text
    comment_file = _upload(handler, p.fit(150) + ".txt", b"a log")
    tickets.ticket_claim(user=handler, ticket_id=ticket.pk)
    tickets.ticket_comment(
        user=handler, ticket_id=ticket.pk, text=note, attachments=[str(comment_file.pk)]
    )
    tickets.ticket_transfer(user=handler, ticket_id=ticket.pk, to=handler2.username, note=note)
    tickets.ticket_complete(user=handler2, ticket_id=ticket.pk, note=note)
    tickets.ticket_return(user=requester, ticket_id=ticket.pk, reason=note)
    tickets.ticket_complete(user=handler2, ticket_id=ticket.pk, note=note)
    tickets.ticket_confirm(user=requester, ticket_id=ticket.pk, rating=2, comment=note)

    rejected = submit(p.fit(200))
    tickets.ticket_claim(user=handler, ticket_id=rejected.pk)
    tickets.ticket_reject(user=handler, ticket_id=rejected.pk, reason=note)
    cancelled = submit(p.fit(200))
    tickets.ticket_cancel(user=requester, ticket_id=cancelled.pk, reason=note)
    pending = submit(None)  # titled by its first text value
    tickets.ticket_urge(user=requester, ticket_id=pending.pk)

    for t in (ticket, rejected, cancelled, pending):
        t.refresh_from_db()
    return World(
        payload=p,
        root=root,
        admin=admin,
        requester=requester,
        handler=handler,
        handler2=handler2,
        desk=desk,
        kind=kind,
        ticket=ticket,
        pending=pending,
        rejected=rejected,
        cancelled=cancelled,
        uploads=list(Upload.objects.all()),
    )
