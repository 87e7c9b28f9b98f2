"""Errors in one shape per audience: the API's error body under /api/ (even for errors Django
answers itself), and an error page for the web pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from servicetickets.core.errors import AppError

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


class PageErrorMiddleware:
    """A service's refusal raised by a page view becomes a page with the message and the
    error's status (404 for what the person may not see, so a fragment URL opened by an
    outsider reveals nothing). The API maps the same errors to its JSON body itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, AppError):
            return None
        return render(
            request,
            "web/error.html",
            {"message": exception.message, "status": exception.status},
            status=exception.status,
        )
