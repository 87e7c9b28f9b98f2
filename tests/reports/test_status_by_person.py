"""``GET /reports/status-by-person`` (SPEC.md §5): who each ticket's state credits."""

from __future__ import annotations

from servicetickets.accounts.services import user_deactivate
from tests.factories import UserFactory
from tests.reports.conftest import World
from tests.reports.helpers import (
    cancel,
    claim,
    complete,
    confirm,
    give_back,
    new_ticket,
    reject,
    report,
    rows,
    transfer,
)


def _counts(row: dict[str, object]) -> tuple[object, ...]:
    return (row["processed"], row["processing"], row["to_confirm"], row["closed"])


def test_processing_counts_the_assignee(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    transfer(ticket, p.handler, p.handler2)  # hilda is the assignee now

    table = rows(p.admin, "status-by-person")

    assert _counts(table["hilda"]) == (1, 1, 0, 0)
    assert _counts(table["hank"]) == (0, 0, 0, 0)


def test_to_confirm_counts_the_processor(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    complete(ticket, p.handler)

    assert _counts(rows(p.admin, "status-by-person")["hank"]) == (1, 0, 1, 0)


def test_closed_resolved_counts_the_processor(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler)
    transfer(ticket, p.handler, p.handler2)
    complete(ticket, p.handler2)
    confirm(ticket, p.requester)

    table = rows(p.admin, "status-by-person")

    assert _counts(table["hilda"]) == (1, 0, 0, 1)
    assert _counts(table["hank"]) == (0, 0, 0, 0)


def test_a_rejection_is_credited_to_the_handler_who_rejected(world: World) -> None:
    p = world.people
    from_pending = new_ticket(world.kind, p.requester)
    reject(from_pending, p.handler2)
    # Processed by hank once, returned, handed to hilda, who rejects it: hilda's, not hank's.
    after_return = new_ticket(world.kind, p.requester)
    claim(after_return, p.handler)
    complete(after_return, p.handler)
    give_back(after_return, p.requester)
    transfer(after_return, p.handler, p.handler2)
    reject(after_return, p.handler2)

    table = rows(p.admin, "status-by-person")

    assert _counts(table["hilda"]) == (2, 0, 0, 2)
    assert _counts(table["hank"]) == (0, 0, 0, 0)


def test_cancelled_and_pending_tickets_credit_nobody(world: World) -> None:
    p = world.people
    new_ticket(world.kind, p.requester)
    cancelled = new_ticket(world.kind, p.requester)
    claim(cancelled, p.handler)
    cancel(cancelled, p.requester)

    table = rows(p.admin, "status-by-person")

    assert {name: _counts(row) for name, row in table.items()} == {
        "hank": (0, 0, 0, 0),
        "hilda": (0, 0, 0, 0),
    }


def test_processed_is_the_sum_of_the_three_counts(world: World) -> None:
    p = world.people
    for end in ("processing", "to_confirm", "resolved", "rejected"):
        ticket = new_ticket(world.kind, p.requester)
        claim(ticket, p.handler)
        if end == "rejected":
            reject(ticket, p.handler)
        elif end != "processing":
            complete(ticket, p.handler)
            if end == "resolved":
                confirm(ticket, p.requester)

    assert _counts(rows(p.admin, "status-by-person")["hank"]) == (4, 1, 1, 2)


def test_every_current_handler_has_a_row_even_without_tickets(world: World) -> None:
    p = world.people

    body = report(p.admin, "status-by-person")

    assert body == [
        {
            "username": username,
            "name": name,
            "deleted": False,
            "processed": 0,
            "processing": 0,
            "to_confirm": 0,
            "closed": 0,
        }
        for username, name in (("hank", "Hank"), ("hilda", "Hilda"))
    ]


def test_a_deactivated_person_stays_with_their_tickets_and_is_flagged(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler2)
    complete(ticket, p.handler2)
    confirm(ticket, p.requester)
    user_deactivate(user=p.handler2)

    table = rows(p.admin, "status-by-person")

    assert table["hilda"]["deleted"] is True
    assert _counts(table["hilda"]) == (1, 0, 0, 1)
    assert table["hank"]["deleted"] is False


def test_a_deactivated_handler_without_tickets_in_the_period_is_left_out(world: World) -> None:
    p = world.people
    user_deactivate(user=p.handler2)

    assert set(rows(p.admin, "status-by-person")) == {"hank"}


def test_a_former_handler_credited_by_a_ticket_still_has_a_row(world: World) -> None:
    p = world.people
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler2)
    world.kind.handlers.remove(p.handler2)

    assert _counts(rows(p.admin, "status-by-person")["hilda"]) == (1, 1, 0, 0)


def test_rows_go_by_tickets_processed_then_by_name(world: World) -> None:
    p = world.people
    world.kind.handlers.add(UserFactory(username="zed", name="Abel"))
    ticket = new_ticket(world.kind, p.requester)
    claim(ticket, p.handler2)

    names = [row["username"] for row in report(p.admin, "status-by-person")]

    assert names == ["hilda", "zed", "hank"]  # 1 processed, then Abel before Hank
