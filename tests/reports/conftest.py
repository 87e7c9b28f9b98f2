"""The report tests' cast: the standard desk (IT, type Repair handled by hank and hilda, admin
``admin``), plus a second desk with its own admin, handler and type."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory


@dataclass
class World:
    people: People
    other_desk: Desk
    other_admin: User
    other_handler: User
    other_type: TicketType

    @property
    def desk(self) -> Desk:
        return self.people.desk

    @property
    def kind(self) -> TicketType:
        return self.people.ticket_type


@pytest.fixture
def world(people: People) -> World:
    other_desk = DeskFactory(code="FM", name="Facilities")
    other_admin = UserFactory(username="fiona", name="Fiona")
    other_desk.admins.add(other_admin)
    other_handler = UserFactory(username="fred", name="Fred")
    other_type = TicketTypeFactory(desk=other_desk, name="Cleaning", handlers=[other_handler])
    return World(people, other_desk, other_admin, other_handler, other_type)
