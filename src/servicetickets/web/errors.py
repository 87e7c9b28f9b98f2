"""Application errors on pages: the service's refusal shown beside the field it names.

Views catch :class:`~servicetickets.core.errors.AppError` from a service and re-render their
form with :func:`error_context`; the answer's status is 422 for a refused input (htmx swaps it,
see ``base.html``) and the error's own status otherwise (404 for what the person may not see).
"""

from __future__ import annotations

from typing import Any

from django import forms

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


def form_error_context(form: forms.Form) -> dict[str, Any]:
    """A Django form's errors in the shape of :func:`error_context`, so a template shows a
    parse error (a number that is not one) and a service's refusal alike: each field's first
    message, and the form-wide one, if any."""
    field_errors = {
        name: str(errors[0]) for name, errors in form.errors.items() if name != "__all__" and errors
    }
    whole = form.non_field_errors()
    return {"field_errors": field_errors, "error": str(whole[0]) if whole else None}
