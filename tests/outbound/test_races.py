"""Two workers at once, each in its own thread and database connection: every delivery is sent
once (SQLite serialises the claims; PostgreSQL re-checks the claim's condition under its row
lock, and SKIP LOCKED hands each job to one worker)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.notifications.models import Kind
from servicetickets.ops import worker
from servicetickets.outbound.models import DeliveryState
from servicetickets.outbound.services import outward_schedule
from servicetickets.outbound.tasks import deliver
from servicetickets.tickets.models import Ticket
from tests.concurrency import run_together
from tests.conftest import People
from tests.factories import UserFactory
from tests.outbound.conftest import SmtpServer, deliveries, mail_to, schedule

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_job_run_by_two_workers_at_once_sends_once(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    schedule(
        kind=Kind.URGED, ticket=ticket, actor=people.requester, to=[people.handler, people.handler2]
    )
    ids = [d.pk for d in deliveries()]

    results = run_together([lambda: deliver.call(ids) for _ in range(4)])

    assert sorted(results) == [0, 0, 0, 2], results
    assert len(smtp.to("hank@example.com")) == 1
    assert len(smtp.to("hilda@example.com")) == 1
    assert {d.state for d in deliveries()} == {DeliveryState.SENT}


def test_two_workers_share_a_queue_without_running_a_job_twice(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    handlers = [UserFactory(username=f"handler{i}") for i in range(12)]
    with transaction.atomic():
        for handler in handlers:
            outward_schedule(
                kind=Kind.TRANSFERRED,
                ticket=ticket,
                actor=people.handler,
                recipients=[handler],
                email_to=[handler],
            )

    ran = run_together([worker.run_tasks, worker.run_tasks])

    assert sum(ran) == 12, ran
    assert DBTaskResult.objects.successful().count() == 12
    assert sorted(r[0] for r, _m in smtp.messages) == sorted(
        f"{h.username}@example.com" for h in handlers
    )
