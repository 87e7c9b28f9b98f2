"""What an action is sent: free text (reasons, notes, comments, titles, usernames) checked
before anything is written, files attached to a ticket, and the database questions form
validation asks on behalf of the submitter. Used by ``tickets.services`` only."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Invalid
from servicetickets.forms.fields import FieldDef
from servicetickets.tickets.models import Ticket
from servicetickets.uploads.models import Upload
from servicetickets.uploads.selectors import attachable_problem

TITLE_MAX = 200
NOTE_MAX = 5000
ATTACHMENTS_MAX = 9

# Control characters other than tab and line breaks cannot be shown, and PostgreSQL cannot
# store NUL in text at all (it would be a server error instead of a clear refusal).
MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SINGLE_LINE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class SubmitContext:
    """What form validation needs from the database, for one submitter."""

    def __init__(self, user: User) -> None:
        self.user = user

    def member_exists(self, username: str) -> bool:
        if SINGLE_LINE_BAD.search(username):
            return False  # no user has such a name, and PostgreSQL cannot even compare it
        return User.objects.filter(username=username, is_active=True).exists()

    def upload_problem(self, upload_ids: list[str], *, images_only: bool) -> str | None:
        return attachable_problem(user=self.user, upload_ids=upload_ids, images_only=images_only)


def summary_of(fields: list[FieldDef], data: dict[str, Any], fallback: str) -> str:
    """A title for a ticket submitted without one: the first line of its first text answer."""
    for field in fields:
        value = data.get(field.key)
        if field.kind in ("text", "textarea") and isinstance(value, str) and value.strip():
            line = value.strip().splitlines()[0]
            return line if len(line) <= 80 else line[:79] + "…"
    return fallback


def attach_uploads(*, user: User, ticket: Ticket, ids: list[str], field: str) -> list[str]:
    if len(ids) > ATTACHMENTS_MAX:
        raise Invalid(_("Attach at most %(n)d files.") % {"n": ATTACHMENTS_MAX}, field=field)
    if len(set(ids)) != len(ids):
        raise Invalid(_("Attach each file only once."), field=field)
    if ids:
        problem = attachable_problem(user=user, upload_ids=ids, images_only=False)
        if problem:
            raise Invalid(problem, field=field)
        take_uploads(ticket=ticket, ids=ids, field=field)
    return [str(i) for i in ids]


def take_uploads(*, ticket: Ticket, ids: list[str], field: str) -> None:
    """Attach checked uploads to ``ticket``, only if no other ticket took one meanwhile (two
    requests racing with the same file): the second is refused instead of stealing it."""
    taken = Upload.objects.filter(pk__in=ids, ticket__isnull=True).update(ticket=ticket)
    if taken != len(set(ids)):
        raise Invalid(_("That file is already attached to a ticket."), field=field)


def clean_text(
    value: str | None,
    *,
    field: str,
    required: bool,
    limit: int = NOTE_MAX,
    single_line: bool = False,
) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if single_line and "\n" in text:
        raise Invalid(_("Enter a single line of text."), field=field)
    if (SINGLE_LINE_BAD if single_line else MULTI_LINE_BAD).search(text):
        raise Invalid(_("Text cannot contain control characters."), field=field)
    if required and not text:
        raise Invalid(_("This field is required."), field=field)
    if len(text) > limit:
        raise Invalid(_("Must be at most %(n)d characters.") % {"n": limit}, field=field)
    return text
