"""Two workers at once, each in its own thread and database connection: every delivery is sent
once (SQLite serialises the claims; PostgreSQL re-checks the claim's condition under its row
lock, and SKIP LOCKED hands each job to one worker)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.notifications.models import Kind
from servicetickets.ops import worker
from servicetickets.outbound.models import DeliveryState
from servicetickets.outbound.services import outward_schedule
from servicetickets.outbound.tasks import deliver
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import UserFactory
from tests.outbound.conftest import SmtpServer, deliveries, mail_to

pytestmark = pytest.mark.django_db(transaction=True)


def _together(jobs: list[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_job_run_by_two_workers_at_once_sends_once(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    with transaction.atomic():
        outward_schedule(
            kind=Kind.URGED,
            ticket=ticket,
            actor=people.requester,
            recipients=[people.handler, people.handler2],
            email_to=[people.handler, people.handler2],
        )
    ids = [d.pk for d in deliveries()]

    results = _together([lambda: deliver.call(ids) for _ in range(4)])

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

    ran = _together([worker.run_tasks, worker.run_tasks])

    assert sum(ran) == 12, ran
    assert DBTaskResult.objects.successful().count() == 12
    assert sorted(r[0] for r, _m in smtp.messages) == sorted(
        f"{h.username}@example.com" for h in handlers
    )
