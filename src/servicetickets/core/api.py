"""The JSON API: one NinjaAPI, every package's router, and the one place errors become bodies."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from servicetickets.core.auth import SessionAuth, TokenAuth
from servicetickets.core.errors import AppError

logger = logging.getLogger(__name__)


class _LocalTimeEncoder(NinjaJSONEncoder):
    """Times in the installation's time zone with an explicit offset (``+08:00``, ``+00:00``)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat(timespec="milliseconds")
        return super().default(o)


class _Renderer(JSONRenderer):
    encoder_class = _LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class _Api(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Ninja's document plus the paths served by plain Django views under the API."""
        from servicetickets.notifications.stream import openapi_path

        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        root = path_prefix if path_prefix is not None else self.get_root_path(path_params or {})
        schema["paths"][f"{root}notifications/stream"] = openapi_path()
        declare_errors(schema, root)
        return schema


#: API.md's error body, as the OpenAPI document names it.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "minLength": 1},
                "message": {"type": "string", "minLength": 1},
                "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            },
            "required": ["code", "message", "field"],
            "additionalProperties": False,
        }
    },
    "required": ["error"],
    "additionalProperties": False,
}

_ERROR_MEANINGS = {
    400: "Malformed request: a query parameter or the JSON body cannot be read.",
    401: "No valid token or session.",
    403: "The caller may not do this.",
    404: "Not found, or not visible to the caller.",
    409: "Conflicts with the current state of what it acts on.",
    413: "The request body is too large.",
    422: "A value is invalid; `field` names it.",
    429: "Too many: try again later.",
}

#: Errors particular to some operations (``"method path"`` below the API root), beyond those
#: every operation of its shape can answer (see ``declare_errors``).
_PARTICULAR_ERRORS: dict[str, tuple[int, ...]] = {
    "post users": (409,),
    "delete users/{username}": (409,),
    "post desks": (409,),
    "post desks/{desk_id}/types": (409,),
    "patch types/{type_id}": (409,),
    "post types/{type_id}/publish": (409,),
    "post types/{type_id}/unpublish": (409,),
    "post types/{type_id}/tickets": (409,),
    **{
        f"post tickets/{{ticket_id}}/{action}": (409,)
        for action in ("claim", "transfer", "reject", "complete", "confirm", "return", "cancel")
    },
    "post tickets/{ticket_id}/comment": (409,),
    "post tickets/{ticket_id}/urge": (409, 429),
    "get tickets/export": (409,),
    "post exports": (429,),
    "get exports/{export_id}/file": (409,),
}


def declare_errors(schema: dict[str, Any], root: str) -> None:
    """Declare on every operation the errors it can answer, all with API.md's error body: any
    secured one 401 and 403; with path parameters 404; with query parameters or a body 400 and
    422; with a body 413; plus those particular to it (``_PARTICULAR_ERRORS``)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = {p["in"] for p in operation.get("parameters", [])}
            has_body = "requestBody" in operation
            statuses = set(_PARTICULAR_ERRORS.get(f"{method} {path.removeprefix(root)}", ()))
            if operation.get("security"):
                statuses |= {401, 403}
            if "path" in params:
                statuses.add(404)
            if "query" in params or has_body:
                statuses |= {400, 422}
            if has_body:
                statuses.add(413)
            responses = operation.setdefault("responses", {})
            # A response the operation describes itself keeps its words; it gets the body.
            for status in sorted(statuses):
                described = responses.pop(status, None) or responses.get(str(status)) or {}
                responses[str(status)] = {
                    "description": described.get("description", _ERROR_MEANINGS[status]),
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }


api = _Api(
    renderer=_Renderer(),
    title="Service Tickets API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many",
    500: "server_error",
}


def error_body(
    status: int, message: str, *, field: str | None = None, code: str = ""
) -> dict[str, Any]:
    """API.md's error body."""
    return {
        "error": {
            "code": code or _STATUS_CODES.get(status, "error"),
            "message": message,
            "field": field,
        }
    }


def error_response(
    request: HttpRequest, status: int, message: str, *, field: str | None = None, code: str = ""
) -> HttpResponse:
    body = error_body(status, message, field=field, code=code)
    return api.create_response(request, body, status=status)


@api.exception_handler(AppError)
def _app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    return error_response(request, exc.status, exc.message, field=exc.field, code=exc.code)


def _field_from_loc(loc: list[Any]) -> str | None:
    """Turn pydantic's location (``['body', 'payload', 'handlers', 0]``) into ``handlers[0]``."""
    parts = [p for p in loc if p not in ("body", "payload", "query", "path", "form", "file")]
    if not parts:
        return None
    out = str(parts[0])
    for part in parts[1:]:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _validation_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown property.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Enter true or false.")
    if kind in ("list_type",):
        return _("Enter a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Enter an object.")
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return _("Enter a date and time in ISO 8601.")
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind == "string_too_long":
        return _("Must be at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Must be at least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind == "greater_than_equal":
        return _("Must be at least %(n)s.") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("Must be greater than %(n)s.") % {"n": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Must be at most %(n)s.") % {"n": ctx.get("le")}
    if kind == "less_than":
        return _("Must be less than %(n)s.") % {"n": ctx.get("lt")}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "string_pattern_mismatch":
        return _("Enter a value in the expected format.")
    return _("Enter a valid value.")


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A body that breaks its schema is an invalid value (422, naming the property); a query
    parameter that cannot be read is a malformed request (400); a path whose id is not even of
    the right type names nothing that exists (404)."""
    first = exc.errors[0] if exc.errors else {}
    loc = list(first.get("loc", []))
    where = loc[0] if loc else "body"
    if where == "path":
        return error_response(request, 404, _("Not found."))
    field = _field_from_loc(loc)
    message = _validation_message(first)
    if field is None and first.get("type") == "missing":
        message = _("Send the request body as a JSON object.")
    if where == "query":
        return error_response(request, 400, message, field=field, code="bad_request")
    return error_response(request, 422, message, field=field, code="invalid")


@api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, _("Sign in or send a valid API token."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return error_response(request, 400, _("The request body is not valid JSON."))
    if exc.status_code == 403:
        return error_response(request, 403, _("CSRF check failed."))
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, _("Not found."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, _("The request body is too large."))


@api.exception_handler(TooManyFilesSent)
@api.exception_handler(TooManyFieldsSent)
def _too_many_parts(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django's limits on a multipart body's count of files and fields: too large, as for bytes.
    return error_response(request, 413, _("The request has too many files or fields."))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # A body Django will not read (a broken multipart form…): malformed, never a server error.
    return error_response(request, 400, _("The request could not be read."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return error_response(request, 500, _("Something went wrong on the server."))


def _register_routers() -> None:
    from servicetickets.accounts.api import router as accounts
    from servicetickets.audit.api import router as audit
    from servicetickets.desks.api import router as desks
    from servicetickets.exports.api import router as exports
    from servicetickets.notifications.api import router as notifications
    from servicetickets.outbound.api import router as outbound
    from servicetickets.reports.api import router as reports
    from servicetickets.tickets.api import router as tickets
    from servicetickets.tickettypes.api import router as tickettypes
    from servicetickets.uploads.api import router as uploads

    api.add_router("", accounts)
    api.add_router("", desks)
    api.add_router("", tickettypes)
    api.add_router("", uploads)
    # Before tickets: ``/tickets/export`` would otherwise be read as ``/tickets/{ticket_id}``.
    api.add_router("", exports)
    api.add_router("", tickets)
    api.add_router("", notifications)
    api.add_router("", outbound)
    api.add_router("", reports)
    api.add_router("", audit)


_register_routers()
