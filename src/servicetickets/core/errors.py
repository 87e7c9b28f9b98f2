"""One error vocabulary for the whole application.

Services raise these; the API turns them into ``{"error": {code, message, field}}`` in one
place (``core.api``) and the web pages turn them into form errors.
"""

from __future__ import annotations

from django.utils.functional import Promise


class AppError(Exception):
    """A refusal a user or client can act on. ``status`` is the HTTP status it maps to."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str | Promise, *, field: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if code is not None:
            self.code = code

    def as_body(self) -> dict[str, dict[str, str | None]]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class BadRequest(AppError):
    status = 400
    code = "bad_request"


class NotAuthenticated(AppError):
    status = 401
    code = "not_authenticated"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class TooLarge(AppError):
    status = 413
    code = "too_large"


class Invalid(AppError):
    status = 422
    code = "invalid"


class TooMany(AppError):
    status = 429
    code = "too_many"
