"""Who may fetch or attach an upload."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import NotFound
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import visible_q
from servicetickets.uploads.models import Upload


def _parse_id(upload_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(upload_id))
    except ValueError:
        return None


def upload_get_for(*, user: User, upload_id: str) -> Upload:
    """The uploader, and whoever may see the ticket that uses the file; 404 for anyone else."""
    parsed = _parse_id(upload_id)
    upload = Upload.objects.filter(pk=parsed).first() if parsed else None
    if upload is not None:
        if upload.uploader_id == user.pk:
            return upload
        if upload.ticket_id is not None and (
            Ticket.objects.filter(visible_q(user), pk=upload.ticket_id).exists()
        ):
            return upload
    raise NotFound(_("No file with that id."))


def attachable_problem(*, user: User, upload_ids: list[str], images_only: bool) -> str | None:
    """Why these uploads cannot be attached by ``user`` now, or None when they can: each must be
    the user's own and not yet used by a ticket (and an image where pictures are asked for)."""
    parsed = [p for p in (_parse_id(i) for i in upload_ids) if p is not None]
    if len(parsed) != len(upload_ids):
        return _("Unknown upload id.")
    rows = {u.pk: u for u in Upload.objects.filter(pk__in=parsed)}
    for p in parsed:
        upload = rows.get(p)
        if upload is None or upload.uploader_id != user.pk:
            return _("Unknown upload id.")
        if upload.ticket_id is not None:
            return _("That file is already attached to a ticket.")
        if images_only and not upload.is_image:
            return _("Only pictures (PNG, JPEG, GIF, WebP) can be added here.")
    return None


def upload_list_own(*, user: User, upload_ids: list[str]) -> list[Upload]:
    """The user's own uploads among ``upload_ids``, in the order given (unknown, malformed or
    others' ids are left out): what a form re-shown after an error lists as already uploaded."""
    parsed = [p for p in (_parse_id(i) for i in upload_ids) if p is not None]
    rows = {u.pk: u for u in Upload.objects.filter(pk__in=parsed, uploader_id=user.pk)}
    return [rows[p] for p in dict.fromkeys(parsed) if p in rows]
