"""Make every error under /api/ carry the API's error body, even those Django answers itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_MESSAGES = {
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    413: ("too_large", lambda: _("The request is too large.")),
    500: ("server_error", lambda: _("Something went wrong on the server.")),
}


class ApiErrorBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = _MESSAGES.get(
            response.status_code, ("error", lambda: _("The request could not be served."))
        )
        body = {"error": {"code": code, "message": message(), "field": None}}
        replacement = JsonResponse(body, status=response.status_code)
        if "Allow" in response:
            replacement["Allow"] = response["Allow"]
        return replacement
