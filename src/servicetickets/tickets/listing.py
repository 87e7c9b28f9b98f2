"""The ticket list's queries: one page of tickets and the count, fast at a million tickets.

A page is read per arm of what the caller sees (``tickets.visibility``): each arm's first
``offset + size`` tickets in list order, read from an index on (desk | type | requester |
assignee | processor, state, submitted_at) or (…, submitted_at), then merged with UNION ALL
and cut. An arm is split by state when the ordering is by state or the processor filter is set,
and in two by the processor filter (the assignee; the processor), so that every part is one
index range read in order and stops after ``offset + size`` tickets. A search is answered from
the search table instead (``tickets.searchlist``).

The count adds up the arms, mostly from day counts (``tickets.listcount``).

``ticket_list`` is the same list as one plain query, for exports that stream every row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.tickets import daycounts, listcount, search, searchlist
from servicetickets.tickets.models import State, Ticket
from servicetickets.tickets.visibility import (
    FORMER,
    OWN,
    TYPESET,
    Arm,
    Visibility,
    any_of,
    visibility_for,
)

#: Columns a page query returns, in this order: what list orderings sort by.
PAGE_COLUMNS = ("id", "submitted_at", "number", "state")
RELATED = ("requester", "assignee", "processed_by", "ticket_type")
ORDERINGS: dict[str, tuple[str, ...]] = {
    "submitted_at": ("submitted_at", "id"),
    "-submitted_at": ("-submitted_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "state": ("state", "-submitted_at", "-id"),
    "-state": ("-state", "-submitted_at", "-id"),
}


@dataclass(frozen=True)
class TicketFilter:
    """The list's filters, parsed and checked (``tickets.api.list_filter``)."""

    desk: int | None = None
    ticket_type: int | None = None
    state: str | None = None
    resolution: str | None = None
    requester: User | None = None
    processor: User | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    q: str = ""
    #: Open past an SLA target (``Ticket.is_overdue``), or not.
    overdue: bool | None = None
    ordering: str = "-submitted_at"


def overdue_q(now: datetime) -> Q:
    """Open past an SLA target: the rule of ``Ticket.is_overdue``."""
    late_response = Q(state=State.PENDING, response_due_at__lt=now)
    late_processing = Q(state__in=[State.PENDING, State.PROCESSING], processing_due_at__lt=now)
    return late_response | late_processing


def processor_q(user: User) -> Q:
    return Q(assignee_id=user.pk) | Q(processed_by_id=user.pk)


def filter_q(
    f: TicketFilter,
    *,
    now: datetime,
    period: bool = True,
    processor: bool = True,
    words: bool = True,
) -> Q:
    """Every filter as one condition (``period``, ``processor``, ``words``: include the
    period, the processor, the search)."""
    out = Q()
    if f.desk is not None:
        out &= Q(desk_id=f.desk)
    if f.ticket_type is not None:
        out &= Q(ticket_type_id=f.ticket_type)
    if f.state:
        out &= Q(state=f.state)
    if f.resolution:
        out &= Q(resolution=f.resolution)
    if f.requester is not None:
        out &= Q(requester_id=f.requester.pk)
    if processor and f.processor is not None:
        out &= processor_q(f.processor)
    if period and f.submitted_from is not None:
        out &= Q(submitted_at__gte=f.submitted_from)
    if period and f.submitted_to is not None:
        out &= Q(submitted_at__lte=f.submitted_to)
    if f.overdue is True:
        out &= overdue_q(now)
    elif f.overdue is False:
        out &= ~overdue_q(now)
    if words and f.q:
        sql, params = search.matching_ids(connection.vendor, f.q)
        out &= Q(pk__in=RawSQL(sql, params))
    return out


def ticket_list(user: User, f: TicketFilter, *, now: datetime | None = None) -> QuerySet[Ticket]:
    """Every ticket of the list, in list order, as one query (exports stream it)."""
    now = now or timezone.now()
    return (
        Ticket.objects.filter(visibility_for(user).q() & filter_q(f, now=now))
        .select_related(*RELATED)
        .order_by(*ORDERINGS[f.ordering])
    )


@dataclass(frozen=True)
class Statement:
    """One query the list runs (benchmarks EXPLAIN them)."""

    label: str
    sql: str
    params: list[Any]


def _sql(qs: QuerySet[Ticket, object]) -> tuple[str, list[Any]]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _sql_or_none(qs: QuerySet[Ticket, Any]) -> tuple[str, list[Any]] | None:
    """The query's SQL, or None when Django knows it matches nothing (``IN ()``)."""
    try:
        return _sql(qs)
    except EmptyResultSet:
        return None


def _counting(label: str, qs: QuerySet[Ticket]) -> list[Statement]:
    """A statement counting ``qs`` (none if Django knows it matches nothing)."""
    found = _sql_or_none(qs.values("pk"))
    if found is None:
        return []
    return [Statement(label, f"SELECT COUNT(*) FROM ({found[0]}) AS counted", found[1])]


@dataclass(frozen=True)
class ListPlan:
    """The queries of one list request."""

    filters: TicketFilter
    now: datetime
    visibility: Visibility

    def _ticket_only_q(self) -> Q:
        """The filters the search table's copied columns cannot answer."""
        f = self.filters
        out = Q()
        if f.processor is not None:
            out &= processor_q(f.processor)
        if f.overdue is True:
            out &= overdue_q(self.now)
        elif f.overdue is False:
            out &= ~overdue_q(self.now)
        return out

    @cached_property
    def arms(self) -> list[Arm]:
        """The arms of what the caller sees that the filters leave, less an own-requests arm
        the day counts show to be empty."""
        arms = self.visibility.arms(self.filters)
        return [arm for arm in arms if arm.kind != OWN or self._own_may_hold_any()]

    def _own_may_hold_any(self) -> bool:
        """Whether the caller's requests outside their desks and types may hold a match for
        the processor filter. A desk admin or handler who is also a busy requester would
        otherwise have all their requests read through for a processor who works in their
        desks only (the two parts of that arm meet in no index)."""
        f, vis = self.filters, self.visibility
        if f.processor is None or (not vis.desks and not vis.types):
            # Without a processor the arm is one index range, cheap to find empty; with no
            # desks and types it is the whole list.
            return True
        # Whole UTC days around the period: a bound from above is enough here.
        start = f.submitted_from.astimezone(UTC).date() if f.submitted_from else None
        end = f.submitted_to.astimezone(UTC).date() if f.submitted_to else None
        people = [(daycounts.REQUESTER, vis.user_id)]
        if f.processor is not None:
            people.append((daycounts.PROCESSOR, f.processor.pk))
        with connection.cursor() as cursor:
            for person in people:
                sql, params = listcount.summed_sql(
                    vis, f, arm_kind=OWN, person=person, whole=(start, end)
                )
                cursor.execute(sql, params)
                row = cursor.fetchone()
                if not row or not row[0]:
                    return False
        return True

    def _states(self) -> list[str | None]:
        """The states each arm is split by (``[None]``: not split)."""
        f = self.filters
        if f.state or (f.ordering not in ("state", "-state") and f.processor is None):
            return [None]
        if f.resolution:
            return [State.CLOSED]
        if f.overdue is True:
            return [State.PENDING, State.PROCESSING]
        return list(State.values)

    def _page_arms(self) -> list[Q]:
        f = self.filters
        arms = [arm.q for arm in self.arms]
        if f.processor is not None:
            # Two parts, each read in order from its own index; a ticket both assigned to and
            # processed by them is in both, and the page's UNION keeps it once.
            who = f.processor.pk
            parts = [Q(assignee_id=who), Q(processed_by_id=who)]
            arms = [arm & part for arm in arms for part in parts]
        return [arm & Q(state=s) if s else arm for arm in arms for s in self._states()]

    def page_query(self, offset: int, size: int) -> tuple[str, list[Any]] | None:
        """The query of the page's ids, or None when no part of the list can hold any."""
        f = self.filters
        ordering = ORDERINGS[f.ordering]
        if f.q:
            return searchlist.page_sql(
                self.visibility,
                f,
                now=self.now,
                ticket_q=self._ticket_only_q(),
                ordering=ordering,
                offset=offset,
                size=size,
            )
        common = filter_q(f, now=self.now, processor=False)
        queries = [
            Ticket.objects.filter(arm & common).order_by(*ordering).values_list(*PAGE_COLUMNS)
            for arm in self._page_arms()
        ]
        if len(queries) == 1:
            return _sql_or_none(queries[0][offset : offset + size])
        parts: list[str] = []
        params: list[Any] = []
        for qs in queries:
            found = _sql_or_none(qs[: offset + size])
            if found is not None:
                parts.append(f"SELECT * FROM ({found[0]}) AS arm{len(parts)}")
                params += found[1]
        if not parts:
            return None
        by = ", ".join(_by_position(term) for term in ordering)
        # The arms are disjoint but for the processor's two parts (see ``_page_arms``).
        union = (" UNION " if f.processor is not None else " UNION ALL ").join(parts)
        return f"{union} ORDER BY {by} LIMIT {int(size)} OFFSET {int(offset)}", params

    def page(self, offset: int, size: int) -> list[Ticket]:
        query = self.page_query(offset, size)
        if query is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(*query)
            ids = [row[0] for row in cursor.fetchall()]
        by_id = Ticket.objects.select_related(*RELATED).in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def count_queries(self) -> list[Statement]:
        """The queries whose results add up to the count (``overdue=false``: see ``count``)."""
        f, vis = self.filters, self.visibility
        if f.q:
            sql, params = searchlist.count_sql(vis, f, now=self.now, ticket_q=self._ticket_only_q())
            return [Statement("count: search", sql, params)]
        arms = self.arms
        out: list[Statement] = []
        groups: list[tuple[str, Q]] = []
        typeset = vis.typeset_q()
        if typeset is not None and any(arm.kind == TYPESET for arm in arms):
            groups.append((TYPESET, typeset))
        groups += [(arm.kind, arm.q) for arm in arms if arm.kind == OWN]
        # Tickets acted on are counted together: one pass over the timeline checks.
        former = any_of([arm.q for arm in arms if arm.kind == FORMER])
        if former is not None:
            groups.append((FORMER, former))
        for kind, condition in groups:
            out += self._counted(kind, condition)
        return out

    def _counted(self, kind: str, condition: Q) -> list[Statement]:
        """How to count the tickets of ``condition`` (arms of ``kind``): from the day counts
        and the part-days, or from the tickets."""
        f, vis = self.filters, self.visibility
        person = listcount.counted_person(f, kind, vis.user_id)
        if person is None:
            matching = Ticket.objects.filter(condition & filter_q(f, now=self.now))
            return _counting(f"count: {kind}", matching)
        out = []
        period = listcount.split_period(f.submitted_from, f.submitted_to)
        if period.whole is not None:
            summed = listcount.summed_sql(vis, f, arm_kind=kind, person=person, whole=period.whole)
            out.append(Statement(f"count: {kind}, whole days", *summed))
        parts = period.parts_q()
        if parts is not None:
            edges = Ticket.objects.filter(
                condition & filter_q(f, now=self.now, period=False) & parts
            )
            out += _counting(f"count: {kind}, part-days", edges)
        return out

    def count(self) -> int:
        if self.filters.overdue is False and not self.filters.q:
            # Not overdue: all of them less the overdue ones, so the large part is summed.
            every = replace(self, filters=replace(self.filters, overdue=None)).count()
            late = replace(self, filters=replace(self.filters, overdue=True)).count()
            return every - late
        statements = self.count_queries()
        if not statements:
            return 0
        # One round trip: the parts as scalar subqueries, added up.
        sql = " + ".join(f"COALESCE(({s.sql}), 0)" for s in statements)
        params = [p for s in statements for p in s.params]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {sql}", params)
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def statements(self, offset: int, size: int) -> list[Statement]:
        page = self.page_query(offset, size)
        return [*([Statement("page", *page)] if page else []), *self.count_queries()]


def list_plan(user: User, f: TicketFilter, *, now: datetime | None = None) -> ListPlan:
    return ListPlan(filters=f, now=now or timezone.now(), visibility=visibility_for(user))


def _by_position(term: str) -> str:
    descending = term.startswith("-")
    return f"{PAGE_COLUMNS.index(term.lstrip('-')) + 1} {'DESC' if descending else 'ASC'}"
