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


def open_counts_for_requester(*, user: User) -> dict[str, int]:
    """How many of the user's own tickets are in each open state (pending, processing,
    to_confirm; zero included), for the portal's "My tickets" summary. One grouped count on
    the (requester, state, submitted_at) index."""
    from django.db.models import Count

    from servicetickets.tickets.models import State

    counts = {State.PENDING.value: 0, State.PROCESSING.value: 0, State.TO_CONFIRM.value: 0}
    rows = (
        Ticket.objects.filter(requester_id=user.pk, state__in=list(counts))
        .values("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


# --- the ticket page and the workbench ------------------------------------------------------


def ticket_actions_for(*, user: User, ticket: Ticket) -> list[str]:
    """The actions ``user`` may take on ``ticket`` now: the transition table applied to their
    roles (what the API returns as ``allowed_actions``). Pages show a button for each."""
    from servicetickets.tickets.transitions import allowed_actions

    return allowed_actions(roles=roles_for(user=user, ticket=ticket), state=ticket.state)


def transfer_targets_for(*, user: User, ticket: Ticket) -> list[User]:
    """Whom ``user`` may hand the ticket to: the type's active handlers but themselves (what
    ``services.ticket_transfer`` accepts)."""
    return list(
        ticket.ticket_type.handlers.filter(is_active=True).exclude(pk=user.pk).order_by("name")
    )


def timeline_of(*, ticket: Ticket) -> list[TimelineEntry]:
    """The ticket's timeline, oldest first, with the people it names (the caller has already
    been allowed to see the ticket)."""
    return list(TimelineEntry.objects.filter(ticket=ticket).select_related("actor", "target"))


#: The workbench's tabs, in order.
WORKBENCH_TABS = ("new", "mine", "waiting", "done")


def handles_any_type(*, user: User) -> bool:
    return TicketType.handlers.through.objects.filter(user_id=user.pk).exists()


def workbench_q(*, user: User, tab: str) -> Q:
    """A workbench tab as a condition, each one index range:

    - ``new``: pending tickets of the types the user handles;
    - ``mine``: processing tickets assigned to the user;
    - ``waiting``: tickets the user processed, waiting for the requester's confirmation;
    - ``done``: closed tickets the user processed (resolved) or rejected (the reports'
      "closed" of a person, SPEC.md §5).

    Every tab is a subset of what ``visible_q`` lets the user see: the types they handle, or
    tickets they acted on or were handed (the timeline names them).
    """
    from servicetickets.tickets.models import Resolution, State

    if tab == "new":
        handled = TicketType.handlers.through.objects.filter(user_id=user.pk).values(
            "tickettype_id"
        )
        return Q(state=State.PENDING, ticket_type_id__in=handled)
    if tab == "mine":
        return Q(state=State.PROCESSING, assignee_id=user.pk)
    if tab == "waiting":
        return Q(state=State.TO_CONFIRM, processed_by_id=user.pk)
    if tab == "done":
        return Q(state=State.CLOSED) & (
            Q(resolution=Resolution.RESOLVED, processed_by_id=user.pk)
            | Q(resolution=Resolution.REJECTED, closed_by_id=user.pk)
        )
    raise NotFound(_("No such tab."))


#: Queues oldest first (the longest waiting is next); finished work newest first.
_WORKBENCH_ORDER = {
    "new": ("submitted_at", "id"),
    "mine": ("submitted_at", "id"),
    "waiting": ("-processed_at", "-id"),
    "done": ("-closed_at", "-id"),
}


def workbench_page_for(*, user: User, tab: str, page: int, page_size: int) -> TicketPageResult:
    """One page of a workbench tab and how many tickets it holds."""
    qs = Ticket.objects.filter(workbench_q(user=user, tab=tab))
    count = qs.count()
    offset = (page - 1) * page_size
    tickets = (
        list(
            qs.select_related(*listing.RELATED).order_by(*_WORKBENCH_ORDER[tab])[
                offset : offset + page_size
            ]
        )
        if offset < count
        else []
    )
    return TicketPageResult(count=count, tickets=tickets)


def workbench_counts_for(*, user: User) -> dict[str, int]:
    """How many tickets each tab holds (one count per tab)."""
    return {
        tab: Ticket.objects.filter(workbench_q(user=user, tab=tab)).count()
        for tab in WORKBENCH_TABS
    }
