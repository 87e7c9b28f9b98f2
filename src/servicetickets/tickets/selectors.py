"""Who sees which ticket, decided once. Single-ticket reads, lists, files and (later) reports
and exports all filter with ``visible_q``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import NotFound
from servicetickets.desks.models import Desk
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.tickets.transitions import Roles
from servicetickets.tickettypes.models import TicketType


def visible_q(user: User) -> Q:
    """Requester; handlers of the type (and anyone who acted on it or was handed it, e.g. a
    former handler who is still its assignee after a transfer); the desk's admins. Site admins
    see everything."""
    if user.is_superuser:
        return Q()
    handled = TicketType.handlers.through.objects.filter(user_id=user.pk).values("tickettype_id")
    administered = Desk.admins.through.objects.filter(user_id=user.pk).values("desk_id")
    # ``target``: a transfer or a return handed the ticket to them; they must keep seeing it
    # even when they are no longer a handler of its type.
    # Correlated, so a single-ticket read checks that ticket's few entries instead of listing
    # every ticket the user ever touched.
    acted = TimelineEntry.objects.filter(ticket_id=OuterRef("pk")).filter(
        Q(actor_id=user.pk) | Q(target_id=user.pk)
    )
    return (
        Q(requester_id=user.pk)
        | Q(ticket_type_id__in=handled)
        | Q(desk_id__in=administered)
        | Q(Exists(acted))
    )


def ticket_get_for(*, user: User, ticket_id: int) -> Ticket:
    """The ticket if the user may see it; otherwise it does not exist for them (404)."""
    ticket = (
        Ticket.objects.filter(visible_q(user), pk=ticket_id)
        .select_related("requester", "assignee", "processed_by", "ticket_type")
        .first()
    )
    if ticket is None:
        raise NotFound(_("No ticket with that id."))
    return ticket


def roles_for(*, user: User, ticket: Ticket) -> Roles:
    handler = TicketType.handlers.through.objects.filter(
        tickettype_id=ticket.ticket_type_id, user_id=user.pk
    ).exists()
    desk_admin = Desk.admins.through.objects.filter(
        desk_id=ticket.desk_id, user_id=user.pk
    ).exists()
    return Roles.of(user=user, ticket=ticket, handler=handler, desk_admin=desk_admin)


ORDERINGS = {
    "submitted_at": ("submitted_at", "id"),
    "-submitted_at": ("-submitted_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "state": ("state", "-submitted_at", "-id"),
    "-state": ("-state", "-submitted_at", "-id"),
}


@dataclass(frozen=True)
class TicketFilter:
    desk: int | None = None
    ticket_type: int | None = None
    state: str | None = None
    resolution: str | None = None
    requester: User | None = None
    processor: User | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    q: str = ""
    ordering: str = "-submitted_at"


def ticket_list_for(*, user: User, filters: TicketFilter) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(visible_q(user))
    f = filters
    if f.desk is not None:
        qs = qs.filter(desk_id=f.desk)
    if f.ticket_type is not None:
        qs = qs.filter(ticket_type_id=f.ticket_type)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.resolution:
        qs = qs.filter(resolution=f.resolution)
    if f.requester is not None:
        qs = qs.filter(requester=f.requester)
    if f.processor is not None:
        qs = qs.filter(Q(assignee=f.processor) | Q(processed_by=f.processor))
    if f.submitted_from is not None:
        qs = qs.filter(submitted_at__gte=f.submitted_from)
    if f.submitted_to is not None:
        qs = qs.filter(submitted_at__lte=f.submitted_to)
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(title__icontains=f.q))
    return qs.select_related("requester", "assignee", "processed_by", "ticket_type").order_by(
        *ORDERINGS[f.ordering]
    )
