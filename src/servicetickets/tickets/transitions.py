"""The ticket lifecycle as one table: which action may start from which state, who may take
it, and where it leads. ``tickets.services`` is the only code that applies it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from servicetickets.accounts.models import User
from servicetickets.tickets.models import State, Ticket


@dataclass(frozen=True)
class Roles:
    """What the acting user is to the ticket, worked out once per action."""

    requester: bool
    handler: bool
    assignee: bool
    desk_admin: bool

    @classmethod
    def of(cls, *, user: User, ticket: Ticket, handler: bool, desk_admin: bool) -> Roles:
        return cls(
            requester=ticket.requester_id == user.pk,
            handler=handler,
            assignee=ticket.assignee_id == user.pk,
            desk_admin=desk_admin,
        )


Rule = Callable[[Roles, str], bool]


def _handler(r: Roles, state: str) -> bool:
    return r.handler or r.assignee


def _requester(r: Roles, state: str) -> bool:
    return r.requester


def _handler_while_pending_else_assignee(r: Roles, state: str) -> bool:
    return r.handler if state == State.PENDING else r.assignee


def _assignee(r: Roles, state: str) -> bool:
    return r.assignee


def _nobody(r: Roles, state: str) -> bool:
    return False


def _participant(r: Roles, state: str) -> bool:
    return r.requester or r.assignee or r.handler or r.desk_admin


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    # None: the state stays as it is.
    target: str | None
    # May the user ever take this action on this ticket? (403 before the state is looked at)
    role: Rule
    # May the user take it in the ticket's current state? (403 after the state check)
    actor: Rule


_OPEN = frozenset({State.PENDING, State.PROCESSING})

TRANSITIONS: dict[str, Transition] = {
    "claim": Transition(frozenset({State.PENDING}), State.PROCESSING, _handler, _handler),
    "transfer": Transition(_OPEN, State.PROCESSING, _handler, _handler_while_pending_else_assignee),
    "reject": Transition(_OPEN, State.CLOSED, _handler, _handler_while_pending_else_assignee),
    "complete": Transition(frozenset({State.PROCESSING}), State.TO_CONFIRM, _handler, _assignee),
    "confirm": Transition(frozenset({State.TO_CONFIRM}), State.CLOSED, _requester, _requester),
    "return": Transition(frozenset({State.TO_CONFIRM}), State.PROCESSING, _requester, _requester),
    "cancel": Transition(_OPEN, State.CLOSED, _requester, _requester),
    "comment": Transition(
        frozenset({State.PENDING, State.PROCESSING, State.TO_CONFIRM}),
        None,
        _participant,
        _participant,
    ),
    "urge": Transition(_OPEN, None, _requester, _requester),
    # Taken by the system (the worker) when the desk's confirm timeout has passed.
    "auto_confirm": Transition(frozenset({State.TO_CONFIRM}), State.CLOSED, _nobody, _nobody),
}


def allowed_actions(*, roles: Roles, state: str) -> list[str]:
    """The actions the user may take now (buttons on pages, ``allowed_actions`` in the API)."""
    return [
        name
        for name, t in TRANSITIONS.items()
        if state in t.sources and t.role(roles, state) and t.actor(roles, state)
    ]
