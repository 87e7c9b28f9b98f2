from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from servicetickets.core.schemas import InSchema


class SubmitIn(InSchema):
    title: str | None = Field(default=None, max_length=1000)
    # Checked against the type's form by ``forms.clean_data`` so errors name the form key.
    data: dict[str, Any] = Field(default_factory=dict)


class EmptyIn(InSchema):
    pass


class TransferIn(InSchema):
    # Optional here so that a missing target is named by the service after access checks.
    to: str | None = Field(default=None, max_length=150)
    note: str | None = Field(default=None, max_length=20000)


class ReasonIn(InSchema):
    reason: str | None = Field(default=None, max_length=20000)


class NoteIn(InSchema):
    note: str | None = Field(default=None, max_length=20000)
    attachments: list[str] = Field(default_factory=list, max_length=50)


class ConfirmIn(InSchema):
    # Strict: ``true`` or ``"5"`` is not a rating.
    rating: int | None = Field(default=None, strict=True)
    comment: str | None = Field(default=None, max_length=20000)


class CommentIn(InSchema):
    text: str | None = Field(default=None, max_length=20000)
    attachments: list[str] = Field(default_factory=list, max_length=50)


class TimelineOut(Schema):
    at: datetime
    actor: str | None
    action: str
    from_state: str | None
    to_state: str
    note: str
    target: str | None
    attachments: list[str]


class TicketOut(Schema):
    id: int
    number: str
    desk_id: int
    type_id: int
    type_name: str
    form_version: int
    title: str
    data: dict[str, Any]
    state: str
    resolution: str | None
    requester: str
    assignee: str | None
    processed_by: str | None
    submitted_at: datetime
    accepted_at: datetime | None
    processed_at: datetime | None
    closed_at: datetime | None
    return_count: int
    rating: int | None
    # Open past an SLA target of its type (see SPEC.md §7); due times are fixed at submission.
    overdue: bool
    response_due_at: datetime | None
    processing_due_at: datetime | None
    allowed_actions: list[str] | None = None
    timeline: list[TimelineOut] | None = None


class TicketPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TicketOut]
