"""Demo data (``servicetickets demo``): two desks, their people and types, and a few hundred
tickets in every state over the last six months.

Everything is made by the real services, so the data obeys every rule. The tickets then live
their lives (``ops.lifecycle``) through the services in a moment; afterwards their times, their
timeline and their reminders are moved back to when those lives would have happened.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from servicetickets.accounts.models import User
from servicetickets.accounts.services import user_create
from servicetickets.desks.models import Desk
from servicetickets.desks.services import MenuItem, desk_admin_add, desk_create, menu_set
from servicetickets.notifications.models import Notification
from servicetickets.ops import lifecycle
from servicetickets.ops.demo_data import DEMO_PASSWORD, DESKS, PEOPLE, DemoDesk, DemoType, Person
from servicetickets.ops.lifecycle import DAY, HOUR, REQUESTER, SYSTEM, Step
from servicetickets.tickets import services as tickets
from servicetickets.tickets.models import State, Ticket, TimelineEntry
from servicetickets.tickettypes.models import TicketType
from servicetickets.tickettypes.services import type_create, type_publish

__all__ = ["DEMO_PASSWORD", "DEMO_TICKETS", "SIGN_INS", "demo_load"]

DEMO_TICKETS = 300
MONTHS = 6
SIGN_INS: tuple[Person, ...] = PEOPLE
# Recent tickets shown in each open state, so every queue has something in it.
RECENT = {"pending": 5, "processing": 5, "to_confirm": 4}


def demo_load(*, tickets: int = DEMO_TICKETS, seed: int = 2024) -> bool:
    """Load the demo once. Returns False (and changes nothing) when its desks already exist."""
    if Desk.objects.filter(code__in=[d.code for d in DESKS]).exists():
        return False
    with transaction.atomic():
        rng = random.Random(seed)
        users = _people()
        kinds = {d.code: _desk(d, users) for d in DESKS}
        _tickets(rng, count=tickets, users=users, kinds=kinds)
    return True


def _people() -> dict[str, User]:
    hashed = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    users = {}
    for person in PEOPLE:
        existing = User.objects.filter(username=person.username).first()
        if existing is not None:  # keep a person someone made before, and their password
            users[person.username] = existing
            continue
        user = user_create(username=person.username, name=person.name, site_admin=person.site_admin)
        user.email = f"{person.username}@example.com"
        user.password = hashed
        user.save(update_fields=["email", "password"])
        users[person.username] = user
    return users


def _desk(spec: DemoDesk, users: dict[str, User]) -> dict[str, TicketType]:
    desk = desk_create(code=spec.code, name=spec.name)
    desk_admin_add(desk=desk, user=users[spec.admin])
    handlers = [users[name] for name in spec.handlers]
    kinds = {}
    for demo_type in spec.types:
        kind = type_create(
            desk=desk,
            name=demo_type.name,
            description=demo_type.description,
            fields=demo_type.fields,
            handlers=handlers,
        )
        kinds[demo_type.name] = type_publish(kind=kind)
    label, members = spec.group
    menu_set(
        desk=desk,
        entries=[
            MenuItem(
                label=label,
                children=[MenuItem(label=name, type_id=kinds[name].pk) for name in members],
            ),
            *(MenuItem(label=name, type_id=kinds[name].pk) for name in spec.top),
        ],
    )
    return kinds


@dataclass
class _Lived:
    """A ticket made through the services, and when each of its steps should have happened."""

    ticket_id: int
    submitted: float
    steps: list[Step]
    auto_at: float | None = None  # the auto-confirm still to come, after back-dating


def _tickets(
    rng: random.Random,
    *,
    count: int,
    users: dict[str, User],
    kinds: dict[str, dict[str, TicketType]],
) -> None:
    now = time.time()
    # Every desk gets its recent open tickets in each state, whatever the random draw.
    forced = [(spec, state) for spec in DESKS for state, n in RECENT.items() for _i in range(n)]
    forced = forced[: min(count, len(forced))]
    times = lifecycle.submission_times(
        rng, count - len(forced), start=now - MONTHS * 30 * DAY, now=now
    )
    later = lifecycle.submission_times(rng, len(forced), start=now - 5 * DAY, now=now - 2 * HOUR)
    plans: list[tuple[float, DemoDesk | None, str | None]] = [(ts, None, None) for ts in times]
    plans += [(ts, spec, state) for ts, (spec, state) in zip(later, forced, strict=True)]
    plans.sort(key=lambda p: p[0])
    lived = []
    for ts, forced_desk, force in plans:
        spec = forced_desk or rng.choices(DESKS, weights=[d.share for d in DESKS])[0]
        demo_type = rng.choices(spec.types, weights=[t.weight for t in spec.types])[0]
        lived.append(
            _live(rng, spec, demo_type, kinds[spec.code], users, ts=ts, now=now, force=force)
        )
    _backdate(lived)
    tickets.tickets_auto_confirm()
    _backdate_auto(lived)


def _live(
    rng: random.Random,
    spec: DemoDesk,
    demo_type: DemoType,
    kinds: dict[str, TicketType],
    users: dict[str, User],
    *,
    ts: float,
    now: float,
    force: str | None,
) -> _Lived:
    """Submit one ticket and take its actions through the services, in order."""
    timeout = kinds[demo_type.name].desk.confirm_timeout_days * DAY
    transfers = len(spec.handlers) > 1
    age = now - ts
    if force is not None:
        steps = lifecycle.plan_forced(
            rng, state=force, age=age, timeout=timeout, transfers=transfers
        )
    else:
        steps = lifecycle.cut(
            lifecycle.plan(rng, timeout=timeout, transfers=transfers), age=age, timeout=timeout
        )
    requester = users[rng.choices(list(spec.requesters), weights=list(spec.requesters.values()))[0]]
    handlers = rng.sample([users[h] for h in spec.handlers], len(spec.handlers))
    slots = [handlers[i % len(handlers)] for i in range(lifecycle.HANDLER_SLOTS)]

    def who(slot: int) -> User:
        return requester if slot == REQUESTER else slots[slot]

    title, data = demo_type.answers(rng, timezone.localdate(datetime.fromtimestamp(ts, UTC)))
    kind = kinds[demo_type.name]
    ticket = tickets.ticket_submit(user=requester, ticket_type_id=kind.pk, data=data, title=title)
    done = _Lived(ticket.pk, ts, steps)
    for step in steps[1:]:
        if step.actor == SYSTEM:  # auto-confirm: the worker's job, once times are moved back
            done.auto_at = ts + step.offset
            break
        _act(
            step, ticket.pk, who(step.actor), who(step.target) if step.target is not None else None
        )
    return done


def _act(step: Step, ticket_id: int, user: User, target: User | None) -> None:
    action, note = step.action, step.note
    kwargs: dict[str, Any] = {"user": user, "ticket_id": ticket_id}
    if action == "claim":
        tickets.ticket_claim(**kwargs)
    elif action == "transfer":
        assert target is not None
        tickets.ticket_transfer(**kwargs, to=target.username, note=note)
    elif action == "reject":
        tickets.ticket_reject(**kwargs, reason=note)
    elif action == "complete":
        tickets.ticket_complete(**kwargs, note=note)
    elif action == "confirm":
        tickets.ticket_confirm(**kwargs, rating=step.rating, comment=note)
    elif action == "return":
        tickets.ticket_return(**kwargs, reason=note)
    elif action == "cancel":
        tickets.ticket_cancel(**kwargs, reason=note)
    elif action == "comment":
        tickets.ticket_comment(**kwargs, text=note)
    elif action == "urge":
        tickets.ticket_urge(**kwargs)
    else:
        raise ValueError(f"unknown action {action}")


def _at(ts: float | None) -> datetime | None:
    return None if ts is None else _moment(ts)


def _moment(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _backdate(lived: list[_Lived]) -> None:
    """Move each ticket, its timeline and its reminders to when its steps should have happened.
    A reminder belongs to the step whose entry was written last before it."""
    ids = [item.ticket_id for item in lived]
    entries: dict[int, list[TimelineEntry]] = {}
    for entry in TimelineEntry.objects.filter(ticket_id__in=ids).order_by("id"):
        entries.setdefault(entry.ticket_id, []).append(entry)
    notes: dict[int, list[Notification]] = {}
    for note in Notification.objects.filter(ticket_id__in=ids).order_by("id"):
        notes.setdefault(note.ticket_id, []).append(note)
    moved_entries: list[TimelineEntry] = []
    moved_notes: list[Notification] = []
    now = timezone.now()
    for item in lived:
        timeline = entries[item.ticket_id]
        planned = [_moment(item.submitted + step.offset) for step in item.steps[: len(timeline)]]
        real = [(entry.at, when) for entry, when in zip(timeline, planned, strict=True)]
        for entry, when in zip(timeline, planned, strict=True):
            entry.at = when
            moved_entries.append(entry)
        out = lifecycle.replay(item.steps[: len(timeline)])
        for note in notes.get(item.ticket_id, []):
            when = next((p for r, p in reversed(real) if r <= note.created_at), planned[0])
            note.created_at = when
            # Reminders of what has ended, or of days ago, have been read.
            if out.state == State.CLOSED or (now - when).days >= 2:
                note.read_at = when
            moved_notes.append(note)
        base = item.submitted
        Ticket.objects.filter(pk=item.ticket_id).update(
            submitted_at=_at(base),
            accepted_at=_at(None if out.accepted is None else base + out.accepted),
            processed_at=_at(None if out.processed is None else base + out.processed),
            closed_at=_at(None if out.closed is None else base + out.closed),
        )
    # bulk_update writes through the queryset: the timeline's append-only save() is not involved.
    TimelineEntry.objects.bulk_update(moved_entries, ["at"], batch_size=500)
    Notification.objects.bulk_update(moved_notes, ["created_at", "read_at"], batch_size=500)


def _backdate_auto(lived: list[_Lived]) -> None:
    """The worker has just auto-confirmed the tickets left unconfirmed; date it to when it
    would have run."""
    for item in lived:
        if item.auto_at is None:
            continue
        when = _at(item.auto_at)
        Ticket.objects.filter(pk=item.ticket_id, state=State.CLOSED).update(closed_at=when)
        TimelineEntry.objects.filter(ticket_id=item.ticket_id, action="auto_confirm").update(
            at=when
        )
