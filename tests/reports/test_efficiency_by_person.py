"""``GET /reports/efficiency-by-person`` (SPEC.md §5): response time credited to who received
the ticket, processing time to who processed it."""

from __future__ import annotations

from servicetickets.accounts.services import user_deactivate
from tests.reports.conftest import World
from tests.reports.helpers import (
    HOUR,
    base,
    cancel,
    claim,
    complete,
    confirm,
    give_back,
    new_ticket,
    reject,
    report,
    rows,
    times,
    transfer,
)


def _row(table: dict[str, dict[str, object]], name: str) -> tuple[object, ...]:
    row = table[name]
    return (
        row["received"],
        row["avg_response_seconds"],
        row["processed"],
        row["avg_processing_seconds"],
    )


def test_the_claimer_received_the_ticket(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    times(ticket, submitted=base(), accepted=2 * HOUR)

    table = rows(p.admin, "efficiency-by-person")

    assert _row(table, "hank") == (1, 7200, 0, None)
    assert _row(table, "hilda") == (0, None, 0, None)


def test_the_target_of_a_transfer_out_of_pending_received_it(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    transfer(ticket, p.handler, p.handler2)  # hank dispatches it to hilda
    times(ticket, submitted=base(), accepted=HOUR)

    table = rows(p.admin, "efficiency-by-person")

    assert _row(table, "hilda") == (1, 3600, 0, None)
    assert _row(table, "hank") == (0, None, 0, None)


def test_processing_is_credited_to_the_processor_not_the_receiver(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    transfer(ticket, p.handler, p.handler2)
    complete(ticket, p.handler2)
    confirm(ticket, p.requester)
    times(ticket, submitted=base(), accepted=HOUR, processed=9 * HOUR)

    table = rows(p.admin, "efficiency-by-person")

    assert _row(table, "hank") == (1, 3600, 0, None)
    assert _row(table, "hilda") == (0, None, 1, 9 * 3600)


def test_a_person_averages_over_their_processed_tickets_only(world: World) -> None:
    p = world.people
    done, waiting, undone, dropped = (new_ticket(world.kind, p.requester) for _ in range(4))
    for ticket in (done, waiting, undone, dropped):
        claim(ticket, p.handler)
        complete(ticket, p.handler)
    confirm(done, p.requester)
    give_back(undone, p.requester)  # processing again
    give_back(dropped, p.requester)
    reject(dropped, p.handler)
    times(done, submitted=base(), accepted=HOUR, processed=2 * HOUR)
    times(waiting, submitted=base(), accepted=3 * HOUR, processed=4 * HOUR)
    times(undone, submitted=base(), accepted=5 * HOUR, processed=100 * HOUR)
    times(dropped, submitted=base(), accepted=7 * HOUR, processed=100 * HOUR)

    table = rows(p.admin, "efficiency-by-person")

    # Received all four (1, 3, 5, 7 h); processed: the confirmed and the waiting one (2, 4 h).
    assert _row(table, "hank") == (4, 4 * 3600, 2, 3 * 3600)


def test_a_cancelled_ticket_still_counts_for_who_received_it(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler2)
    cancel(ticket, p.requester)
    times(ticket, submitted=base(), accepted=HOUR)

    assert _row(rows(p.admin, "efficiency-by-person"), "hilda") == (1, 3600, 0, None)


def test_a_deactivated_receiver_is_flagged_and_kept(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler2)
    times(ticket, submitted=base(), accepted=HOUR)
    user_deactivate(user=p.handler2)

    table = rows(p.admin, "efficiency-by-person")

    assert table["hilda"]["deleted"] is True
    assert _row(table, "hilda") == (1, 3600, 0, None)


def test_rows_go_by_processed_then_received_then_name(world: World) -> None:
    p = world.people
    received = new_ticket(world.kind, p.requester)
    claim(received, p.handler2)
    processed = new_ticket(world.kind, p.requester)
    claim(processed, p.handler)
    complete(processed, p.handler)

    body = report(p.admin, "efficiency-by-person")

    assert [row["username"] for row in body] == ["hank", "hilda"]
    assert set(body[0]) == {
        "username",
        "name",
        "deleted",
        "received",
        "avg_response_seconds",
        "processed",
        "avg_processing_seconds",
        "response_targeted",
        "response_within_target",
        "response_within_target_share",
        "processing_targeted",
        "processing_within_target",
        "processing_within_target_share",
        "overdue_open",
    }
