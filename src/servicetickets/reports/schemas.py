from __future__ import annotations

from ninja import Schema
from pydantic import Field

from servicetickets.tickets.periods import MAX_LENGTH

_PERIOD_HELP = (
    "A date (YYYY-MM-DD) or an ISO 8601 date and time; without an offset, in the "
    "installation's time zone. A date as submitted_to includes that whole day."
)


class ReportQuery(Schema):
    """The common filters. Without ``submitted_from`` the period is the 6 months before its
    end; without ``submitted_to`` it runs up to now."""

    desk: int | None = None
    type: int | None = Field(default=None, description="A ticket type id; deleted types too.")
    submitted_from: str | None = Field(
        default=None, max_length=MAX_LENGTH, description=_PERIOD_HELP
    )
    submitted_to: str | None = Field(default=None, max_length=MAX_LENGTH, description=_PERIOD_HELP)


class StatusOut(Schema):
    total: int
    pending: int
    processing: int
    to_confirm: int
    closed: int


class PersonStatusOut(Schema):
    username: str
    name: str
    deleted: bool
    processed: int
    processing: int
    to_confirm: int
    closed: int


class EfficiencyOut(Schema):
    accepted: int
    avg_response_seconds: float | None
    processed: int
    avg_processing_seconds: float | None


class PersonEfficiencyOut(Schema):
    username: str
    name: str
    deleted: bool
    received: int
    avg_response_seconds: float | None
    processed: int
    avg_processing_seconds: float | None
