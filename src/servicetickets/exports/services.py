"""Exports of the ticket list: at once into a temporary file (the direct download), or as a
background job whose file waits under the data folder for a day."""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import Conflict, TooMany
from servicetickets.exports.models import Export, ExportState, Failure
from servicetickets.exports.selectors import export_source
from servicetickets.exports.tasks import export_run_task
from servicetickets.exports.writing import export_write
from servicetickets.tickets.selectors import TicketFilter

logger = logging.getLogger(__name__)

#: The direct download builds the whole file before its first byte goes out; past this many
#: tickets that takes long enough for proxies to give up, so larger exports run as a job.
DIRECT_MAX_TICKETS = 100_000
#: Exports a person may have waiting or running at once.
UNFINISHED_PER_USER = 3
#: Jobs and their files are kept this long after they were asked for.
KEPT = timedelta(days=1)
#: A running export moves every chunk; one that has not moved for this long lost its worker.
STALLED_AFTER = timedelta(minutes=15)
TIDY_BATCH = 500


def file_name(now: datetime | None = None) -> str:
    """``tickets-2026-11-27.xlsx``: the day in the installation's time zone."""
    return f"tickets-{timezone.localdate(now or timezone.now()):%Y-%m-%d}.xlsx"


def file_path(export: Export | uuid.UUID) -> Path:
    pk = export.pk if isinstance(export, Export) else export
    return Path(settings.EXPORT_ROOT) / f"{pk}.xlsx"


# --- the direct download ---------------------------------------------------------------------


def export_now(*, user: User, filters: TicketFilter) -> IO[bytes]:
    """The export as an anonymous temporary file, read from its start; it disappears once
    closed. Refused (409) past ``DIRECT_MAX_TICKETS``: those run as a background job."""
    source = export_source(user=user, filters=filters)
    total = source.tickets.count()
    if total > DIRECT_MAX_TICKETS:
        raise Conflict(
            _(
                "This export has %(count)s tickets; exports of more than %(limit)s tickets run "
                "in the background. Start one with POST /api/v1/exports."
            )
            % {"count": total, "limit": DIRECT_MAX_TICKETS}
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        export_write(source, handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


# --- background exports ----------------------------------------------------------------------


def export_start(*, user: User, query: dict[str, Any]) -> Export:
    """Queue an export of the list as ``query`` (already checked) asks. The job row commits
    with the export or not at all."""
    unfinished = Export.objects.filter(
        creator=user, state__in=(ExportState.QUEUED, ExportState.RUNNING)
    ).count()
    if unfinished >= UNFINISHED_PER_USER:
        raise TooMany(
            _("You have %(n)d exports under way; wait until one of them is done.")
            % {"n": unfinished}
        )
    with transaction.atomic():
        export = Export.objects.create(
            creator=user,
            query=query,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            file_name=file_name(),
        )
        export_run_task.enqueue(str(export.pk))
    return export


def export_run(*, export_id: str) -> int:
    """The job: write the export's file; return the number of tickets written. A job run
    twice (or by two workers) writes it once."""
    now = timezone.now()
    taken = Export.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, updated_at=now
    )
    if not taken:
        return 0
    export = Export.objects.select_related("creator").get(pk=export_id)
    with translation.override(export.language):
        try:
            return _write_file(export)
        except Exception:
            logger.exception("Export %s failed.", export.pk)
            Export.objects.filter(pk=export.pk).update(
                state=ExportState.FAILED, failure=Failure.ERROR, finished_at=timezone.now()
            )
            return 0


def _write_file(export: Export) -> int:
    # Imported here: the tickets API imports every router's dependencies at start-up.
    from servicetickets.tickets.api import ListQuery, list_filter

    filters = list_filter(ListQuery(**export.query))
    source = export_source(user=export.creator, filters=filters)
    total = source.tickets.count()
    Export.objects.filter(pk=export.pk).update(total=total, updated_at=timezone.now())

    def progress(done: int) -> None:
        Export.objects.filter(pk=export.pk).update(done=done, updated_at=timezone.now())

    final = file_path(export)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_suffix(".part")
    try:
        with part.open("wb") as handle:
            written = export_write(source, handle, progress=progress)
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)
    Export.objects.filter(pk=export.pk).update(
        # The count may have moved while the job ran: the file's count is the one that holds.
        state=ExportState.DONE,
        done=written,
        total=written,
        finished_at=timezone.now(),
    )
    return written


def exports_tidy(*, now: datetime | None = None) -> int:
    """Mark exports whose worker died as failed; remove exports (and files) older than
    ``KEPT``, and files left behind by anything else. Returns the exports removed."""
    now = now or timezone.now()
    Export.objects.filter(state=ExportState.RUNNING, updated_at__lt=now - STALLED_AFTER).update(
        state=ExportState.FAILED, failure=Failure.INTERRUPTED, finished_at=now
    )
    old = list(
        Export.objects.filter(created_at__lt=now - KEPT).values_list("pk", flat=True)[:TIDY_BATCH]
    )
    for pk in old:
        file_path(pk).unlink(missing_ok=True)
    Export.objects.filter(pk__in=old).delete()
    _remove_stray_files(older_than=(now - KEPT).timestamp())
    return len(old)


def _remove_stray_files(*, older_than: float) -> None:
    """Files of exports whose rows are gone, and parts of jobs that died while writing."""
    root = Path(settings.EXPORT_ROOT)
    if not root.is_dir():
        return
    for path in root.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < older_than:
                path.unlink()
        except OSError:  # removed meanwhile by another worker
            continue
