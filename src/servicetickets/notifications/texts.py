"""The sentence a reminder shows its recipient, shared by the inbox, the stream and e-mail."""

from __future__ import annotations

from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Kind


def reminder_text(*, kind: str, number: str, actor: User | None) -> str:
    """In the active language (the reader's at reading time)."""
    who = actor.display_name if actor is not None else _("Service Tickets")
    texts = {
        Kind.NEW_TICKET: _("New ticket %(number)s from %(who)s."),
        Kind.TRANSFERRED: _("%(who)s transferred %(number)s to you."),
        Kind.RETURNED: _("%(who)s returned %(number)s as not resolved."),
        Kind.URGED: _("%(who)s urged %(number)s."),
        Kind.REJECTED: _("%(who)s rejected %(number)s."),
        Kind.COMPLETED: _("%(who)s completed %(number)s; please confirm the result."),
        Kind.COMMENTED: _("%(who)s commented on %(number)s."),
        Kind.MENTIONED: _("%(who)s mentioned you on %(number)s."),
        Kind.CANCELLED: _("%(who)s cancelled %(number)s."),
        Kind.CONFIRM_REMINDER: _("%(number)s is waiting for your confirmation."),
        Kind.OVERDUE: _("%(number)s is overdue."),
    }
    return texts.get(Kind(kind), "%(number)s") % {"who": who, "number": number}
