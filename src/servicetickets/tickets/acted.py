"""Which ticket types each person has acted on, other than as the requester.

SPEC.md §3 lets a former handler keep seeing the tickets they acted on. Checking "acted on"
means reading the timeline, which for a list of thousands of tickets is the expensive part of
visibility. ``tickets_actedtype`` says for which types it can matter at all: a person who never
acted on a ticket of a type they do not handle (nearly everyone) needs no timeline check, and
one who did needs it only for the tickets of those types (``tickets.listing``).

A row (person, type) is written by a trigger on ``tickets_timelineentry`` when the person is the
actor or the target of an entry of a ticket of that type they did not request. The timeline is
append-only and a ticket never changes type, so the table only grows; a deleted ticket may leave
a row behind, which costs a check that finds nothing but never hides a ticket.
"""

from __future__ import annotations

from servicetickets.tickets.triggers import Kept, statement_triggers

TABLE = "tickets_actedtype"
TIMELINE = "tickets_timelineentry"
TICKETS = "tickets_ticket"


def _pairs(source: str) -> str:
    """(user_id, ticket_type_id) of the actors and targets of the entries of ``source`` (a table
    or a one-row subquery aliased ``e``) who did not request the ticket."""
    parts = [
        f"SELECT e.{person} AS user_id, t.ticket_type_id FROM {source} e"
        f" JOIN {TICKETS} t ON t.id = e.ticket_id"
        f" WHERE e.{person} IS NOT NULL AND e.{person} <> t.requester_id"
        for person in ("actor_id", "target_id")
    ]
    return " UNION ".join(parts)


def _insert(source: str) -> str:
    """Add the missing pairs of ``source``: most entries add none, and taking no lock for them
    keeps concurrent actions from waiting on each other here."""
    return (
        f"INSERT INTO {TABLE} (user_id, ticket_type_id)"
        f" SELECT p.user_id, p.ticket_type_id FROM ({_pairs(source)}) AS p"
        f" WHERE NOT EXISTS (SELECT 1 FROM {TABLE} a WHERE a.user_id = p.user_id"
        f" AND a.ticket_type_id = p.ticket_type_id)"
        f" ORDER BY 1, 2 ON CONFLICT DO NOTHING"
    )


def _create(vendor: str) -> list[str]:
    return [
        f"CREATE TABLE {TABLE} (user_id bigint NOT NULL, ticket_type_id bigint NOT NULL,"
        " PRIMARY KEY (user_id, ticket_type_id))"
    ]


def _triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        bodies = {"insert": (_insert("new_rows"), "REFERENCING NEW TABLE AS new_rows")}
        return statement_triggers(TABLE, TIMELINE, bodies)
    row = (
        "(SELECT NEW.ticket_id AS ticket_id, NEW.actor_id AS actor_id, NEW.target_id AS target_id)"
    )
    return [
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {TIMELINE} BEGIN {_insert(row)}; END",
    ]


def _fill(vendor: str) -> list[str]:
    return [
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (user_id, ticket_type_id)"
        f" SELECT DISTINCT p.user_id, p.ticket_type_id FROM ({_pairs(TIMELINE)}) AS p",
    ]


KEPT = Kept(
    table=TABLE,
    create=_create,
    triggers=_triggers,
    fill=_fill,
    source=TIMELINE,
    # The timeline is append-only: only inserts (and the test flush's TRUNCATE) add or take.
    events={"sqlite": ("insert",), "postgresql": ("insert", "truncate")},
)
ensure_installed = KEPT.ensure_installed
