"""A directory's name and e-mail, made to fit the user's fields: names are cut to the field's
length, an address our e-mail check refuses is not taken (the one before stays)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from servicetickets.accounts.models import User

NAME_MAX = 100


def fitted(name: object, email: object) -> tuple[str, str]:
    """``(name, email)`` for a new user, fitted."""
    probe = User(name=str(name or ""), email=str(email or ""))
    fit_profile(probe)
    return probe.name, probe.email


def fit_profile(user: User, *, email_before: str = "") -> None:
    user.name = (user.name or "").strip()[:NAME_MAX]
    user.email = (user.email or "").strip()
    if user.email:
        try:
            validate_email(user.email)
        except ValidationError:
            user.email = email_before
