"""Synthetic history for benchmarks (``servicetickets seed``).

Tickets are submitted at believable times (weekdays, office hours) over the last months, and
each lives a believable life (``ops.lifecycle``) cut short by "now", so recent tickets are
still open and old ones closed, with every field and timeline entry as the services would have
written them. Rows are precomputed in Python and written in bulk (``ops.bulk``), one
transaction per batch, with ticket numbers reserved under the desk row lock. A run that stops
half-way keeps the batches it wrote; run it again for more.

On SQLite the tables kept by triggers (``tickets.triggers``: report totals, search text, day
counts) cost three quarters of the insert time when their triggers run row by row: 30,000
tickets took 101 s with them and 28 s with them dropped and the tables refilled once at the
end (``tickets.triggers.suspended``). So a large seed (``SUSPEND_TRIGGERS_FROM`` tickets, and
not small beside the tickets already there, which the refill reads again) writes without
them. PostgreSQL's triggers run once per batch (``COPY``) and stay.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from servicetickets.desks.models import Desk
from servicetickets.ops import bulk, lifecycle
from servicetickets.ops.lifecycle import DAY, FORCEABLE, HOUR, REQUESTER, SYSTEM, Step
from servicetickets.ops.seed_setup import DeskPlan, Kind, Person, World, build, check_sizes
from servicetickets.tickets import triggers
from servicetickets.tickets.models import State, Ticket, TimelineEntry

MONTH = 30.44 * DAY
#: From this many new tickets on SQLite, the kept tables' triggers are dropped for the seed
#: and the tables refilled after it (see above), if the seed adds at least a tenth of the
#: tickets already there.
SUSPEND_TRIGGERS_FROM = 10_000

Progress = Callable[[int, int, float], None]

TICKET_COLUMNS = (
    "number",
    "desk_id",
    "ticket_type_id",
    "form_version",
    "title",
    "data",
    "state",
    "resolution",
    "requester_id",
    "assignee_id",
    "processed_by_id",
    "closed_by_id",
    "received_by_id",
    "submitted_at",
    "accepted_at",
    "processed_at",
    "closed_at",
    "return_count",
    "rating",
    "response_due_at",
    "processing_due_at",
    "response_overdue_reminded_at",
    "processing_overdue_reminded_at",
)
ENTRY_COLUMNS = (
    "ticket_id",
    "at",
    "actor_id",
    "action",
    "from_state",
    "to_state",
    "note",
    "target_id",
    "attachments",
)
_STATE, _RESOLUTION = TICKET_COLUMNS.index("state"), TICKET_COLUMNS.index("resolution")


@dataclass(frozen=True)
class SeedOptions:
    tickets: int
    desks: int = 2
    types: int = 5
    users: int = 50
    months: int = 6
    seed: int | None = None
    batch_size: int = 5000
    password: str | None = None


@dataclass
class SeedResult:
    tickets: int = 0
    entries: int = 0
    desks: list[str] = field(default_factory=list)
    types: int = 0
    users: int = 0
    seconds: float = 0.0
    # "pending", "processing", "to_confirm", "closed/resolved", … → how many
    states: Counter[str] = field(default_factory=Counter)


def seed(options: SeedOptions, *, progress: Progress | None = None) -> SeedResult:
    check_sizes(
        tickets=options.tickets,
        desks=options.desks,
        types=options.types,
        users=options.users,
        months=options.months,
    )
    began = time.monotonic()
    rng = random.Random(options.seed)
    now = time.time()
    start = now - options.months * MONTH
    world = build(
        rng=rng,
        desks=options.desks,
        types=options.types,
        users=options.users,
        start=start,
        now=now,
        password=options.password,
    )
    result = SeedResult(
        desks=[p.desk.code for p in world.desks], types=world.types, users=world.users
    )
    times = lifecycle.submission_times(rng, options.tickets, start=start, now=now)
    forced = _forced(rng, times, now=now)
    maker = _Maker(rng, world, now=now)
    tickets = bulk.Inserter(Ticket, TICKET_COLUMNS)
    entries = bulk.Inserter(TimelineEntry, ENTRY_COLUMNS)
    batch = max(1, options.batch_size)
    with _kept_tables_refilled_after(options.tickets):
        for first in range(0, len(times), batch):
            rows = [
                maker.ticket(times[i], forced.get(i))
                for i in range(first, min(first + batch, len(times)))
            ]
            result.entries += _write(rows, tickets=tickets, entries=entries)
            result.tickets += len(rows)
            for row in rows:
                state, resolution = row.ticket[_STATE], row.ticket[_RESOLUTION]
                result.states[f"{state}/{resolution}" if resolution else state] += 1
            if progress is not None:
                progress(result.tickets, options.tickets, time.monotonic() - began)
    result.seconds = time.monotonic() - began
    return result


def _kept_tables_refilled_after(tickets: int) -> contextlib.AbstractContextManager[None]:
    """The triggers suspended for a large seed on SQLite (see the module's docstring)."""
    if connection.vendor != "sqlite" or tickets < SUSPEND_TRIGGERS_FROM:
        return contextlib.nullcontext()
    if tickets * 10 < Ticket.objects.count():
        return contextlib.nullcontext()
    return triggers.suspended(connection)


def _forced(rng: random.Random, times: list[float], *, now: float) -> dict[int, str]:
    """A few recent tickets that show each state and resolution, so even a small history has
    them all; the rest follow their drawn lives."""
    recent = [i for i, ts in enumerate(times) if HOUR <= now - ts <= 6 * DAY]
    if len(recent) < len(FORCEABLE):
        recent = list(range(max(0, len(times) - 2 * len(FORCEABLE)), len(times)))
    chosen = rng.sample(recent, min(len(FORCEABLE), len(recent)))
    return dict(zip(chosen, FORCEABLE, strict=False))


def _state_at(steps: list[Step], states: list[tuple[str, str]], offset: float) -> str:
    """The ticket's state ``offset`` seconds after submission."""
    state: str = State.PENDING
    for step, (_before, after) in zip(steps, states, strict=True):
        if step.offset > offset:
            break
        state = after
    return state


def _pick[T](rng: random.Random, items: list[T], weights: list[float]) -> T:
    return rng.choices(items, weights=weights)[0]


@dataclass(slots=True)
class Row:
    """One ticket ready to insert: its values (the number is filled in when written) and
    its timeline entries' values without the ticket id."""

    desk: DeskPlan
    ticket: tuple[Any, ...]
    entries: list[tuple[Any, ...]]


class _Maker:
    """Turns a submission time into a ticket and its timeline, as database values."""

    def __init__(self, rng: random.Random, world: World, *, now: float) -> None:
        self.rng = rng
        self.world = world
        self.now = now
        self.no_files = bulk.json_value(TimelineEntry, "attachments", [])
        self.stamp = bulk.stamper()
        # Each form's answers are drawn from a small pool; prepare each answer once.
        self.prepared: dict[int, Any] = {}

    def ticket(self, ts: float, force: str | None) -> Row:
        rng, world = self.rng, self.world
        plan = _pick(rng, world.desks, world.desk_weights)
        age = self.now - ts
        steps: list[Step]
        if force is not None and not (force == "to_confirm" and age >= plan.timeout * 0.9):
            steps = lifecycle.plan_forced(rng, state=force, age=age, timeout=plan.timeout)
        else:
            steps = lifecycle.cut(
                lifecycle.plan(rng, timeout=plan.timeout), age=age, timeout=plan.timeout
            )
        out = lifecycle.replay(steps)
        # Until when the people and the type had to be around.
        until = ts + steps[-1].offset if out.state == State.CLOSED else float("inf")
        kind = self._kind(plan, until)
        requester = self._requester(until).id
        slots = self._handlers(kind, until)
        version, title, data = self._answers(kind, ts)

        def who(slot: int | None) -> int | None:
            if slot is None or slot == SYSTEM:
                return None
            return requester if slot == REQUESTER else slots[slot]

        stamp = self.stamp

        def at(offset: float | None) -> Any:
            return None if offset is None else stamp(ts + offset)

        def reminded(due: float | None, states: tuple[str, ...]) -> Any:
            """The overdue reminder of a target, sent when it ran out (as the worker would
            have) if the ticket was then still in one of ``states``."""
            if due is None or due >= age:
                return None
            return at(due) if _state_at(steps, out.states, due) in states else None

        ticket = (
            "",  # number
            plan.desk.pk,
            kind.id,
            version,
            title,
            data,
            str(out.state),
            str(out.resolution),
            requester,
            who(out.assignee),
            who(out.processed_by),
            who(out.closed_by),
            who(out.received_by),
            stamp(ts),
            at(out.accepted),
            at(out.processed),
            at(out.closed),
            out.return_count,
            out.rating,
            at(kind.response_target),
            at(kind.processing_target),
            reminded(kind.response_target, (State.PENDING,)),
            reminded(kind.processing_target, (State.PENDING, State.PROCESSING)),
        )
        no_files = self.no_files
        entries = [
            (
                at(step.offset),
                who(step.actor),
                step.action,
                str(before),
                str(after),
                step.note,
                who(step.target),
                no_files,
            )
            for step, (before, after) in zip(steps, out.states, strict=True)
        ]
        return Row(plan, ticket, entries)

    def _kind(self, plan: DeskPlan, until: float) -> Kind:
        """A type of the desk; a deleted one only for tickets that ended before it was deleted."""
        for _attempt in range(10):
            kind = _pick(self.rng, plan.kinds, plan.kind_weights)
            if kind.deleted_at is None or until <= kind.deleted_at:
                return kind
        return next(k for k in plan.kinds if k.deleted_at is None)

    def _requester(self, until: float) -> Person:
        """Someone who has since left only requested tickets that ended before they left."""
        world = self.world
        for _attempt in range(10):
            person = _pick(self.rng, world.requesters, world.requester_weights)
            if person.left_at is None or until <= person.left_at:
                return person
        return next(p for p in world.requesters if p.left_at is None)

    def _handlers(self, kind: Kind, until: float) -> list[int]:
        """Distinct handlers for the slots 0, 1, 2 (2 is 0 again when only two are at hand)."""
        pool = kind.handlers
        if kind.former and until <= kind.former_left_at:
            pool = pool + kind.former
        chosen = self.rng.sample(pool, min(3, len(pool)))
        while len(chosen) < 3:
            chosen.append(chosen[len(chosen) - 2])
        return chosen

    def _answers(self, kind: Kind, ts: float) -> tuple[int, str, Any]:
        """The form version in use at ``ts``, and a title and data drawn for it."""
        version, pool = kind.versions[0][1], kind.versions[0][2]
        for since, number, variants in kind.versions:
            if ts >= since:
                version, pool = number, variants
        title, data = self.rng.choice(pool)
        prepared = self.prepared.get(id(data))
        if prepared is None:
            prepared = self.prepared[id(data)] = bulk.json_value(Ticket, "data", data)
        return version, title, prepared


@transaction.atomic
def _write(rows: list[Row], *, tickets: bulk.Inserter, entries: bulk.Inserter) -> int:
    """Save one batch: reserve numbers per desk under its lock, insert, then the timelines."""
    by_desk: dict[int, list[Row]] = {}
    for row in rows:
        by_desk.setdefault(row.desk.desk.pk, []).append(row)
    for desk_id, group in by_desk.items():
        desk = Desk.objects.select_for_update().get(pk=desk_id)
        for n, row in enumerate(group, start=desk.last_number + 1):
            row.ticket = (f"{desk.code}-{n:06d}", *row.ticket[1:])
        Desk.objects.filter(pk=desk_id).update(last_number=desk.last_number + len(group))
    numbers = [row.ticket[0] for row in rows]
    tickets.insert([row.ticket for row in rows])
    ids: dict[str, int] = {}
    for first in range(0, len(numbers), 2000):
        chunk = numbers[first : first + 2000]
        ids.update(Ticket.objects.filter(number__in=chunk).values_list("number", "pk"))
    timeline = [(ids[row.ticket[0]], *entry) for row in rows for entry in row.entries]
    entries.insert(timeline)
    return len(timeline)
