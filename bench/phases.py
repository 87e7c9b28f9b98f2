"""The Django side of the benchmark, run as a child process against the database named by the
environment (one process can only ``django.setup()`` against one database).

    python bench/phases.py prepare --clients 8 --tickets 800   # prints JSON: tokens, ticket ids
    python bench/phases.py verify IDS_FILE                      # prints JSON: what was found
    python bench/phases.py cast --handlers 1000                # prints JSON: type id, tokens

The answer is the last line of stdout; anything Django logs goes to stderr.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Any

FORM: list[dict[str, Any]] = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
]


def phase_prepare(*, clients: int, tickets: int) -> dict[str, Any]:
    """Create the cast and the pending tickets; return the tokens, type and ticket ids."""
    import django

    django.setup()
    from django.db import transaction

    from servicetickets.accounts.services import token_create, user_create
    from servicetickets.desks.services import desk_create
    from servicetickets.tickets.services import ticket_submit
    from servicetickets.tickettypes.services import type_create, type_publish

    desk = desk_create(code="BENCH", name="Benchmark desk")
    handlers = [user_create(username=f"bench_h{i}", name=f"Handler {i}") for i in range(clients)]
    requester = user_create(username="bench_requester", name="Requester")
    kind = type_create(desk=desk, name="Bench", fields=FORM, handlers=handlers)
    kind = type_publish(kind=kind)
    tokens = [token_create(user=user) for user in handlers]
    ids: list[int] = []
    # One outer transaction: each submit is a savepoint, and SQLite syncs once, not N times.
    with transaction.atomic():
        for n in range(tickets):
            ticket = ticket_submit(
                user=requester, ticket_type_id=kind.pk, data={"summary": f"Bench ticket {n}"}
            )
            ids.append(ticket.pk)
    return {"tokens": tokens, "type_id": kind.pk, "ticket_ids": ids}


def phase_cast(*, handlers: int) -> dict[str, Any]:
    """A desk, a published type with ``handlers`` handlers and a requester, each with a token
    (for the live stream benchmarks: every submit notifies every handler)."""
    import django

    django.setup()
    from django.db import transaction

    from servicetickets.accounts.services import token_create, user_create
    from servicetickets.desks.services import desk_create
    from servicetickets.tickettypes.services import type_create, type_publish

    # One transaction: SQLite syncs once for the whole cast.
    with transaction.atomic():
        desk = desk_create(code="STREAM", name="Stream benchmark desk")
        people = [user_create(username=f"sh{i}", name=f"Handler {i}") for i in range(handlers)]
        requester = user_create(username="stream_requester", name="Requester")
        kind = type_create(desk=desk, name="Stream", fields=FORM, handlers=people)
        kind = type_publish(kind=kind)
        tokens = [token_create(user=user) for user in people]
        requester_token = token_create(user=requester)
    return {"type_id": kind.pk, "handler_tokens": tokens, "requester_token": requester_token}


def phase_verify(*, ids_file: Path) -> dict[str, Any]:
    """Check every ticket: a taken one is ``to_confirm`` with exactly one claim and one complete
    by the same handler; one left in the queue at the deadline is untouched ``pending``."""
    import django

    django.setup()
    from django.db.models import Count, Q

    from servicetickets.tickets.models import Ticket

    split: dict[str, list[int]] = json.loads(ids_file.read_text())
    untaken = set(split["untaken"])
    ids = split["taken"] + split["untaken"]
    rows = (
        Ticket.objects.filter(pk__in=ids)
        .annotate(
            claims=Count("timeline", filter=Q(timeline__action="claim")),
            completes=Count("timeline", filter=Q(timeline__action="complete")),
        )
        .values_list("pk", "state", "claims", "completes", "assignee_id", "processed_by_id")
    )
    states: collections.Counter[str] = collections.Counter()
    bad: list[str] = []
    seen = 0
    for pk, state, claims, completes, assignee_id, processed_by_id in rows.iterator():
        seen += 1
        states[state] += 1
        if pk in untaken:
            ok = state == "pending" and claims == 0 and completes == 0
        else:
            ok = (
                state == "to_confirm"
                and claims == 1
                and completes == 1
                and assignee_id is not None
                and assignee_id == processed_by_id
            )
        if not ok:
            bad.append(
                f"ticket {pk}: state={state} claims={claims} completes={completes} "
                f"assignee={assignee_id} processed_by={processed_by_id}"
            )
    return {"checked": seen, "expected": len(ids), "states": dict(states), "bad": bad}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Django side of the benchmarks")
    phases = parser.add_subparsers(dest="phase", required=True)
    prepare = phases.add_parser("prepare")
    prepare.add_argument("--clients", type=int, required=True)
    prepare.add_argument("--tickets", type=int, required=True)
    verify = phases.add_parser("verify")
    verify.add_argument("ids_file", type=Path)
    cast = phases.add_parser("cast")
    cast.add_argument("--handlers", type=int, required=True)
    args = parser.parse_args(argv)
    if args.phase == "prepare":
        result = phase_prepare(clients=args.clients, tickets=args.tickets)
    elif args.phase == "cast":
        result = phase_cast(handlers=args.handlers)
    else:
        result = phase_verify(ids_file=args.ids_file)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
