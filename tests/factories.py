"""Factories for the models tests need, built through the real services where rules apply."""

from __future__ import annotations

from functools import cache
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.tickets import services as ticket_services
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes import services as type_services
from servicetickets.tickettypes.models import TicketType

SIMPLE_FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "details", "label": "Details", "kind": "textarea"},
]


PASSWORD = "correct-horse-battery"


@cache
def _password_hash() -> str:
    return make_password(PASSWORD)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.LazyAttribute(lambda o: o.username.title())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    # One real hash, computed once: hashing per user made every test pay ~2 s for its cast.
    password = factory.LazyFunction(lambda: _password_hash())


class DeskFactory(DjangoModelFactory[Desk]):
    class Meta:
        model = Desk
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "D" + "".join(chr(65 + int(c)) for c in f"{n:03d}"))
    name = factory.Sequence(lambda n: f"Desk {n}")


def TicketTypeFactory(
    *,
    desk: Desk,
    name: str = "Repair",
    fields: list[dict[str, Any]] | None = None,
    handlers: list[User] | None = None,
    publish: bool = True,
) -> TicketType:
    kind = type_services.type_create(
        desk=desk, name=name, description="", fields=fields or SIMPLE_FORM, handlers=handlers or []
    )
    if publish:
        kind = type_services.type_publish(kind=kind)
    return kind


def submit(
    kind: TicketType, requester: User, data: dict[str, Any] | None = None, title: str | None = None
) -> Ticket:
    return ticket_services.ticket_submit(
        user=requester,
        ticket_type_id=kind.pk,
        data=data or {"summary": "Printer jammed"},
        title=title,
    )
