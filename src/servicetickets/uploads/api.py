from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from servicetickets.core.auth import caller
from servicetickets.core.errors import Invalid, NotFound
from servicetickets.uploads import selectors, services
from servicetickets.uploads.models import SERVED_AS_IS, Upload
from servicetickets.uploads.schemas import UploadOut

router = Router(tags=["uploads"])

#: The multipart parts ``POST /uploads`` reads (the CSRF token of a page posting with a form).
_OWN_PARTS = frozenset({"file", "csrfmiddlewaretoken"})


#: What the document says beyond ninja: the part ``file`` is required (its absence is refused
#: here, with a clearer message than ninja's), and what a download's body can be.
_FILE_PART: dict[str, Any] = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {"required": ["file"]}}}}
}
_DOWNLOAD: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The file's bytes, as an attachment.",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in sorted({*SERVED_AS_IS, "application/octet-stream"})
            },
        }
    }
}


@router.post("/uploads", response={201: UploadOut}, openapi_extra=_FILE_PART)
def create_upload(request: HttpRequest, file: File[UploadedFile | None] = None) -> Status[Upload]:
    if file is None:
        raise Invalid(_("Send the file as multipart field “file”."), field="file")
    # As with JSON bodies: a part the endpoint does not own (``uploader``, ``ticket_id``…) is
    # refused by name, never silently dropped.
    extra = [key for key in [*request.POST, *request.FILES] if key not in _OWN_PARTS]
    if extra:
        raise Invalid(_("Unknown property."), field=extra[0])
    return Status(201, services.upload_create(uploader=caller(request), file=file))


@router.get("/uploads/{upload_id}", response={200: None}, openapi_extra=_DOWNLOAD)
def download_upload(request: HttpRequest, upload_id: str) -> FileResponse:
    upload = selectors.upload_get_for(user=caller(request), upload_id=upload_id)
    try:
        handle = services.path_of(upload).open("rb")
    except FileNotFoundError as exc:
        # The row outlived its bytes (a restored backup without the uploads folder).
        raise NotFound(_("No file with that id.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=upload.name)
    # Served as bytes to save, never rendered: our type from sniffing (opaque bytes unless it is
    # a picture, PDF or plain text), and no sniffing by browsers.
    response["Content-Type"] = upload.served_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
