"""``received_by``: who became the assignee when the ticket first left pending (SPEC.md §5:
the person credited with receiving it in the efficiency report)."""

from __future__ import annotations

from servicetickets.tickets import services
from tests.conftest import People
from tests.tickets.lifecycle import ticket_in


def test_a_claim_makes_the_claimer_the_receiver(people: People) -> None:
    ticket = ticket_in(people, "pending")

    claimed = services.ticket_claim(user=people.handler, ticket_id=ticket.pk)

    assert claimed.received_by == people.handler
    assert claimed.accepted_at is not None


def test_a_transfer_out_of_pending_makes_its_target_the_receiver(people: People) -> None:
    ticket = ticket_in(people, "pending")

    moved = services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    assert moved.received_by == people.handler2


def test_later_transfers_and_returns_keep_the_first_receiver(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    accepted = ticket.accepted_at
    services.ticket_return(user=people.requester, ticket_id=ticket.pk, reason="Not fixed")

    moved = services.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")

    assert (moved.received_by, moved.accepted_at) == (people.handler, accepted)
    assert moved.assignee == people.handler2
