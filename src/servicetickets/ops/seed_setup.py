"""The people, desks and ticket types that synthetic history happens in.

Desks and types are made through the real services (so codes, names, forms and handlers obey
every rule); users are inserted in bulk because hashing passwords one by one would dominate.
Afterwards the creation times are moved to before the history starts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicetickets.accounts.models import User
from servicetickets.accounts.services import user_deactivate
from servicetickets.core.errors import Invalid
from servicetickets.desks.models import Desk
from servicetickets.desks.services import MenuItem, desk_admin_add, desk_create, menu_set
from servicetickets.forms.fields import fields_from_json, parse_fields
from servicetickets.ops import seed_forms
from servicetickets.ops.lifecycle import DAY, HOUR
from servicetickets.tickettypes.models import FormVersion, TicketType
from servicetickets.tickettypes.services import type_create, type_delete, type_publish

DESKS = [
    ("Service Desk", "SD"),
    ("Workplace", "WP"),
    ("People", "HR"),
    ("Finance", "FIN"),
    ("Procurement", "PRC"),
    ("Security", "SEC"),
    ("Legal", "LEG"),
    ("Travel", "TRV"),
]
# fmt: off
FIRST_NAMES = [
    "Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Henry", "Isla", "Jack", "Kira",
    "Liam", "Maya", "Nils", "Olga", "Paul", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wei",
    "Xenia", "Yusuf", "Zoe", "Aiko", "Bruno", "Chen", "Dana", "Elif", "Farid", "Gita", "Hugo",
    "Ines", "Jonas", "Kwame", "Lena", "Mateo", "Nora",
]
LAST_NAMES = [
    "Smith", "Mueller", "Wang", "Garcia", "Rossi", "Kowalski", "Novak", "Jensen", "Silva", "Kim",
    "Tanaka", "Dubois", "Schmidt", "Li", "Brown", "Lopez", "Nguyen", "Ivanova", "Hansen", "Costa",
    "Weber", "Okafor", "Haddad", "Sato", "Berg", "Moreau", "Fischer", "Zhang", "Patel", "Romero",
    "Larsen", "Meyer", "Vogel", "Keller", "Young", "Park", "Santos", "Lind", "Adams", "Bauer",
]
# fmt: on
#: SLA targets (response, processing; seconds, None: none) of a desk's types in turn, so some
#: types have both, some one, some none.
TARGETS: list[tuple[float | None, float | None]] = [
    (4 * HOUR, 2 * DAY),
    (HOUR, None),
    (None, None),
    (None, 5 * DAY),
]


@dataclass
class Person:
    id: int
    username: str
    # When the person was deactivated (epoch seconds); None while active.
    left_at: float | None = None


@dataclass
class Kind:
    id: int
    name: str
    handlers: list[int]  # active handlers' ids
    # Handlers who left (deactivated, no longer named on the type); they acted until then.
    former: list[int] = field(default_factory=list)
    former_left_at: float = 0.0
    deleted_at: float | None = None
    # SLA targets in seconds (None: none), fixed for the whole history.
    response_target: float | None = None
    processing_target: float | None = None
    # (first submission time, version number, [(title, data)]), oldest first
    versions: list[tuple[float, int, list[tuple[str, dict[str, Any]]]]] = field(
        default_factory=list
    )


@dataclass
class DeskPlan:
    desk: Desk
    timeout: float  # the desk's confirm timeout in seconds
    kinds: list[Kind]
    kind_weights: list[float]


@dataclass
class World:
    desks: list[DeskPlan]
    desk_weights: list[float]
    requesters: list[Person]
    requester_weights: list[float]
    users: int
    types: int


def check_sizes(*, tickets: int, desks: int, types: int, users: int, months: int) -> None:
    if tickets < 1:
        raise Invalid(_("Seed at least one ticket."), field="tickets")
    if not 1 <= desks <= 100:
        raise Invalid(_("Seed 1 to %(n)d desks.") % {"n": 100}, field="desks")
    limit = settings.MAX_TICKET_TYPES
    if not 1 <= types <= limit:
        raise Invalid(_("Seed 1 to %(n)d ticket types per desk.") % {"n": limit}, field="types")
    if users < minimum_users(desks):
        raise Invalid(
            ngettext(
                "Seed at least %(n)d users for %(d)d desk.",
                "Seed at least %(n)d users for %(d)d desks.",
                desks,
            )
            % {"n": minimum_users(desks), "d": desks},
            field="users",
        )
    if not 1 <= months <= 120:
        raise Invalid(_("Seed 1 to %(n)d months.") % {"n": 120}, field="months")


def minimum_users(desks: int) -> int:
    """Two handlers per desk, one who left, one admin per desk and one more requester."""
    return 3 * desks + 2


def _weights(n: int, skew: float) -> list[float]:
    return [1 / (rank + 1) ** skew for rank in range(n)]


def _stamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@transaction.atomic
def build(
    *,
    rng: random.Random,
    desks: int,
    types: int,
    users: int,
    start: float,
    now: float,
    password: str | None = None,
) -> World:
    """Create the desks, users and types; return what generation needs to know of them."""
    span = now - start
    per_desk = max(2, users // 5 // desks)
    handler_count = per_desk * desks + 1  # desk 0 has one more, who leaves halfway
    people = _users_create(rng, count=users, joined=start - 30 * DAY, password=password)
    handlers, employees = people[:handler_count], people[handler_count:]
    left_at = now - span * 0.5
    departed = handlers[0]
    user_deactivate(user=User.objects.get(pk=departed.id))
    departed.left_at = left_at
    gone = max(0, min(len(employees) // 25 or 1, len(employees) - desks - 1))
    for person in employees[len(employees) - gone :]:
        person.left_at = rng.uniform(start + span * 0.3, now - 7 * DAY)
    if gone:
        User.objects.filter(pk__in=[p.id for p in employees[-gone:]]).update(is_active=False)
    members = [p.username for p in people if p.left_at is None]

    plans: list[DeskPlan] = []
    today = timezone.localdate(_stamp(now))
    for index, (name, code) in enumerate(_desk_names(desks)):
        desk = desk_create(code=code, name=name)
        desk_admin_add(desk=desk, user=User.objects.get(pk=employees[index].id))
        staff = handlers[1 + index * per_desk : 1 + (index + 1) * per_desk]
        kinds = [
            _kind_create(rng, desk=desk, index=i, staff=staff, today=today, members=members)
            for i in range(types)
        ]
        if index == 0:
            for kind in kinds[::2]:  # the one who left handled every other type of desk 0
                kind.former, kind.former_left_at = [departed.id], left_at
            kinds.append(
                _kind_create(rng, desk=desk, index=-1, staff=staff, today=today, members=members)
            )
            kinds[-1].deleted_at = now - span * 0.35
        _form_version_add(kinds[0], since=now - span * 0.4, today=today, members=members, rng=rng)
        menu_set(
            desk=desk,
            entries=[
                MenuItem(
                    label=_("Requests"),
                    children=[
                        MenuItem(label=k.name, type_id=k.id) for k in kinds if k.deleted_at is None
                    ],
                )
            ],
        )
        order = list(range(len(kinds)))
        rng.shuffle(order)
        weights = [0.0] * len(kinds)
        for rank, position in enumerate(order):
            weights[position] = 1 / (rank + 1) ** 0.8
        plans.append(DeskPlan(desk, desk.confirm_timeout_days * DAY, kinds, weights))

    _backdate(plans, at=start - 30 * DAY, now=now)
    return World(
        desks=plans,
        desk_weights=_weights(desks, 0.5),
        requesters=employees,
        requester_weights=_weights(len(employees), 0.7),
        users=users,
        types=sum(len(p.kinds) for p in plans),
    )


def _desk_names(count: int) -> list[tuple[str, str]]:
    """Names and unused codes: a known name's code, else the code with a letter added."""
    taken = set(Desk.objects.values_list("code", flat=True))
    out = []
    for i in range(count):
        name, base = DESKS[i] if i < len(DESKS) else (f"Desk {i + 1}", "DSK")
        code = base
        suffix = 0
        while code in taken:
            code = base + _letters(suffix)
            suffix += 1
        taken.add(code)
        out.append((name, code))
    return out


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA …"""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _users_create(
    rng: random.Random, *, count: int, joined: float, password: str | None
) -> list[Person]:
    combos = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(combos)
    wanted: list[tuple[str, str]] = []
    for i in range(count):
        first, last = combos[i % len(combos)]
        round_ = i // len(combos)
        username = f"{first}.{last}".lower() + (str(round_ + 1) if round_ else "")
        wanted.append((username, f"{first} {last}"))
    # Usernames are unique regardless of case; add a number to any that are taken.
    taken = set(
        User.objects.annotate(low=Lower("username"))
        .filter(low__in=[u for u, _name in wanted])
        .values_list("low", flat=True)
    )
    hashed = make_password(password) if password else None
    rows = []
    for username, name in wanted:
        candidate, n = username, 1
        while candidate in taken:
            n += 1
            candidate = f"{username}{n}"
            if User.objects.filter(username__iexact=candidate).exists():
                taken.add(candidate)
        taken.add(candidate)
        rows.append(
            User(
                username=candidate,
                name=name,
                email=f"{candidate}@example.com",
                password=hashed or make_password(None),
                date_joined=_stamp(joined),
            )
        )
    User.objects.bulk_create(rows, batch_size=1000)
    ids = dict(
        User.objects.filter(username__in=[r.username for r in rows]).values_list("username", "pk")
    )
    return [Person(ids[r.username], r.username) for r in rows]


def _kind_create(
    rng: random.Random,
    *,
    desk: Desk,
    index: int,
    staff: list[Person],
    today: date,
    members: list[str],
) -> Kind:
    name, description, fields = seed_forms.template_for(index) if index >= 0 else seed_forms.RETIRED
    chosen = rng.sample(staff, min(len(staff), rng.randint(2, 4)))
    handlers = list(User.objects.filter(pk__in=[p.id for p in chosen]))
    response, processing = TARGETS[index % len(TARGETS)] if index >= 0 else (None, None)
    kind = type_create(
        desk=desk,
        name=name,
        description=description,
        fields=fields,
        handlers=handlers,
        response_target=None if response is None else timedelta(seconds=response),
        processing_target=None if processing is None else timedelta(seconds=processing),
    )
    type_publish(kind=kind)
    defs = fields_from_json(FormVersion.objects.get(ticket_type=kind, version=1).fields)
    pool = seed_forms.variants(
        defs, rng=rng, members=members[:200], fallback_title=kind.name, today=today
    )
    if index < 0:
        type_delete(kind=kind)
    return Kind(
        kind.pk,
        kind.name,
        [p.id for p in chosen],
        response_target=response,
        processing_target=processing,
        versions=[(0.0, 1, pool)],
    )


def _form_version_add(
    kind: Kind, *, since: float, today: date, members: list[str], rng: random.Random
) -> None:
    """Give the type a second form version, used by tickets submitted from ``since``."""
    row = FormVersion.objects.get(ticket_type_id=kind.id, version=1)
    fields = parse_fields([*row.fields, seed_forms.ADDED_FIELD])
    FormVersion.objects.create(
        ticket_type_id=kind.id, version=2, fields=[f.to_json() for f in fields]
    )
    FormVersion.objects.filter(ticket_type_id=kind.id, version=2).update(created_at=_stamp(since))
    TicketType.objects.filter(pk=kind.id).update(version=2)
    pool = seed_forms.variants(
        fields, rng=rng, members=members[:200], fallback_title=kind.name, today=today
    )
    kind.versions.append((since, 2, pool))


def _backdate(plans: list[DeskPlan], *, at: float, now: float) -> None:
    """Everything existed before the history starts; the retired type left when it was deleted."""
    moment = _stamp(at)
    desk_ids = [p.desk.pk for p in plans]
    Desk.objects.filter(pk__in=desk_ids).update(created_at=moment)
    TicketType.objects.filter(desk_id__in=desk_ids).update(created_at=moment, updated_at=moment)
    FormVersion.objects.filter(ticket_type__desk_id__in=desk_ids, version=1).update(
        created_at=moment
    )
    for plan in plans:
        for kind in plan.kinds:
            if kind.deleted_at is not None:
                stamp = _stamp(kind.deleted_at)
                TicketType.objects.filter(pk=kind.id).update(deleted_at=stamp, updated_at=stamp)
