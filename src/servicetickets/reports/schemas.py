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


class SlaOut(Schema):
    """The SLA columns of the efficiency reports (``reports.selectors`` states the rules)."""

    response_targeted: int = Field(
        description="Accepted tickets that had a response due time (their type's target)."
    )
    response_within_target: int = Field(
        description="Of those, the tickets accepted at or before their response due time."
    )
    response_within_target_share: float | None = Field(
        description="response_within_target / response_targeted (0 to 1); null when none."
    )
    processing_targeted: int = Field(
        description="Processed tickets (to confirm, or closed resolved) that had a processing"
        " due time."
    )
    processing_within_target: int = Field(
        description="Of those, the tickets whose last completion was at or before their"
        " processing due time."
    )
    processing_within_target_share: float | None = Field(
        description="processing_within_target / processing_targeted (0 to 1); null when none."
    )
    overdue_open: int = Field(
        description="Open tickets past a due time now (the list's overdue flag), not judged in"
        " the shares yet. By person: tickets in processing past their processing due time"
        " with the person as assignee."
    )


class EfficiencyOut(SlaOut):
    accepted: int
    avg_response_seconds: float | None
    processed: int
    avg_processing_seconds: float | None


class PersonEfficiencyOut(SlaOut):
    username: str
    name: str
    deleted: bool
    received: int
    avg_response_seconds: float | None
    processed: int
    avg_processing_seconds: float | None
