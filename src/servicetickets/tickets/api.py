from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from servicetickets.accounts.models import User
from servicetickets.core.auth import caller
from servicetickets.core.errors import BadRequest
from servicetickets.core.text import check_text
from servicetickets.desks.models import Desk
from servicetickets.tickets import periods, services
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.tickets.schemas import (
    CommentIn,
    ConfirmIn,
    EmptyIn,
    NoteIn,
    ReasonIn,
    SubmitIn,
    TicketOut,
    TicketPage,
    TimelineOut,
    TransferIn,
)
from servicetickets.tickets.selectors import (
    TicketFilter,
    roles_for,
    ticket_get_for,
    ticket_page_for,
)
from servicetickets.tickets.transitions import allowed_actions
from servicetickets.tickettypes.models import TicketType

router = Router(tags=["tickets"])


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def ticket_out(ticket: Ticket, *, user: User | None = None, timeline: bool = False) -> TicketOut:
    out = TicketOut(
        id=ticket.pk,
        number=ticket.number,
        desk_id=ticket.desk_id,
        type_id=ticket.ticket_type_id,
        type_name=ticket.ticket_type.name,
        form_version=ticket.form_version,
        title=ticket.title,
        data=ticket.data,
        state=ticket.state,
        resolution=ticket.resolution or None,
        requester=ticket.requester.username,
        assignee=_name(ticket.assignee),
        processed_by=_name(ticket.processed_by),
        submitted_at=ticket.submitted_at,
        accepted_at=ticket.accepted_at,
        processed_at=ticket.processed_at,
        closed_at=ticket.closed_at,
        return_count=ticket.return_count,
        rating=ticket.rating,
        overdue=ticket.is_overdue(timezone.now()),
        response_due_at=ticket.response_due_at,
        processing_due_at=ticket.processing_due_at,
    )
    if user is not None:
        out.allowed_actions = allowed_actions(
            roles=roles_for(user=user, ticket=ticket), state=ticket.state
        )
    if timeline:
        entries = TimelineEntry.objects.filter(ticket=ticket).select_related("actor", "target")
        out.timeline = [
            TimelineOut(
                at=e.at,
                actor=_name(e.actor),
                action=e.action,
                from_state=e.from_state or None,
                to_state=e.to_state,
                note=e.note,
                target=_name(e.target),
                attachments=e.attachments,
            )
            for e in entries
        ]
    return out


def _acted(request: HttpRequest, ticket: Ticket) -> TicketOut:
    """The ticket an action just changed, as its actor now sees it. The action itself checked
    access, so the ticket it returns is shown without reading it again."""
    return ticket_out(ticket, user=caller(request), timeline=True)


def _detail(request: HttpRequest, ticket_id: int) -> TicketOut:
    user = caller(request)
    return ticket_out(ticket_get_for(user=user, ticket_id=ticket_id), user=user, timeline=True)


@router.post("/types/{type_id}/tickets", response={201: TicketOut})
def submit_ticket(request: HttpRequest, type_id: int, payload: SubmitIn) -> Status[TicketOut]:
    user = caller(request)
    ticket = services.ticket_submit(
        user=user, ticket_type_id=type_id, data=payload.data, title=payload.title
    )
    return Status(201, _acted(request, ticket))


class ListQuery(Schema):
    desk: int | None = None
    type: int | None = None
    state: Literal["pending", "processing", "to_confirm", "closed"] | None = None
    resolution: Literal["resolved", "cancelled", "rejected"] | None = None
    requester: str | None = Field(default=None, max_length=150)
    processor: str | None = Field(default=None, max_length=150)
    submitted_from: str | None = Field(default=None, max_length=periods.MAX_LENGTH)
    submitted_to: str | None = Field(default=None, max_length=periods.MAX_LENGTH)
    q: str = Field(default="", max_length=200)
    # Open past an SLA target (``Ticket.is_overdue``), or not.
    overdue: bool | None = None
    ordering: Literal["submitted_at", "-submitted_at", "number", "-number", "state", "-state"] = (
        "-submitted_at"
    )
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=200)


def _plain(value: str, field: str) -> str:
    """A filter text fit to compare (PostgreSQL cannot compare text with NUL)."""
    check_text(value, field=field, single_line=True, error=BadRequest)
    return value


def _user_filter(username: str | None, field: str) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=_plain(username, field)).first()
    if user is None:
        raise BadRequest(_("Unknown user: %(username)s.") % {"username": username}, field=field)
    return user


def _desk_and_type(desk: int | None, kind: int | None) -> None:
    """Refuse a desk or type that does not exist, or a type of another desk than ``desk`` (as
    the reports do): such a filter would only ever list nothing."""
    if desk is not None and not Desk.objects.filter(pk=desk).exists():
        raise BadRequest(_("No desk with that id."), field="desk")
    if kind is not None:
        kind_desk = TicketType.objects.filter(pk=kind).values_list("desk_id", flat=True).first()
        if kind_desk is None:
            raise BadRequest(_("No ticket type with that id."), field="type")
        if desk is not None and kind_desk != desk:
            raise BadRequest(_("That ticket type belongs to another desk."), field="type")


def list_filter(query: ListQuery) -> TicketFilter:
    """The list's query parameters as a filter: shared by the list and its export. Refuses
    (400, naming the parameter) any value that names nothing."""
    _desk_and_type(query.desk, query.type)
    period = periods.parse_period(query.submitted_from, query.submitted_to)
    return TicketFilter(
        desk=query.desk,
        ticket_type=query.type,
        state=query.state,
        resolution=query.resolution,
        requester=_user_filter(query.requester, "requester"),
        processor=_user_filter(query.processor, "processor"),
        submitted_from=period.start,
        submitted_to=period.end,
        q=_plain(query.q.strip(), "q"),
        overdue=query.overdue,
        ordering=query.ordering,
    )


@router.get("/tickets", response=TicketPage)
def list_tickets(request: HttpRequest, query: Query[ListQuery]) -> TicketPage:
    page = ticket_page_for(
        user=caller(request),
        filters=list_filter(query),
        page=query.page,
        page_size=query.page_size,
    )
    return TicketPage(
        count=page.count,
        page=query.page,
        page_size=query.page_size,
        results=[ticket_out(t) for t in page.tickets],
    )


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request: HttpRequest, ticket_id: int) -> TicketOut:
    return _detail(request, ticket_id)


# Every action takes an optional body: a missing body is an empty object, so a missing
# required value is named by the service (``reason``, ``note``, ``to``, ``text``) after the
# caller's access and the ticket's state were checked.


@router.post("/tickets/{ticket_id}/claim", response=TicketOut)
def claim(request: HttpRequest, ticket_id: int, payload: EmptyIn | None = None) -> TicketOut:
    ticket = services.ticket_claim(user=caller(request), ticket_id=ticket_id)
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/transfer", response=TicketOut)
def transfer(request: HttpRequest, ticket_id: int, payload: TransferIn | None = None) -> TicketOut:
    body = payload or TransferIn()
    ticket = services.ticket_transfer(
        user=caller(request), ticket_id=ticket_id, to=body.to, note=body.note
    )
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/reject", response=TicketOut)
def reject(request: HttpRequest, ticket_id: int, payload: ReasonIn | None = None) -> TicketOut:
    body = payload or ReasonIn()
    ticket = services.ticket_reject(user=caller(request), ticket_id=ticket_id, reason=body.reason)
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/complete", response=TicketOut)
def complete(request: HttpRequest, ticket_id: int, payload: NoteIn | None = None) -> TicketOut:
    body = payload or NoteIn()
    ticket = services.ticket_complete(
        user=caller(request), ticket_id=ticket_id, note=body.note, attachments=body.attachments
    )
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/confirm", response=TicketOut)
def confirm(request: HttpRequest, ticket_id: int, payload: ConfirmIn | None = None) -> TicketOut:
    body = payload or ConfirmIn()
    ticket = services.ticket_confirm(
        user=caller(request), ticket_id=ticket_id, rating=body.rating, comment=body.comment
    )
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/return", response=TicketOut)
def return_(request: HttpRequest, ticket_id: int, payload: ReasonIn | None = None) -> TicketOut:
    body = payload or ReasonIn()
    ticket = services.ticket_return(user=caller(request), ticket_id=ticket_id, reason=body.reason)
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/cancel", response=TicketOut)
def cancel(request: HttpRequest, ticket_id: int, payload: ReasonIn | None = None) -> TicketOut:
    body = payload or ReasonIn()
    ticket = services.ticket_cancel(user=caller(request), ticket_id=ticket_id, reason=body.reason)
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/comment", response=TicketOut)
def comment(request: HttpRequest, ticket_id: int, payload: CommentIn | None = None) -> TicketOut:
    body = payload or CommentIn()
    ticket = services.ticket_comment(
        user=caller(request), ticket_id=ticket_id, text=body.text, attachments=body.attachments
    )
    return _acted(request, ticket)


@router.post("/tickets/{ticket_id}/urge", response=TicketOut)
def urge(request: HttpRequest, ticket_id: int, payload: EmptyIn | None = None) -> TicketOut:
    ticket = services.ticket_urge(user=caller(request), ticket_id=ticket_id)
    return _acted(request, ticket)
