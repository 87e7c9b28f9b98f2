"""What an action is sent: free text (reasons, notes, comments, titles, usernames) checked
before anything is written, files attached to a ticket, and the database questions form
validation asks on behalf of the submitter. Used by ``tickets.services`` only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.accounts.services import USERNAME_RE
from servicetickets.core.errors import Invalid
from servicetickets.core.text import check_text, one_newline_style
from servicetickets.forms.fields import FieldDef
from servicetickets.tickets.models import Ticket
from servicetickets.uploads.models import Upload
from servicetickets.uploads.selectors import attachable_problem

TITLE_MAX = 200
NOTE_MAX = 5000
ATTACHMENTS_MAX = 9


class SubmitContext:
    """What form validation needs from the database, for one submitter."""

    def __init__(self, user: User) -> None:
        self.user = user

    def member_exists(self, username: str) -> bool:
        if not USERNAME_RE.fullmatch(username):
            return False  # no user has such a name, and PostgreSQL cannot compare one with NUL
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
    text = one_newline_style(value or "").strip()
    check_text(text, field=field, single_line=single_line)
    if required and not text:
        raise Invalid(_("This field is required."), field=field)
    if len(text) > limit:
        raise Invalid(_("Must be at most %(n)d characters.") % {"n": limit}, field=field)
    return text
