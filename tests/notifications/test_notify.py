"""``notifications.services.notify``: one inbox row per distinct active recipient other than
the actor, written only inside the transaction of the action that causes it."""

from __future__ import annotations

import pytest
from django.db import transaction

from servicetickets.accounts.services import user_deactivate
from servicetickets.notifications.models import Notification
from servicetickets.notifications.services import notify
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import UserFactory, submit


@pytest.fixture
def ticket(people: People) -> Ticket:
    ticket = submit(people.ticket_type, people.requester)
    Notification.objects.all().delete()
    return ticket


def test_each_recipient_gets_one_row(people: People, ticket: Ticket) -> None:
    hank, hilda = people.handler, people.handler2

    with transaction.atomic():
        made = notify(recipients=[hank, hilda, hank], kind="urged", ticket=ticket, actor=None)

    assert made == 2
    rows = Notification.objects.order_by("recipient__username")
    assert [(n.recipient.username, n.kind, n.actor) for n in rows] == [
        ("hank", "urged", None),
        ("hilda", "urged", None),
    ]
    assert all(n.read_at is None and n.created_at for n in rows)


def test_the_actor_and_the_deactivated_are_left_out(people: People, ticket: Ticket) -> None:
    gone = UserFactory(username="gone")
    user_deactivate(user=gone)

    with transaction.atomic():
        made = notify(
            recipients=[people.requester, gone, None, people.handler],
            kind="commented",
            ticket=ticket,
            actor=people.requester,
        )

    assert made == 1
    assert [n.recipient.username for n in Notification.objects.all()] == ["hank"]


def test_nobody_to_tell_writes_nothing(people: People, ticket: Ticket) -> None:
    with transaction.atomic():
        made = notify(recipients=[], kind="urged", ticket=ticket, actor=people.requester)

    assert made == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_reminders_outside_a_transaction_are_refused(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    before = Notification.objects.count()

    with pytest.raises(RuntimeError, match="transaction of their action"):
        notify(recipients=[people.handler], kind="urged", ticket=ticket, actor=people.requester)

    assert Notification.objects.count() == before
