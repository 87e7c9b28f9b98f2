"""Who may take which action (SPEC.md §3), over the API.

For every action in every state that allows it, each person gets: 200 if they may, 403 if
they can see the ticket but may not, 404 if they cannot see it (the same answer as for a
ticket that does not exist). A refusal changes nothing. ``allowed_actions`` in the ticket
agrees with the same table."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.models import User
from tests.tickets.lifecycle import (
    ROLES,
    STATES,
    VISIBLE_ROLES,
    Cast,
    assert_refused,
    snapshot,
    ticket_in,
)

HANDLERS = frozenset({"handler", "other_handler"})
REQUESTER = frozenset({"requester"})
ASSIGNEE = frozenset({"handler"})  # hank claimed it (see ``ticket_in``)
PARTICIPANTS = frozenset({"requester", "handler", "other_handler", "desk_admin"})

#: (action, state) -> the roles that may take it; a pair not listed is refused in that state.
WHO_MAY: dict[tuple[str, str], frozenset[str]] = {
    ("claim", "pending"): HANDLERS,
    ("transfer", "pending"): HANDLERS,
    ("transfer", "processing"): ASSIGNEE,
    ("reject", "pending"): HANDLERS,
    ("reject", "processing"): ASSIGNEE,
    ("complete", "processing"): ASSIGNEE,
    ("confirm", "to_confirm"): REQUESTER,
    ("return", "to_confirm"): REQUESTER,
    ("cancel", "pending"): REQUESTER,
    ("cancel", "processing"): REQUESTER,
    ("comment", "pending"): PARTICIPANTS,
    ("comment", "processing"): PARTICIPANTS,
    ("comment", "to_confirm"): PARTICIPANTS,
    ("urge", "pending"): REQUESTER,
    ("urge", "processing"): REQUESTER,
}
ACTIONS = (
    "claim",
    "transfer",
    "reject",
    "complete",
    "confirm",
    "return",
    "cancel",
    "comment",
    "urge",
)


def _body(action: str, actor: User) -> dict[str, Any]:
    return {
        "claim": {},
        "transfer": {"to": "hank" if actor.username == "hilda" else "hilda"},
        "reject": {"reason": "Out of scope"},
        "complete": {"note": "Done"},
        "confirm": {"rating": 4},
        "return": {"reason": "Not fixed"},
        "cancel": {},
        "comment": {"text": "Any news?"},
        "urge": {},
    }[action]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "state"), list(WHO_MAY), ids=[f"{a}-{s}" for a, s in WHO_MAY])
def test_only_the_right_people_may_act(
    cast: Cast, api: Any, action: str, state: str, role: str
) -> None:
    ticket = ticket_in(cast.people, state)
    actor = cast[role]
    before = snapshot(ticket)

    r = api(actor).post(f"/tickets/{ticket.pk}/{action}", _body(action, actor))

    if role in WHO_MAY[action, state]:
        assert r.status_code == 200, r.content
        entry = r.json()["timeline"][-1]
        assert (entry["action"], entry["actor"]) == (action, actor.username)
        assert snapshot(ticket).timeline == before.timeline + 1
    elif role in VISIBLE_ROLES:
        assert_refused(r, 403, before, code="forbidden")
    else:
        assert_refused(r, 404, before, code="not_found")
        missing = api(actor).post(f"/tickets/{ticket.pk + 1000}/{action}", _body(action, actor))
        assert r.json() == missing.json()


@pytest.mark.parametrize("role", VISIBLE_ROLES)
@pytest.mark.parametrize("state", STATES)
def test_allowed_actions_match_the_table(cast: Cast, api: Any, state: str, role: str) -> None:
    ticket = ticket_in(cast.people, state)
    plain_state = state.split("_")[0] if state.startswith("closed") else state

    r = api(cast[role]).get(f"/tickets/{ticket.pk}")

    assert r.status_code == 200, r.content
    expected = [a for a in ACTIONS if role in WHO_MAY.get((a, plain_state), frozenset())]
    assert r.json()["allowed_actions"] == expected


@pytest.mark.parametrize("action", ACTIONS)
def test_acting_without_signing_in_is_refused(cast: Cast, api: Any, action: str) -> None:
    ticket = ticket_in(cast.people, "pending")
    before = snapshot(ticket)

    r = api(None).post(f"/tickets/{ticket.pk}/{action}", _body(action, cast["handler"]))

    assert_refused(r, 401, before, code="not_authenticated")
