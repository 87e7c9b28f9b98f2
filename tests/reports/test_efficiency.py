"""``GET /reports/efficiency`` (SPEC.md §5): response and processing times, and which tickets
each average is taken over. Times are set exactly after the actions."""

from __future__ import annotations

from tests.reports.conftest import World
from tests.reports.helpers import (
    HOUR,
    MINUTE,
    base,
    cancel,
    claim,
    complete,
    confirm,
    give_back,
    new_ticket,
    reject,
    report,
    times,
    transfer,
)


def test_response_time_runs_from_submission_to_the_claim(world: World) -> None:
    p = world.people
    one, two = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    claim(one, p.handler)
    claim(two, p.handler2)
    times(one, submitted=base(), accepted=2 * HOUR)
    times(two, submitted=base(), accepted=4 * HOUR)

    body = report(p.admin, "efficiency")

    assert (body["accepted"], body["avg_response_seconds"]) == (2, 3 * 3600)


def test_response_time_counts_a_transfer_out_of_pending(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    transfer(ticket, p.handler, p.handler2)
    times(ticket, submitted=base(), accepted=30 * MINUTE)

    body = report(p.admin, "efficiency")

    assert (body["accepted"], body["avg_response_seconds"]) == (1, 1800)


def test_a_later_transfer_does_not_move_the_acceptance(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    times(ticket, submitted=base(), accepted=HOUR)
    transfer(ticket, p.handler, p.handler2)

    assert report(p.admin, "efficiency")["avg_response_seconds"] == 3600


def test_response_time_counts_every_accepted_ticket_whatever_became_of_it(world: World) -> None:
    p = world.people
    rejected, cancelled, pending = (new_ticket(world.kind, p.requester) for _ in range(3))
    claim(rejected, p.handler)
    reject(rejected, p.handler)
    claim(cancelled, p.handler)
    cancel(cancelled, p.requester)
    times(rejected, submitted=base(), accepted=HOUR)
    times(cancelled, submitted=base(), accepted=3 * HOUR)
    times(pending, submitted=base())

    body = report(p.admin, "efficiency")

    # The pending ticket has no response time and is not averaged over.
    assert (body["accepted"], body["avg_response_seconds"]) == (2, 2 * 3600)


def test_processing_time_runs_from_submission_to_completion(world: World) -> None:
    p = world.people
    one, two = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    for ticket in (one, two):
        claim(ticket, p.handler)
        complete(ticket, p.handler)
    confirm(two, p.requester)
    times(one, submitted=base(), accepted=HOUR, processed=5 * HOUR)
    times(two, submitted=base(), accepted=HOUR, processed=7 * HOUR)

    body = report(p.admin, "efficiency")

    assert (body["processed"], body["avg_processing_seconds"]) == (2, 6 * 3600)


def test_processing_time_uses_the_last_completion_after_a_return(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    complete(ticket, p.handler)
    times(ticket, submitted=base(), accepted=HOUR, processed=2 * HOUR)
    give_back(ticket, p.requester)

    # Back in processing: not processed any more, so not averaged over.
    assert report(p.admin, "efficiency")["processed"] == 0

    complete(ticket, p.handler)
    times(ticket, submitted=base(), accepted=HOUR, processed=10 * HOUR)

    body = report(p.admin, "efficiency")
    assert (body["processed"], body["avg_processing_seconds"]) == (1, 10 * 3600)


def test_processing_time_leaves_out_rejected_and_cancelled_tickets(world: World) -> None:
    p = world.people
    resolved, rejected, cancelled = (new_ticket(world.kind, p.requester) for _ in range(3))
    for ticket in (resolved, rejected, cancelled):
        claim(ticket, p.handler)
        complete(ticket, p.handler)
    confirm(resolved, p.requester)
    # Completed once, then returned and closed another way: processed_at is set but they
    # were not processed to the requester's satisfaction.
    give_back(rejected, p.requester)
    reject(rejected, p.handler)
    give_back(cancelled, p.requester)
    cancel(cancelled, p.requester)
    times(resolved, submitted=base(), accepted=HOUR, processed=3 * HOUR)
    times(rejected, submitted=base(), accepted=HOUR, processed=50 * HOUR)
    times(cancelled, submitted=base(), accepted=HOUR, processed=70 * HOUR)

    body = report(p.admin, "efficiency")

    assert (body["processed"], body["avg_processing_seconds"]) == (1, 3 * 3600)
    assert body["accepted"] == 3


def test_averages_are_null_when_there_is_nothing_to_average(world: World) -> None:
    p = world.people
    new_ticket(world.kind, p.requester)

    assert report(p.admin, "efficiency") == {
        "accepted": 0,
        "avg_response_seconds": None,
        "processed": 0,
        "avg_processing_seconds": None,
        "response_targeted": 0,
        "response_within_target": 0,
        "response_within_target_share": None,
        "processing_targeted": 0,
        "processing_within_target": 0,
        "processing_within_target_share": None,
        "overdue_open": 0,
    }


def test_averages_keep_fractions_of_a_second(world: World) -> None:
    p = world.people
    one, two = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    claim(one, p.handler)
    claim(two, p.handler)
    times(one, submitted=base(), accepted=MINUTE)
    times(two, submitted=base(), accepted=MINUTE + MINUTE / 60)  # 61 s

    assert report(p.admin, "efficiency")["avg_response_seconds"] == 60.5
