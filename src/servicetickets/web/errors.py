"""Application errors on pages: the service's refusal shown beside the field it names.

Views catch :class:`~servicetickets.core.errors.AppError` from a service and re-render their
form with :func:`error_context`; the answer's status is 422 for a refused input (htmx swaps it,
see ``base.html``) and the error's own status otherwise (404 for what the person may not see).
"""

from __future__ import annotations

from typing import Any

from servicetickets.core.errors import AppError, BadRequest, Conflict


def error_context(exc: AppError) -> dict[str, Any]:
    """``field_errors`` maps the field the error names to its message; ``error`` is the
    message for the whole form when no field is named."""
    if exc.field:
        return {"field_errors": {exc.field: exc.message}, "error": None}
    return {"field_errors": {}, "error": exc.message}


def error_status(exc: AppError) -> int:
    """422 for input the person can correct and resubmit; otherwise the error's status."""
    return 422 if isinstance(exc, BadRequest | Conflict) or exc.status == 422 else exc.status
