"""The submission period of the ticket list, its export and the reports, read one way.

A bound is a date (``2026-03-31``) or an ISO 8601 date and time (``2026-03-31T18:00``,
``2026-03-31T18:00:00+08:00``); without an offset it is read in the installation's time zone.
A date as the start means that day's first moment; a date as the end includes that whole day
(up to its last microsecond), so ``submitted_from=2026-03-01&submitted_to=2026-03-31`` is all
of March. Both bounds are inclusive, and fall in the years 1000 to 8999.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.core.errors import BadRequest

#: Longest bound accepted (an ISO time with microseconds and an offset is 32 characters).
MAX_LENGTH = 40
#: Years a bound may fall in: leaves room to count months and days around it without
#: leaving what dates can hold.
YEARS = range(1000, 9000)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Period:
    """Inclusive bounds of ``submitted_at``; ``None`` leaves that side open."""

    start: datetime | None = None
    end: datetime | None = None


def _malformed(field: str) -> BadRequest:
    return BadRequest(_("Enter a date as YYYY-MM-DD or a date and time in ISO 8601."), field=field)


def parse_bound(value: str | None, *, field: str, end: bool) -> datetime | None:
    """One bound as an aware moment; an empty value is no bound."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise _malformed(field)
    try:
        if _DATE.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), time.max if end else time.min)
        elif _DATE_TIME.match(text):
            moment = datetime.fromisoformat(text)
        else:
            raise _malformed(field)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment.astimezone(UTC).year not in YEARS:
            raise _malformed(field)
    except (ValueError, OverflowError) as exc:
        raise _malformed(field) from exc
    return moment


def parse_period(submitted_from: str | None, submitted_to: str | None) -> Period:
    """Both bounds, refusing a start after the end (naming ``submitted_from``)."""
    start = parse_bound(submitted_from, field="submitted_from", end=False)
    end = parse_bound(submitted_to, field="submitted_to", end=True)
    if start is not None and end is not None and start > end:
        raise BadRequest(_("The start of the period is after its end."), field="submitted_from")
    return Period(start=start, end=end)
