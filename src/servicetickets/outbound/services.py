"""Queueing the outward channels (e-mail, the desk's webhook) of a reminder event."""

from __future__ import annotations

from servicetickets.accounts.models import User
from servicetickets.tickets.models import Ticket


def outward_schedule(
    *, kind: str, ticket: Ticket, actor: User | None, recipients: list[User], email_to: list[User]
) -> None:
    """Called inside the action's transaction, after its inbox rows are written."""
