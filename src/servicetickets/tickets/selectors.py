"""Who sees which ticket, decided once. Single-ticket reads, files and reminders filter with
``visible_q``; the list and its exports with ``tickets.listing``, which splits the same rule
into index-friendly parts (tested to agree with ``visible_q``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import User
from servicetickets.core.errors import NotFound
from servicetickets.desks.models import Desk
from servicetickets.tickets import listing
from servicetickets.tickets.listing import ORDERINGS, TicketFilter
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.tickets.transitions import Roles
from servicetickets.tickettypes.models import TicketType

#: ``TicketFilter`` and ``ORDERINGS`` live with the list's queries; imported from here too.
__all__ = [
    "ORDERINGS",
    "TicketFilter",
    "TicketPageResult",
    "roles_for",
    "ticket_get_for",
    "ticket_list_for",
    "ticket_page_for",
    "visible_q",
]


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


@dataclass(frozen=True)
class TicketPageResult:
    count: int
    tickets: list[Ticket]


def ticket_list_for(*, user: User, filters: TicketFilter) -> QuerySet[Ticket]:
    """Every ticket the user sees that matches the filters, in list order (for exports)."""
    return listing.ticket_list(user, filters)


def ticket_page_for(
    *, user: User, filters: TicketFilter, page: int, page_size: int
) -> TicketPageResult:
    """One page of the list and how many tickets match in all (see ``tickets.listing``)."""
    plan = listing.list_plan(user, filters)
    offset = (page - 1) * page_size
    count = plan.count()
    # A page past the end is empty: no need to read (or to pass the database an offset
    # beyond what it can hold).
    tickets = plan.page(offset, page_size) if offset < count else []
    return TicketPageResult(count=count, tickets=tickets)
