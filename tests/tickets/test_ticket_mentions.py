"""``@username`` in a comment reminds the people it names who may see the ticket."""

from __future__ import annotations

import pytest

from servicetickets.tickets import services
from tests.conftest import People
from tests.factories import UserFactory
from tests.tickets.lifecycle import reminders, ticket_in

pytestmark = pytest.mark.django_db


def _kinds(ticket_id: int) -> set[tuple[str, str]]:
    return {(who, kind) for who, kind, _ in reminders(ticket_id=ticket_id)}


def test_a_mentioned_handler_is_reminded_and_the_requester_told_of_the_comment(
    people: People,
) -> None:
    ticket = ticket_in(people, "processing")  # hank's
    services.ticket_comment(user=people.handler, ticket_id=ticket.pk, text="@hilda can you help?")

    assert _kinds(ticket.pk) >= {("hilda", "mentioned"), ("alice", "commented")}
    assert ("hilda", "commented") not in _kinds(ticket.pk)


def test_a_mentioned_requester_gets_one_reminder_not_two(people: People) -> None:
    ticket = ticket_in(people, "processing")
    before = len(reminders(ticket_id=ticket.pk))
    services.ticket_comment(user=people.handler, ticket_id=ticket.pk, text="Done? @alice")

    new = reminders(ticket_id=ticket.pk)[before:]
    assert [(who, kind) for who, kind, _ in new] == [("alice", "mentioned")]


def test_people_who_may_not_see_the_ticket_are_not_reminded(people: People) -> None:
    ticket = ticket_in(people, "processing")
    services.ticket_comment(user=people.handler, ticket_id=ticket.pk, text="cc @olga @nobody")

    assert not [r for r in reminders(ticket_id=ticket.pk) if r[0] in ("olga", "nobody")]


@pytest.mark.parametrize(
    ("text", "reminded"),
    [
        ("Thanks @HILDA.", True),  # any case, a sentence's full stop is not part of the name
        ("(@hilda)", True),
        ("mail hank@hilda.example", False),  # an e-mail address is not a mention
        ("no mention of hilda", False),
    ],
)
def test_what_counts_as_a_mention(people: People, text: str, reminded: bool) -> None:
    ticket = ticket_in(people, "processing")
    services.ticket_comment(user=people.handler, ticket_id=ticket.pk, text=text)

    assert (("hilda", "mentioned") in _kinds(ticket.pk)) is reminded


def test_deactivated_and_self_mentions_remind_nobody(people: People) -> None:
    gone = UserFactory(username="gone", is_active=False)
    people.ticket_type.handlers.add(gone)
    ticket = ticket_in(people, "processing")
    services.ticket_comment(user=people.handler, ticket_id=ticket.pk, text="@gone @hank")

    mentioned = {who for who, kind in _kinds(ticket.pk) if kind == "mentioned"}
    assert mentioned == set()
