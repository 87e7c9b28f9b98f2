"""What an outward reminder says: the e-mail's subject and text, the webhook's event document.

Written when the event happens (in the installation's language), so every attempt sends the
same thing and a later change of the ticket does not rewrite an earlier event.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.notifications.texts import reminder_text
from servicetickets.tickets.models import State, Ticket

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """Safe as a header value: line breaks and other control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def ticket_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}/tickets/{ticket.pk}/"


def email_payload(*, kind: str, ticket: Ticket, actor: User | None) -> dict[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        sentence = reminder_text(kind=kind, number=ticket.number, actor=actor)
        lines = [
            sentence,
            "",
            _("Ticket %(number)s: %(title)s") % {"number": ticket.number, "title": ticket.title},
            _("State: %(state)s") % {"state": State(ticket.state).label},
            _("Desk: %(desk)s") % {"desk": ticket.desk.name},
            "",
            _("Open the ticket: %(url)s") % {"url": ticket_url(ticket)},
            "",
            "-- ",
            _("Sent by Service Tickets because you take part in this ticket."),
        ]
    return {
        "subject": one_line(f"[{ticket.number}] {sentence}"),
        "body": "\n".join(lines) + "\n",
    }


def webhook_payload(
    *, kind: str, ticket: Ticket, actor: User | None, recipients: list[User], at: datetime
) -> dict[str, Any]:
    """The event document; its ``id`` (the delivery's) is added when it is sent."""
    with translation.override(settings.LANGUAGE_CODE):
        sentence = reminder_text(kind=kind, number=ticket.number, actor=actor)
    assignee = ticket.assignee
    return {
        "event": kind,
        "created_at": timezone.localtime(at).isoformat(timespec="milliseconds"),
        "text": sentence,
        "desk": {"code": ticket.desk.code, "name": ticket.desk.name},
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "title": ticket.title,
            "state": ticket.state,
            "type": ticket.ticket_type.name,
            "requester": ticket.requester.username,
            "assignee": assignee.username if assignee is not None else None,
            "url": ticket_url(ticket),
        },
        "actor": actor.username if actor is not None else None,
        "recipients": [user.username for user in recipients],
    }
