"""Who sees which tickets, split into parts a list can read from indexes.

SPEC.md §3: a ticket is seen by its requester, the handlers of its type, whoever acted on it
(a former handler, the target of a transfer), the admins of its desk and site admins
(``selectors.visible_q`` says so for one ticket). As one condition that is an OR, and an OR
keeps a database from reading tickets in list order from one index. So a caller's tickets are
split into disjoint *arms*, each a condition an index answers:

- ``typeset``: one arm per desk they administer (``desk_id = d``), one per type they handle
  outside those desks (``ticket_type_id = t``), or a single arm of everything (site admins);
- ``own``: their requests outside those desks and types;
- ``former``: per type they acted on but neither handle nor administer, the tickets of that
  type they acted on and did not request. Only the types ``tickets_actedtype`` lists for them
  (``tickets.acted``) need this timeline check, and nearly everyone has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.tickets import acted
from servicetickets.tickets.models import TimelineEntry
from servicetickets.tickettypes.models import TicketType

if TYPE_CHECKING:
    from servicetickets.tickets.listing import TicketFilter

TYPESET, OWN, FORMER = "typeset", "own", "former"


@dataclass(frozen=True)
class Arm:
    kind: str
    q: Q


@dataclass(frozen=True)
class Visibility:
    """The parts of what one caller sees."""

    user_id: int
    everything: bool = False
    #: Desks they administer.
    desks: frozenset[int] = frozenset()
    #: Types they handle outside ``desks`` → the type's desk.
    types: dict[int, int] = field(default_factory=dict)
    #: Types they acted on, outside ``desks`` and ``types`` → the type's desk.
    former: dict[int, int] = field(default_factory=dict)

    def acted(self) -> Exists:
        return Exists(
            TimelineEntry.objects.filter(ticket_id=OuterRef("pk")).filter(
                Q(actor_id=self.user_id) | Q(target_id=self.user_id)
            )
        )

    def typeset_q(self) -> Q | None:
        """The typeset arms as one condition (None: they have none)."""
        if self.everything:
            return Q()
        parts = []
        if self.desks:
            parts.append(Q(desk_id__in=sorted(self.desks)))
        if self.types:
            parts.append(Q(ticket_type_id__in=sorted(self.types)))
        return any_of(parts)

    def own_q(self) -> Q:
        out = Q(requester_id=self.user_id)
        if self.desks:
            out &= ~Q(desk_id__in=sorted(self.desks))
        if self.types:
            out &= ~Q(ticket_type_id__in=sorted(self.types))
        return out

    def former_q(self, kinds: list[int] | None = None) -> Q | None:
        """The former arms (of ``kinds``, default all) as one condition."""
        chosen = sorted(self.former) if kinds is None else kinds
        if not chosen:
            return None
        out = Q(ticket_type_id__in=chosen) & ~Q(requester_id=self.user_id)
        if self.desks:
            out &= ~Q(desk_id__in=sorted(self.desks))
        return out & Q(self.acted())

    def q(self) -> Q:
        """Everything the caller sees, as one condition (``selectors.visible_q``'s tickets)."""
        if self.everything:
            return Q()
        out = Q(requester_id=self.user_id)
        for part in (self.typeset_q(), self.former_q()):
            if part is not None:
                out |= part
        return out

    def arms(self, f: TicketFilter) -> list[Arm]:
        """Disjoint parts that together are ``q()``, leaving out those the desk, type and
        requester filters rule out."""
        if self.everything:
            return [Arm(TYPESET, Q())]
        type_desk = _desk_of(f.ticket_type) if f.ticket_type is not None else None
        out = [
            Arm(TYPESET, Q(desk_id=d))
            for d in sorted(self.desks)
            if f.desk in (None, d) and type_desk in (None, d)
        ]
        out += [
            Arm(TYPESET, Q(ticket_type_id=t))
            for t, d in sorted(self.types.items())
            if _type_fits(f, t, d)
        ]
        # Their own requests lie outside the typeset arms: a filter on one of those desks or
        # types leaves none.
        covered = f.desk in self.desks or f.ticket_type in self.types or type_desk in self.desks
        if (f.requester is None or f.requester.pk == self.user_id) and not covered:
            out.append(Arm(OWN, self.own_q()))
        for kind, desk in sorted(self.former.items()):
            former = self.former_q([kind])
            if former is not None and _type_fits(f, kind, desk):
                out.append(Arm(FORMER, former))
        return out


def any_of(parts: list[Q]) -> Q | None:
    """The OR of ``parts`` (None for none)."""
    if not parts:
        return None
    out = parts[0]
    for part in parts[1:]:
        out |= part
    return out


def _type_fits(f: TicketFilter, kind: int, desk: int) -> bool:
    return f.desk in (None, desk) and f.ticket_type in (None, kind)


def _desk_of(kind: int) -> int | None:
    return TicketType.objects.filter(pk=kind).values_list("desk_id", flat=True).first()


def visibility_for(user: User) -> Visibility:
    """The parts of what ``user`` sees, read in one query: the desks they administer, the
    types they handle and the types they acted on (with each type's desk)."""
    if user.is_superuser:
        return Visibility(user_id=user.pk, everything=True)
    admins = Desk.admins.through._meta.db_table
    handlers = TicketType.handlers.through._meta.db_table
    types = TicketType._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'd', desk_id, desk_id FROM {admins} WHERE user_id = %s"
            f" UNION ALL SELECT 'h', t.id, t.desk_id FROM {types} t"
            f" JOIN {handlers} h ON h.tickettype_id = t.id WHERE h.user_id = %s"
            f" UNION ALL SELECT 'a', t.id, t.desk_id FROM {types} t"
            f" JOIN {acted.TABLE} a ON a.ticket_type_id = t.id WHERE a.user_id = %s",
            [user.pk, user.pk, user.pk],
        )
        rows = cursor.fetchall()
    desks = frozenset(int(pk) for part, pk, _desk in rows if part == "d")
    handled = {int(pk): int(desk) for part, pk, desk in rows if part == "h" and desk not in desks}
    former = {
        int(pk): int(desk)
        for part, pk, desk in rows
        if part == "a" and desk not in desks and pk not in handled
    }
    return Visibility(user_id=user.pk, desks=desks, types=handled, former=former)
