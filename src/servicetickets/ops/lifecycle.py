"""The life of one ticket as actions in time, for synthetic history and demo data.

``plan`` draws a whole life (submit … the closing action) with believable delays, ``cut`` keeps
what has happened by "now", and ``replay`` works out the ticket's fields from the kept actions
exactly as ``tickets.services`` sets them. Actors are slots (the requester, the system, or
handler 0/1/2 of the type) that the caller maps to people, so this module stays pure.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate

from django.utils import timezone

from servicetickets.tickets.models import Resolution, State

REQUESTER = -1
SYSTEM = -2
#: Handler slots: 0 takes the ticket first, 1 receives the first transfer, 2 a later one
#: (the caller may map 2 to the same person as 0 when the type has only two handlers).
HANDLER_SLOTS = 3

MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

#: Share of lives that end each way (before "now" cuts them short).
ENDINGS = {"confirm": 0.70, "auto": 0.12, "reject": 0.08, "cancel": 0.10}
#: What a forced life must show now; see ``plan_forced``.
FORCEABLE = ("pending", "processing", "to_confirm", "resolved", "rejected", "cancelled")
CLOSING = frozenset({"reject", "confirm", "cancel", "auto_confirm"})

TRANSFER_NOTES = ["Yours, you know this system", "Passing on, I'm off tomorrow", "", ""]
REJECT_REASONS = [
    "Not something this desk handles; please ask Facilities.",
    "Duplicate of an earlier ticket.",
    "Needs your manager's approval first.",
    "We cannot buy this model any more.",
]
COMPLETE_NOTES = [
    "Done.",
    "Replaced the part, works again.",
    "Access granted, please sign in again.",
    "Ordered, delivery on Thursday.",
    "Fixed the settings and tested it with you.",
]
RETURN_REASONS = ["Still not working.", "Only half done.", "Wrong item delivered."]
CANCEL_REASONS = ["Not needed any more.", "Solved it myself.", "Submitted by mistake.", ""]
CONFIRM_COMMENTS = ["Thanks!", "Quick and friendly.", "", "", ""]
COMMENTS = [
    "Any news?",
    "I'll be in the office from 2 pm.",
    "Waiting for the supplier.",
    "Could you send a photo?",
    "Parts ordered.",
]
#: Relative chance of a ticket being submitted in each hour of a day (local time).
HOUR_WEIGHTS = (0, 0, 0, 0, 0, 0, 1, 3, 8, 12, 12, 10, 6, 9, 11, 10, 8, 5, 2, 1, 1, 1, 0, 0)
WEEKEND_KEEP = 0.15
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (50, 28, 12, 6, 4)


@dataclass(slots=True)
class Step:
    offset: float  # seconds after submission
    action: str
    actor: int  # REQUESTER, SYSTEM or a handler slot
    target: int | None = None  # handler slot a transfer or return goes to
    note: str = ""
    rating: int | None = None


@dataclass(slots=True)
class Outcome:
    """The ticket's fields after its steps, as the services would have left them."""

    state: str = State.PENDING
    resolution: str = ""
    assignee: int | None = None
    # Who became the assignee when it first left pending: the claimer, or a transfer's target.
    received_by: int | None = None
    processed_by: int | None = None
    closed_by: int | None = None
    accepted: float | None = None
    processed: float | None = None
    closed: float | None = None
    return_count: int = 0
    rating: int | None = None
    # (from_state, to_state) of each step, for its timeline entry.
    states: list[tuple[str, str]] = field(default_factory=list)


def _delay(rng: random.Random, median: float, sigma: float, cap: float) -> float:
    """A log-normal wait: mostly near ``median``, sometimes much longer, never above ``cap``."""
    return max(MINUTE, min(cap, median * math.exp(rng.gauss(0.0, sigma))))


def plan(
    rng: random.Random, *, timeout: float, transfers: bool = True, ending: str | None = None
) -> list[Step]:
    """A whole life, from submission to its closing action. ``timeout`` is the desk's confirm
    timeout in seconds; without ``transfers`` (a type with one handler) nobody transfers."""
    if ending is None:
        ending = rng.choices(list(ENDINGS), weights=list(ENDINGS.values()))[0]
    steps = [Step(0.0, "submit", REQUESTER)]
    response = _delay(rng, 2 * HOUR, 1.1, 10 * DAY)
    if rng.random() < 0.08:  # nobody took it for a long time
        response += rng.expovariate(1 / (20 * DAY))
    if response > 4 * HOUR and rng.random() < 0.25:
        steps.append(Step(response * rng.uniform(0.3, 0.7), "urge", REQUESTER))
    if ending == "cancel" and rng.random() < 0.65:
        at = max(steps[-1].offset + MINUTE, response * rng.uniform(0.2, 0.9))
        steps.append(Step(at, "cancel", REQUESTER, note=rng.choice(CANCEL_REASONS)))
        return steps
    if ending == "reject" and rng.random() < 0.6:
        steps.append(Step(response, "reject", 0, note=rng.choice(REJECT_REASONS)))
        return steps

    t = response
    if transfers and rng.random() < 0.2:  # a dispatcher hands it to a colleague
        steps.append(Step(t, "transfer", 0, target=1, note=rng.choice(TRANSFER_NOTES)))
        assignee = 1
    else:
        steps.append(Step(t, "claim", 0))
        assignee = 0
    processing = _delay(rng, 5 * HOUR, 1.2, 20 * DAY)
    if rng.random() < 0.06:  # stuck waiting for parts or people
        processing += rng.expovariate(1 / (14 * DAY))
    end = t + processing
    if transfers and rng.random() < 0.12:
        target = 1 if assignee == 0 else 2
        at = t + processing * rng.uniform(0.1, 0.5)
        steps.append(Step(at, "transfer", assignee, target=target, note=rng.choice(TRANSFER_NOTES)))
        assignee = target
    if rng.random() < 0.2:
        at = steps[-1].offset + (end - steps[-1].offset) * rng.uniform(0.1, 0.9)
        who = rng.choice((REQUESTER, assignee))
        steps.append(Step(at, "comment", who, note=rng.choice(COMMENTS)))
    if ending in ("cancel", "reject"):
        at = steps[-1].offset + (end - steps[-1].offset) * rng.uniform(0.2, 1.0)
        if ending == "cancel":
            steps.append(Step(at, "cancel", REQUESTER, note=rng.choice(CANCEL_REASONS)))
        else:
            steps.append(Step(at, "reject", assignee, note=rng.choice(REJECT_REASONS)))
        return steps

    t = end
    steps.append(Step(t, "complete", assignee, note=rng.choice(COMPLETE_NOTES)))
    processor = assignee
    returns = 0
    while returns < 2 and rng.random() < (0.09 if returns == 0 else 0.15):
        t += _delay(rng, 4 * HOUR, 1.0, timeout * 0.9)
        steps.append(
            Step(t, "return", REQUESTER, target=processor, note=rng.choice(RETURN_REASONS))
        )
        t += _delay(rng, 3 * HOUR, 1.0, 10 * DAY)
        steps.append(Step(t, "complete", processor, note=rng.choice(COMPLETE_NOTES)))
        returns += 1
    if ending == "auto":
        steps.append(Step(t + timeout + rng.uniform(0, HOUR), "auto_confirm", SYSTEM))
        return steps
    t += _delay(rng, 6 * HOUR, 1.2, timeout * 0.9)
    rating = None
    if rng.random() < 0.65:
        weights = RATING_WEIGHTS if not returns else tuple(reversed(RATING_WEIGHTS))
        rating = rng.choices(RATINGS, weights=weights)[0]
    steps.append(Step(t, "confirm", REQUESTER, note=rng.choice(CONFIRM_COMMENTS), rating=rating))
    return steps


def cut(steps: list[Step], *, age: float, timeout: float) -> list[Step]:
    """The steps that have happened ``age`` seconds after submission. An auto-confirm that is
    due by then has happened (at the latest now), as the worker would have done it."""
    kept: list[Step] = []
    for step in steps:
        if step.action == "auto_confirm":
            if kept[-1].offset + timeout > age:
                break
            step.offset = min(step.offset, age)
        elif step.offset > age:
            break
        kept.append(step)
    return kept


def plan_forced(
    rng: random.Random, *, state: str, age: float, timeout: float, transfers: bool = True
) -> list[Step]:
    """A life that shows ``state`` (one of ``FORCEABLE``) ``age`` seconds after submission,
    squeezed into that time if need be. For ``to_confirm``, ``age`` must be under ``timeout``."""
    ending = {"rejected": "reject", "cancelled": "cancel"}.get(state, "confirm")
    steps = plan(rng, timeout=timeout, transfers=transfers, ending=ending)
    stop = {
        "pending": ("submit",),
        "processing": ("claim", "transfer"),
        "to_confirm": ("complete",),
    }
    if state in stop:
        end = next(i for i, s in enumerate(steps) if s.action in stop[state])
        steps = steps[: end + 1]
    last = steps[-1].offset
    limit = age * 0.9
    if last > limit:
        for step in steps:
            step.offset *= limit / last
    return steps


def replay(steps: list[Step]) -> Outcome:
    out = Outcome()
    state = ""
    for step in steps:
        before = state
        action, t = step.action, step.offset
        if action == "submit":
            state = State.PENDING
        elif action == "claim":
            state, out.assignee = State.PROCESSING, step.actor
            if out.accepted is None:
                out.accepted, out.received_by = t, step.actor
        elif action == "transfer":
            out.assignee = step.target
            if before == State.PENDING and out.accepted is None:
                out.accepted, out.received_by = t, step.target
            state = State.PROCESSING
        elif action == "complete":
            state, out.processed_by, out.processed = State.TO_CONFIRM, step.actor, t
        elif action == "return":
            state, out.assignee = State.PROCESSING, out.processed_by
            out.return_count += 1
        elif action in CLOSING:
            state, out.closed = State.CLOSED, t
            out.closed_by = None if action == "auto_confirm" else step.actor
            out.resolution = {
                "reject": Resolution.REJECTED,
                "cancel": Resolution.CANCELLED,
            }.get(action, Resolution.RESOLVED)
            if action == "confirm":
                out.rating = step.rating
        out.states.append((before, state))
    out.state = state
    return out


def submission_times(rng: random.Random, n: int, *, start: float, now: float) -> list[float]:
    """``n`` sorted submission times, mostly on weekdays in office hours (local time)."""
    tz = timezone.get_default_timezone()
    cumulative = list(accumulate(HOUR_WEIGHTS))
    total = cumulative[-1]
    span = now - start
    out: list[float] = []
    while len(out) < n:
        ts = start + rng.random() * span
        local = datetime.fromtimestamp(ts, tz)
        if local.weekday() >= 5 and rng.random() > WEEKEND_KEEP:
            continue
        hour = bisect_right(cumulative, rng.random() * total)
        shaped = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        moved = shaped.timestamp() + rng.random()
        out.append(moved if start <= moved < now else ts)
    out.sort()
    return out
