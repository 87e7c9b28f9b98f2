"""The list's search text, day counts and acted-on types are kept by database triggers
(``tickets.triggers``): whatever writes tickets, the list stays exact, and a migration that
rebuilds a table on SQLite (dropping its triggers) gets them back after ``migrate``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from servicetickets.ops import bulk
from servicetickets.tickets import services
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.triggers import present_triggers
from servicetickets.tickettypes import services as type_services
from tests.conftest import People
from tests.factories import submit

DAY = "2031-05-06"


def _list(api: Any, user: Any, **params: Any) -> tuple[int, set[str]]:
    r = api(user).get("/tickets", params)
    assert r.status_code == 200, r.content
    body = r.json()
    return body["count"], {t["number"] for t in body["results"]}


def _drop_list_triggers() -> None:
    """What SQLite's table rebuild does to the triggers of a table."""
    with connection.cursor() as cursor:
        for name in sorted(present_triggers(connection)):
            table, _sep, trigger = name.rpartition(":")
            if not trigger.startswith(("tickets_search", "tickets_daycount", "tickets_acted")):
                continue
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {trigger} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER {trigger}")


def _on_day(ticket: Ticket, hour: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        submitted_at=datetime.fromisoformat(f"{DAY}T{hour:02d}:00:00+00:00")
    )


def test_after_migrate_dropped_triggers_are_back_and_the_list_exact(
    people: People, api: Any
) -> None:
    _drop_list_triggers()
    missed = submit(people.ticket_type, people.requester, title="Projector flickers")
    services.ticket_claim(user=people.handler, ticket_id=missed.pk)
    _on_day(missed, 9)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert _list(api, people.requester, q="flickers") == (1, {missed.number})
    assert _list(api, people.requester, state="processing", submitted_from=DAY)[0] == 1
    type_services.type_update(kind=people.ticket_type, handlers=[people.handler2])
    assert _list(api, people.handler, q="flickers") == (1, {missed.number})
    later = submit(people.ticket_type, people.requester, title="Projector dead")
    assert _list(api, people.requester, q="projector") == (2, {missed.number, later.number})


def test_counts_follow_updates_deletes_and_bulk_inserts(people: People, api: Any) -> None:
    """Whole days are counted from the day counts: they must follow every writer."""
    tickets = [submit(people.ticket_type, people.requester) for _ in range(4)]
    for hour, ticket in zip((1, 5, 12, 23), tickets, strict=True):
        _on_day(ticket, hour)
    Ticket.objects.filter(pk=tickets[0].pk).update(state="closed", resolution="cancelled")
    Ticket.objects.filter(pk=tickets[1].pk).delete()
    stamp = bulk.stamper()
    moment = datetime.fromisoformat(f"{DAY}T15:00:00+00:00").timestamp()
    columns = ("number", "desk_id", "ticket_type_id", "form_version", "title", "data")
    columns += ("requester_id", "submitted_at")
    bulk.Inserter(Ticket, columns).insert(
        [
            (
                f"IT-8{n:05d}",
                people.desk.pk,
                people.ticket_type.pk,
                1,
                "Bulk",
                bulk.json_value(Ticket, "data", {"summary": "Bulk"}),
                people.requester.pk,
                stamp(moment + n),
            )
            for n in range(3)
        ]
    )
    root = people.site_admin
    day = {"submitted_from": DAY, "submitted_to": DAY}

    assert _list(api, root, **day)[0] == 6
    assert _list(api, root, state="pending", **day)[0] == 5
    assert _list(api, root, resolution="cancelled", **day)[0] == 1
    assert _list(api, root, requester="alice", state="pending", **day)[0] == 5
    afternoon = {"submitted_from": f"{DAY}T12:00Z", "submitted_to": DAY}
    assert _list(api, people.requester, **afternoon)[0] == 5
