"""The ticket list when it searches (``q``): read from the search table alone.

A common word matches tens of thousands of tickets, and a search is answered from the matches
(never by walking the whole list looking for them). The search table (``tickets.search``)
holds a copy of the columns the list filters and sorts by, so the matches are checked for
visibility and the filters, counted and sorted there; only the page's 50 tickets are read.
What the copies cannot answer is asked of the tickets and the timeline for the matching rows
only: the processor and ``overdue`` filters, and tickets acted on (former handlers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q

from servicetickets.tickets import search
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.visibility import Visibility

if TYPE_CHECKING:
    from servicetickets.tickets.listing import TicketFilter

ALIAS = "s"


def _in(column: str, values: Iterable[int]) -> tuple[str, list[Any]]:
    items = sorted(values)
    return f"{ALIAS}.{column} IN ({', '.join(['%s'] * len(items))})", list(items)


def _visible(vis: Visibility, ident: str) -> tuple[str, list[Any]]:
    """``Visibility.q()`` over the copied columns."""
    parts = [f"{ALIAS}.requester_id = %s"]
    params: list[Any] = [vis.user_id]
    for column, values in (("desk_id", vis.desks), ("ticket_type_id", vis.types)):
        if values:
            sql, values_params = _in(column, values)
            parts.append(sql)
            params += values_params
    if vis.former:
        kinds, kinds_params = _in("ticket_type_id", vis.former)
        parts.append(
            f"({kinds} AND EXISTS (SELECT 1 FROM tickets_timelineentry e"
            f" WHERE e.ticket_id = {ident} AND (e.actor_id = %s OR e.target_id = %s)))"
        )
        params += [*kinds_params, vis.user_id, vis.user_id]
    return "(" + " OR ".join(parts) + ")", params


def where(vis: Visibility, f: TicketFilter, *, now: datetime, ticket_q: Q) -> tuple[str, list[Any]]:
    """The WHERE of a search over the search table aliased ``s``. ``ticket_q``: the filters
    only the tickets can answer (``Q()`` for none)."""
    vendor = connection.vendor
    ident = f"{ALIAS}.{search.ID_COLUMN[vendor]}"
    words, words_params = search.condition(vendor, f.q, alias=ALIAS)
    conditions = [words]
    params: list[Any] = list(words_params)
    if not vis.everything:
        visible, visible_params = _visible(vis, ident)
        conditions.append(visible)
        params += visible_params
    adapt = connection.ops.adapt_datetimefield_value
    for column, operator, value in (
        ("desk_id", "=", f.desk),
        ("ticket_type_id", "=", f.ticket_type),
        ("state", "=", f.state or None),
        ("resolution", "=", f.resolution or None),
        ("requester_id", "=", f.requester.pk if f.requester else None),
        ("submitted_at", ">=", adapt(f.submitted_from) if f.submitted_from else None),
        ("submitted_at", "<=", adapt(f.submitted_to) if f.submitted_to else None),
    ):
        if value is not None:
            conditions.append(f"{ALIAS}.{column} {operator} %s")
            params.append(value)
    if ticket_q:
        sql, ticket_params = Ticket.objects.filter(ticket_q).values("pk").query.sql_with_params()
        conditions.append(f"{ident} IN ({sql})")
        params += list(ticket_params)
    return " AND ".join(conditions), params


def order_by(ordering: tuple[str, ...]) -> str:
    ident = search.ID_COLUMN[connection.vendor]
    terms = []
    for term in ordering:
        name = term.lstrip("-")
        column = ident if name == "id" else name
        terms.append(f"{ALIAS}.{column} {'DESC' if term.startswith('-') else 'ASC'}")
    return ", ".join(terms)


def page_sql(
    vis: Visibility,
    f: TicketFilter,
    *,
    now: datetime,
    ticket_q: Q,
    ordering: tuple[str, ...],
    offset: int,
    size: int,
) -> tuple[str, list[Any]]:
    condition, params = where(vis, f, now=now, ticket_q=ticket_q)
    ident = search.ID_COLUMN[connection.vendor]
    return (
        f"SELECT {ALIAS}.{ident} FROM {search.TABLE} {ALIAS} WHERE {condition}"
        f" ORDER BY {order_by(ordering)} LIMIT {int(size)} OFFSET {int(offset)}",
        params,
    )


def count_sql(
    vis: Visibility, f: TicketFilter, *, now: datetime, ticket_q: Q
) -> tuple[str, list[Any]]:
    condition, params = where(vis, f, now=now, ticket_q=ticket_q)
    return f"SELECT COUNT(*) FROM {search.TABLE} {ALIAS} WHERE {condition}", params
