"""The world the mass-assignment attacks run in, and a snapshot of every row they could touch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from servicetickets.core.api import api as ninja_api
from servicetickets.desks.models import Desk
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.models import TicketType
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, submit

PREFIX = "/api/v1"

#: Columns that change on every authenticated request, whatever it asks for.
_TOUCHED_BY_SIGN_IN = {"last_used_at", "last_login"}


@dataclass
class World:
    """The standard desk and people, plus another desk with its own type and ticket whose ids
    hostile bodies name."""

    people: People
    other_desk: Desk
    other_type: TicketType
    other_ticket: Ticket
    #: The concrete path of the case being sent, and the client sending it.
    path: str = ""
    client: Any = None

    @property
    def desk(self) -> Desk:
        return self.people.desk


def build_world(people: People) -> World:
    other_desk = DeskFactory(code="HR", name="Human Resources")
    other_type = TicketTypeFactory(desk=other_desk, name="Leave", handlers=[people.outsider])
    return World(people, other_desk, other_type, submit(other_type, people.outsider))


def _project_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("servicetickets.")]


def _rewind_sequences() -> None:
    """Point each id sequence just past its table's largest id (PostgreSQL keeps sequences
    running across rollbacks; SQLite needs nothing)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), _project_models()):
            cursor.execute(sql)


def mark_here() -> str:
    """A savepoint to come back to, with the id sequences rewound, so that a request sent after
    it and sent again after :func:`rollback_to` draws the same ids."""
    mark = transaction.savepoint_create()
    _rewind_sequences()
    return mark


def rollback_to(mark: str) -> None:
    """Undo everything since ``mark``, id sequences included."""
    transaction.savepoint_rollback(mark)
    _rewind_sequences()


def db_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model of the project, as values."""
    out: dict[str, list[dict[str, Any]]] = {}
    for model in _project_models():
        rows = [
            {k: v for k, v in row.items() if k not in _TOUCHED_BY_SIGN_IN}
            for row in model._default_manager.order_by("pk").values()
        ]
        out[model._meta.label] = rows
    return out


#: Keys no body in the document owns, with values that would hurt if they were taken: another
#: desk's and another type's ids, other people, closed states, old times, rights.
HOSTILE_KEYS: tuple[str, ...] = (
    "id",
    "requester",
    "requester_id",
    "state",
    "resolution",
    "assignee",
    "assignee_id",
    "processed_by",
    "number",
    "created_at",
    "updated_at",
    "submitted_at",
    "accepted_at",
    "completed_at",
    "processed_at",
    "closed_at",
    "desk",
    "desk_id",
    "type_id",
    "ticket_id",
    "version",
    "deleted",
    "rating",
    "return_count",
    "is_superuser",
    "is_staff",
    "is_active",
    "uploader",
    "user",
    "actor",
)


def hostile_value(world: World, key: str) -> Any:
    values: dict[str, Any] = {
        "id": 987654,
        "requester": "olga",
        "requester_id": world.people.outsider.pk,
        "state": "closed",
        "resolution": "resolved",
        "assignee": "hilda",
        "assignee_id": world.people.handler2.pk,
        "processed_by": "hilda",
        "number": "HR-000001",
        "desk": world.other_desk.pk,
        "desk_id": world.other_desk.pk,
        "type_id": world.other_type.pk,
        "ticket_id": world.other_ticket.pk,
        "version": 99,
        "deleted": True,
        "rating": 1,
        "return_count": 7,
        "is_superuser": True,
        "is_staff": True,
        "is_active": False,
        "uploader": "olga",
        "user": "olga",
        "actor": "olga",
    }
    return values.get(key, "2000-01-01T00:00:00+00:00")


def document() -> dict[str, Any]:
    """The OpenAPI document the server serves."""
    return ninja_api.get_openapi_schema()
