"""The rule for free text a person sends, shared by form values, ticket actions and filters."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from servicetickets.core.errors import AppError, Invalid

# Control characters other than tab (and line breaks, in multi-line text) are refused: they
# cannot be shown, and PostgreSQL cannot store NUL in text or JSON (a 500 instead of a refusal).
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_newline_style(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_text(
    text: str, *, field: str, single_line: bool, error: type[AppError] = Invalid
) -> None:
    """Refuse line breaks in single-line text and control characters anywhere."""
    if single_line and ("\n" in text or "\r" in text):
        raise error(_("Enter a single line of text."), field=field)
    if (_SINGLE_LINE_BAD if single_line else _MULTI_LINE_BAD).search(text):
        raise error(_("Text cannot contain control characters."), field=field)
