"""The SLA columns of ``GET /reports/efficiency`` and ``/reports/efficiency-by-person``
(SPEC.md §7): the share of judged tickets within each target, and the open tickets already
past one. Times and due times are set exactly after the actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from servicetickets.accounts.models import User
from servicetickets.tickets.models import Ticket
from servicetickets.tickettypes.services import type_update
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
    rows,
    times,
    transfer,
)

#: Far enough ahead that it has not passed yet (``base()`` is 20 days ago).
NOT_YET = timedelta(days=60)


def _response(body: dict[str, Any]) -> tuple[Any, ...]:
    return (
        body["response_targeted"],
        body["response_within_target"],
        body["response_within_target_share"],
    )


def _processing(body: dict[str, Any]) -> tuple[Any, ...]:
    return (
        body["processing_targeted"],
        body["processing_within_target"],
        body["processing_within_target_share"],
    )


def _efficiency(user: User, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = report(user, "efficiency", **params)
    return body


# --- response target -----------------------------------------------------------------------


def test_a_ticket_accepted_by_its_response_due_time_meets_the_target(world: World) -> None:
    p = world.people
    early, on_the_dot, late = (new_ticket(world.kind, p.requester) for _ in range(3))
    for ticket in (early, on_the_dot, late):
        claim(ticket, p.handler)
    times(early, submitted=base(), accepted=HOUR, response_due=2 * HOUR)
    times(on_the_dot, submitted=base(), accepted=2 * HOUR, response_due=2 * HOUR)
    times(late, submitted=base(), accepted=2 * HOUR + MINUTE, response_due=2 * HOUR)

    body = _efficiency(p.admin)

    assert _response(body) == (3, 2, 2 / 3)
    assert body["accepted"] == 3


def test_tickets_without_a_response_due_time_are_not_judged(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)  # the type has no targets
    claim(ticket, p.handler)
    times(ticket, submitted=base(), accepted=100 * HOUR)

    body = _efficiency(p.admin)

    assert body["accepted"] == 1
    assert _response(body) == (0, 0, None)
    assert _processing(body) == (0, 0, None)
    assert body["overdue_open"] == 0


def test_a_target_applies_to_tickets_submitted_after_it_was_set(world: World) -> None:
    p = world.people
    before = new_ticket(world.kind, p.requester)
    type_update(kind=world.kind, targets={"response_target": 2 * HOUR})
    after = new_ticket(world.kind, p.requester)
    claim(before, p.handler)
    claim(after, p.handler)  # at once: well within two hours

    assert _response(_efficiency(p.admin)) == (1, 1, 1.0)


def test_a_pending_ticket_is_judged_only_once_accepted(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    times(ticket, submitted=base(), response_due=HOUR)

    waiting = _efficiency(p.admin)
    claim(ticket, p.handler)
    times(ticket, submitted=base(), accepted=3 * HOUR)
    accepted = _efficiency(p.admin)

    # Past its due time while pending: not in the share yet, but overdue.
    assert (_response(waiting), waiting["overdue_open"]) == ((0, 0, None), 1)
    assert (_response(accepted), accepted["overdue_open"]) == ((1, 0, 0.0), 0)


def test_the_response_share_counts_accepted_tickets_however_they_ended(world: World) -> None:
    p = world.people
    rejected, cancelled = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    claim(rejected, p.handler)
    reject(rejected, p.handler)
    claim(cancelled, p.handler)
    cancel(cancelled, p.requester)
    for ticket in (rejected, cancelled):
        times(ticket, submitted=base(), accepted=HOUR, response_due=HOUR, processing_due=HOUR)

    body = _efficiency(p.admin)

    assert _response(body) == (2, 2, 1.0)
    assert _processing(body) == (0, 0, None)


# --- processing target ---------------------------------------------------------------------


def test_a_ticket_processed_by_its_due_time_meets_the_processing_target(world: World) -> None:
    p = world.people
    waiting, on_the_dot, late = (new_ticket(world.kind, p.requester) for _ in range(3))
    for ticket in (waiting, on_the_dot, late):
        claim(ticket, p.handler)
        complete(ticket, p.handler)
    confirm(on_the_dot, p.requester)
    confirm(late, p.requester)
    times(waiting, submitted=base(), accepted=HOUR, processed=5 * HOUR, processing_due=8 * HOUR)
    times(on_the_dot, submitted=base(), accepted=HOUR, processed=8 * HOUR, processing_due=8 * HOUR)
    times(late, submitted=base(), accepted=HOUR, processed=9 * HOUR, processing_due=8 * HOUR)

    body = _efficiency(p.admin)

    assert _processing(body) == (3, 2, 2 / 3)
    assert _response(body) == (0, 0, None)


def test_the_processing_target_is_judged_on_the_last_completion(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    complete(ticket, p.handler)
    times(ticket, submitted=base(), accepted=HOUR, processed=2 * HOUR, processing_due=5 * HOUR)
    first = _efficiency(p.admin)

    give_back(ticket, p.requester)
    returned = _efficiency(p.admin)

    complete(ticket, p.handler)
    times(ticket, submitted=base(), accepted=HOUR, processed=10 * HOUR)
    again = _efficiency(p.admin)

    assert _processing(first) == (1, 1, 1.0)
    # Back in processing and past its due time: no longer judged, but overdue.
    assert (_processing(returned), returned["overdue_open"]) == ((0, 0, None), 1)
    assert (_processing(again), again["overdue_open"]) == ((1, 0, 0.0), 0)


def test_rejected_and_cancelled_tickets_are_left_out_of_the_processing_share(
    world: World,
) -> None:
    p = world.people
    rejected, cancelled = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    for ticket in (rejected, cancelled):
        claim(ticket, p.handler)
        complete(ticket, p.handler)
        give_back(ticket, p.requester)
    reject(rejected, p.handler)
    cancel(cancelled, p.requester)
    for ticket in (rejected, cancelled):
        times(ticket, submitted=base(), accepted=HOUR, processed=2 * HOUR, processing_due=8 * HOUR)

    body = _efficiency(p.admin)

    assert _processing(body) == (0, 0, None)
    assert body["overdue_open"] == 0  # closed: not open, however late


# --- overdue open tickets ------------------------------------------------------------------


def test_overdue_open_counts_each_open_ticket_past_a_due_time_once(world: World) -> None:
    p = world.people
    both, not_yet, processing, accepted_late, waiting = (
        new_ticket(world.kind, p.requester) for _ in range(5)
    )
    # Pending, late for both targets: one ticket.
    times(both, submitted=base(), response_due=HOUR, processing_due=2 * HOUR)
    times(not_yet, submitted=base(), response_due=NOT_YET, processing_due=NOT_YET)
    # In processing past its processing due time.
    claim(processing, p.handler)
    times(processing, submitted=base(), accepted=HOUR, processing_due=2 * HOUR)
    # Accepted late but its processing time has not run out: judged, not overdue.
    claim(accepted_late, p.handler)
    times(accepted_late, submitted=base(), accepted=3 * HOUR, response_due=HOUR)
    # Completed late: judged (missed), not overdue.
    claim(waiting, p.handler)
    complete(waiting, p.handler)
    times(waiting, submitted=base(), accepted=HOUR, processed=5 * HOUR, processing_due=2 * HOUR)

    body = _efficiency(p.admin)

    assert body["overdue_open"] == 2
    assert (_response(body)[:2], _processing(body)[:2]) == ((1, 0), (1, 0))


def test_overdue_open_follows_the_filters(world: World) -> None:
    p = world.people
    here, there, earlier = (
        new_ticket(world.kind, p.requester),
        new_ticket(world.other_type, p.requester),
        new_ticket(world.kind, p.requester),
    )
    times(here, submitted=base(), response_due=HOUR)
    times(there, submitted=base(), response_due=HOUR)
    times(earlier, submitted=base() - timedelta(days=5), response_due=HOUR)
    since = (base() - timedelta(days=1)).isoformat()

    assert _efficiency(p.site_admin)["overdue_open"] == 3
    assert _efficiency(p.admin)["overdue_open"] == 2
    assert _efficiency(p.site_admin, desk=world.other_desk.pk)["overdue_open"] == 1
    assert _efficiency(p.site_admin, submitted_from=since)["overdue_open"] == 2
    assert _efficiency(p.site_admin, type=world.kind.pk, submitted_from=since)["overdue_open"] == 1


def test_a_due_time_not_yet_reached_is_neither_judged_nor_overdue(world: World) -> None:
    p = world.people
    pending, processing = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    claim(processing, p.handler)
    times(pending, submitted=base(), response_due=NOT_YET, processing_due=NOT_YET)
    times(processing, submitted=base(), accepted=HOUR, processing_due=NOT_YET)

    body = _efficiency(p.admin)

    assert (_response(body), _processing(body), body["overdue_open"]) == (
        (0, 0, None),
        (0, 0, None),
        0,
    )


# --- by person -----------------------------------------------------------------------------


def test_the_response_target_is_credited_to_who_received_the_ticket(world: World) -> None:
    p = world.people
    claimed, dispatched = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    claim(claimed, p.handler)
    transfer(dispatched, p.handler, p.handler2)  # out of pending: hilda received it
    times(claimed, submitted=base(), accepted=HOUR, response_due=2 * HOUR)
    times(dispatched, submitted=base(), accepted=3 * HOUR, response_due=2 * HOUR)

    table = rows(p.admin, "efficiency-by-person")

    assert _response(table["hank"]) == (1, 1, 1.0)
    assert _response(table["hilda"]) == (1, 0, 0.0)


def test_the_processing_target_is_credited_to_the_processor(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    transfer(ticket, p.handler, p.handler2)
    complete(ticket, p.handler2)
    times(
        ticket,
        submitted=base(),
        accepted=HOUR,
        processed=9 * HOUR,
        response_due=2 * HOUR,
        processing_due=8 * HOUR,
    )

    table = rows(p.admin, "efficiency-by-person")

    assert (_response(table["hank"]), _processing(table["hank"])) == ((1, 1, 1.0), (0, 0, None))
    assert (_response(table["hilda"]), _processing(table["hilda"])) == ((0, 0, None), (1, 0, 0.0))


def test_overdue_tickets_in_processing_count_for_their_assignee(world: World) -> None:
    p = world.people
    held, pending = new_ticket(world.kind, p.requester), new_ticket(world.kind, p.requester)
    claim(held, p.handler)
    transfer(held, p.handler, p.handler2)
    times(held, submitted=base(), accepted=HOUR, processing_due=2 * HOUR)
    times(pending, submitted=base(), response_due=HOUR, processing_due=2 * HOUR)

    table = rows(p.admin, "efficiency-by-person")

    # hilda holds the late one; the late pending ticket is nobody's yet.
    assert {name: row["overdue_open"] for name, row in table.items()} == {"hank": 0, "hilda": 1}
    assert _efficiency(p.admin)["overdue_open"] == 2


def test_an_assignee_who_left_still_shows_their_overdue_tickets(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler2)
    times(ticket, submitted=base(), accepted=HOUR, processing_due=2 * HOUR)
    # No longer a handler of the type, and not credited by any received or processed ticket.
    Ticket.objects.filter(pk=ticket.pk).update(received_by=p.handler)
    world.kind.handlers.remove(p.handler2)

    table = rows(p.admin, "efficiency-by-person")

    assert table["hilda"]["overdue_open"] == 1
    assert table["hilda"]["received"] == 0
