"""A large ``servicetickets seed`` on SQLite writes without the kept tables' triggers and
refills the tables after (``tickets.triggers.suspended``): afterwards every trigger is back and
every kept table holds exactly what its triggers would have written, so the list, its counts
and the reports are right, and later writes are followed again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from servicetickets.ops import seed as seeding
from servicetickets.tickets import triggers
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit


def _rows(kept: triggers.Kept) -> list[tuple[Any, ...]]:
    """The table's rows, but for a surrogate key (a refill numbers its rows anew)."""
    if kept.table == "tickets_search" and connection.vendor == "sqlite":
        columns = "rowid, document"  # the FTS5 table: its text by ticket
    else:
        with connection.cursor() as cursor:
            found = connection.introspection.get_table_description(cursor, kept.table)
        columns = ", ".join(c.name for c in found if c.name != "id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {kept.table}")
        return sorted(tuple(str(v) for v in row) for row in cursor.fetchall())


@pytest.mark.django_db
def test_a_seed_past_the_threshold_leaves_triggers_and_tables_exact(
    people: People, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeding, "SUSPEND_TRIGGERS_FROM", 1)
    before = Ticket.objects.count()

    result = seeding.seed(seeding.SeedOptions(tickets=300, seed=5, users=30))

    assert result.tickets == 300
    assert Ticket.objects.count() == before + 300
    tables = triggers.kept_tables()
    expected = {name for kept in tables for name in kept.trigger_names(connection.vendor)}
    assert expected <= triggers.present_triggers(connection)
    for kept in tables:
        seeded = _rows(kept)
        kept.rebuild(connection)
        assert seeded == _rows(kept), kept.table
    # The triggers follow writes again.
    later = submit(people.ticket_type, people.requester, title="Seeded then submitted")
    r = api(people.requester).get("/tickets", {"q": "then submitted"})
    assert r.status_code == 200, r.content
    assert [t["number"] for t in r.json()["results"]] == [later.number]
