from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from servicetickets.core.auth import caller
from servicetickets.core.errors import Invalid, NotFound
from servicetickets.uploads import selectors, services
from servicetickets.uploads.models import Upload
from servicetickets.uploads.schemas import UploadOut

router = Router(tags=["uploads"])


@router.post("/uploads", response={201: UploadOut})
def create_upload(request: HttpRequest, file: File[UploadedFile | None] = None) -> Status[Upload]:
    if file is None:
        raise Invalid(_("Send the file as multipart field “file”."), field="file")
    return Status(201, services.upload_create(uploader=caller(request), file=file))


@router.get("/uploads/{upload_id}", response={200: None})
def download_upload(request: HttpRequest, upload_id: str) -> FileResponse:
    upload = selectors.upload_get_for(user=caller(request), upload_id=upload_id)
    try:
        handle = services.path_of(upload).open("rb")
    except FileNotFoundError as exc:
        # The row outlived its bytes (a restored backup without the uploads folder).
        raise NotFound(_("No file with that id.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=upload.name)
    # Served as bytes to save, never rendered: our type from sniffing, and no sniffing by browsers.
    response["Content-Type"] = upload.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
