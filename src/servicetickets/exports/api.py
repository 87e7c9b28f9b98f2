"""``GET /tickets/export`` (the list as an ``.xlsx`` at once) and ``/exports`` (the same as a
background job with progress, for large exports).

Anyone signed in may export, and an export holds exactly the tickets the caller's list holds
for the same query: the same visibility, filters, order and refusals (400 naming the filter).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from servicetickets.core.auth import caller
from servicetickets.core.errors import Conflict, NotFound
from servicetickets.exports import selectors, services
from servicetickets.exports.models import Export, ExportState, Failure
from servicetickets.exports.schemas import ExportOut
from servicetickets.tickets.api import ListQuery, list_filter

router = Router(tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The workbook, as an attachment.",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
# Paging belongs to the list, not to its export.
_NOT_FILTERS = {"page", "page_size"}


def _download(handle: Any, name: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


@router.get("/tickets/export", response={200: None}, openapi_extra=_FILE_RESPONSE)
def export_tickets(request: HttpRequest, query: Query[ListQuery]) -> FileResponse:
    """The filtered list as an `.xlsx` file (at most 100,000 tickets; larger: `POST /exports`)."""
    user = caller(request)
    handle = services.export_now(user=user, filters=list_filter(query))
    return _download(handle, services.file_name())


def _failure_message(failure: str) -> str | None:
    if failure == Failure.INTERRUPTED:
        return _("The export was interrupted. Start it again.")
    if failure:
        return _("The export failed. Start it again, or ask an administrator to look at the log.")
    return None


def export_out(export: Export) -> ExportOut:
    done = export.state == ExportState.DONE
    return ExportOut(
        id=str(export.pk),
        state=export.state,
        done=export.done,
        total=export.total,
        file_name=export.file_name,
        file=f"/api/v1/exports/{export.pk}/file" if done else None,
        error=_failure_message(export.failure),
        created_at=export.created_at,
        finished_at=export.finished_at,
    )


@router.post("/exports", response={202: ExportOut})
def start_export(request: HttpRequest, query: Query[ListQuery]) -> Status[ExportOut]:
    """Export the list filtered as `GET /tickets` is (the same query parameters) in the
    background; poll `GET /exports/{id}`, then download `GET /exports/{id}/file`."""
    list_filter(query)  # refused now, like the list, rather than failing in the job
    export = services.export_start(
        user=caller(request), query=query.model_dump(exclude=_NOT_FILTERS)
    )
    return Status(202, export_out(export))


@router.get("/exports", response=list[ExportOut])
def list_exports(request: HttpRequest) -> list[ExportOut]:
    """The caller's exports of the last day, newest first."""
    return [export_out(e) for e in selectors.export_list_for(user=caller(request))]


@router.get("/exports/{export_id}", response=ExportOut)
def get_export(request: HttpRequest, export_id: uuid.UUID) -> ExportOut:
    return export_out(selectors.export_get_for(user=caller(request), export_id=export_id))


@router.get("/exports/{export_id}/file", response={200: None}, openapi_extra=_FILE_RESPONSE)
def download_export(request: HttpRequest, export_id: uuid.UUID) -> FileResponse:
    export = selectors.export_get_for(user=caller(request), export_id=export_id)
    if export.state != ExportState.DONE:
        raise Conflict(_("The export is not finished yet."))
    try:
        handle = services.file_path(export).open("rb")
    except FileNotFoundError as exc:  # removed by the daily tidy-up meanwhile
        raise NotFound(_("No export with that id.")) from exc
    return _download(handle, export.file_name)
