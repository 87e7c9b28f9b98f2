"""A random world for the visibility properties: desks, types, people and tickets, drawn by
Hypothesis as a plan of plain choices, then built through the real services so the
trigger-kept tables (search, day counts, report tally) are written as in production.

The plan is data only (it shrinks well); ``build`` turns it into rows. Actions a drawn step
cannot take in the ticket's state are skipped, and refusals of the services are ignored: the
world is whatever the product let happen.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F
from hypothesis import strategies as st

from servicetickets.accounts.models import User
from servicetickets.core.errors import AppError
from servicetickets.desks.models import Desk
from servicetickets.tickets import services
from servicetickets.tickets.models import State, Ticket
from servicetickets.tickettypes import services as type_services
from servicetickets.tickettypes.models import TicketType
from tests.factories import SIMPLE_FORM, DeskFactory, UserFactory

ADMINS = ("adm0", "adm1", "adm2")
HANDLERS = ("h0", "h1", "h2", "h3")
REQUESTERS = ("r0", "r1")
OUTSIDER = "olga"
SITE_ADMIN = "root"
#: Everyone who may handle a type: handlers, and desk admins handling a type of another desk.
HANDLER_POOL = HANDLERS + ADMINS
#: Everyone who submits: employees, handlers and admins (the outsider never does).
REQUESTER_POOL = REQUESTERS + HANDLERS + ADMINS
#: Everyone the properties ask about.
EVERYONE = (SITE_ADMIN, *ADMINS, *HANDLERS, *REQUESTERS, OUTSIDER)
#: Words of titles and answers; mixed scripts, so search meets trigrams of CJK too.
WORDS = ("printer", "laptop", "vpn", "badge", "chair", "toner", "打印机", "网络", "Wifi", "desk")
FATES = ("published", "unpublished", "deleted")
OPS = ("claim", "transfer", "reject", "complete", "confirm", "return", "cancel", "comment")


@dataclass(frozen=True)
class TypePlan:
    desk: int
    handlers: tuple[int, ...]
    fate: str
    #: SLA targets in whole hours (None: no target).
    response_hours: int | None
    processing_hours: int | None


@dataclass(frozen=True)
class TicketPlan:
    kind: int
    requester: int
    title: str | None
    summary: str
    details: str | None
    #: How long ago it was submitted: whole days plus ``half_hours`` * 30 min; always an odd
    #: number of half hours, so no due time (whole hours after submission) is ever "now".
    days_ago: int
    half_hours: int
    steps: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class WorldPlan:
    desks: int
    types: tuple[TypePlan, ...]
    tickets: tuple[TicketPlan, ...]
    #: (type, pick) pairs: the type's handler ``pick`` (modulo how many it has) stops
    #: handling it after the tickets were worked on.
    removals: tuple[tuple[int, int], ...]


def _text() -> st.SearchStrategy[str]:
    words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)
    suffix = st.text(alphabet="abcxyz0123", min_size=0, max_size=4)
    return st.builds(lambda w, s: " ".join(w) + (f" {s}" if s else ""), words, suffix)


@st.composite
def world_plans(draw: st.DrawFn) -> WorldPlan:
    desks = draw(st.integers(2, 3))
    n_types = draw(st.integers(2, 4))
    hours = st.none() | st.integers(1, 20)
    types = tuple(
        TypePlan(
            desk=draw(st.integers(0, desks - 1)) if i >= desks else i % desks,
            handlers=tuple(
                sorted(draw(st.sets(st.integers(0, len(HANDLER_POOL) - 1), min_size=1, max_size=3)))
            ),
            # The first type stays published: the world always has tickets someone can see.
            fate="published" if i == 0 else draw(st.sampled_from(FATES)),
            response_hours=draw(hours),
            processing_hours=draw(hours),
        )
        for i in range(n_types)
    )
    step = st.tuples(st.sampled_from(OPS), st.integers(0, 6))
    tickets = draw(
        st.lists(
            st.builds(
                TicketPlan,
                kind=st.integers(0, n_types - 1),
                requester=st.integers(0, len(REQUESTER_POOL) - 1),
                title=st.none() | _text(),
                summary=_text(),
                details=st.none() | _text(),
                days_ago=st.integers(0, 40),
                half_hours=st.integers(0, 23).map(lambda k: 2 * k + 1),
                steps=st.lists(step, max_size=5).map(tuple),
            ),
            min_size=3,
            max_size=12,
        )
    )
    removals = draw(st.lists(st.tuples(st.integers(0, n_types - 1), st.integers(0, 2)), max_size=3))
    return WorldPlan(desks=desks, types=types, tickets=tuple(tickets), removals=tuple(removals))


@dataclass
class World:
    """What ``build`` made: people by username, desks and types in plan order, ticket ids."""

    users: dict[str, User]
    desks: list[Desk]
    types: list[TicketType]
    tickets: list[int] = field(default_factory=list)

    def admin_of(self, desk_index: int) -> User:
        return self.users[ADMINS[desk_index]]


def _handlers(kind: TicketType) -> list[User]:
    return list(kind.handlers.order_by("username"))


def _step(world: World, ticket_id: int, op: str, pick: int) -> None:
    """Take ``op`` as someone who may, if the ticket's state allows it; else nothing."""
    ticket = Ticket.objects.select_related("ticket_type").get(pk=ticket_id)
    handlers = _handlers(ticket.ticket_type)
    handler = handlers[pick % len(handlers)] if handlers else None
    requester = ticket.requester
    assignee = ticket.assignee
    state = ticket.state
    if op == "claim" and state == State.PENDING and handler:
        services.ticket_claim(user=handler, ticket_id=ticket_id)
    elif op == "transfer" and state in (State.PENDING, State.PROCESSING) and len(handlers) > 1:
        actor = handler if state == State.PENDING else assignee
        targets = [h for h in handlers if actor is None or h.pk != actor.pk]
        if actor is not None and targets:
            target = targets[pick % len(targets)].username
            services.ticket_transfer(user=actor, ticket_id=ticket_id, to=target, note="Yours")
    elif op == "reject" and state in (State.PENDING, State.PROCESSING):
        actor = handler if state == State.PENDING else assignee
        if actor is not None:
            services.ticket_reject(user=actor, ticket_id=ticket_id, reason="Out of scope")
    elif op == "complete" and state == State.PROCESSING and assignee is not None:
        services.ticket_complete(user=assignee, ticket_id=ticket_id, note="Fixed")
    elif op == "confirm" and state == State.TO_CONFIRM:
        services.ticket_confirm(user=requester, ticket_id=ticket_id, rating=1 + pick % 5)
    elif op == "return" and state == State.TO_CONFIRM:
        services.ticket_return(user=requester, ticket_id=ticket_id, reason="Still broken")
    elif op == "cancel" and state in (State.PENDING, State.PROCESSING):
        services.ticket_cancel(user=requester, ticket_id=ticket_id, reason="Not needed")
    elif op == "comment" and state != State.CLOSED:
        admins = list(ticket.desk.admins.order_by("username"))
        speakers = [requester, *handlers, *admins]
        speaker = speakers[pick % len(speakers)]
        services.ticket_comment(user=speaker, ticket_id=ticket_id, text="Any news?")


def _back_date(ticket_id: int, plan: TicketPlan) -> None:
    """Move every time of the ticket into the past together (a queryset update, which the
    kept tables' triggers follow as they follow the services)."""
    delta = timedelta(days=plan.days_ago, minutes=30 * plan.half_hours)
    moved = ("submitted_at", "accepted_at", "processed_at", "closed_at")
    due = ("response_due_at", "processing_due_at")
    Ticket.objects.filter(pk=ticket_id).update(**{c: F(c) - delta for c in (*moved, *due)})


def build(plan: WorldPlan) -> World:
    users = {name: UserFactory.create(username=name) for name in EVERYONE}
    root = users[SITE_ADMIN]
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    desks = [DeskFactory.create(code=f"D{'ABC'[i]}", name=f"Desk {i}") for i in range(plan.desks)]
    for i, desk in enumerate(desks):
        desk.admins.add(users[ADMINS[i]])
    types = [
        type_services.type_publish(
            kind=type_services.type_create(
                desk=desks[t.desk],
                name=f"Type {i}",
                fields=SIMPLE_FORM,
                handlers=[users[HANDLER_POOL[h]] for h in t.handlers],
                response_target=_hours(t.response_hours),
                processing_target=_hours(t.processing_hours),
            )
        )
        for i, t in enumerate(plan.types)
    ]
    world = World(users=users, desks=desks, types=types)
    for t in plan.tickets:
        data: dict[str, Any] = {"summary": t.summary}
        if t.details:
            data["details"] = t.details
        ticket = services.ticket_submit(
            user=users[REQUESTER_POOL[t.requester]],
            ticket_type_id=types[t.kind].pk,
            data=data,
            title=t.title,
        )
        world.tickets.append(ticket.pk)
        for op, pick in t.steps:
            # Refused by the rules: the world is what the product allowed.
            with suppress(AppError):
                _step(world, ticket.pk, op, pick)
        _back_date(ticket.pk, t)
    for kind_index, handler_index in plan.removals:
        kind = types[kind_index]
        handlers = _handlers(kind)
        gone = handlers[handler_index % len(handlers)] if handlers else None
        left = [u for u in handlers if u != gone]
        with suppress(AppError):  # e.g. a published type keeps at least one handler
            type_services.type_update(kind=kind, handlers=left)
    for kind, type_plan in zip(types, plan.types, strict=True):
        if type_plan.fate == "unpublished":
            type_services.type_unpublish(kind=kind)
        elif type_plan.fate == "deleted":
            type_services.type_delete(kind=kind)
    return world


def _hours(hours: int | None) -> timedelta | None:
    return timedelta(hours=hours) if hours is not None else None
