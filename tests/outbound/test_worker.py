"""Queued jobs are run by ``servicetickets worker`` (and by ``serve``'s thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from django.db import connections, transaction
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.cli import main
from servicetickets.notifications.models import Kind
from servicetickets.ops import serve as serving
from servicetickets.ops import worker
from servicetickets.outbound.models import Delivery, DeliveryState
from servicetickets.outbound.sending import MAX_ATTEMPTS
from servicetickets.outbound.services import (
    deliveries_recover,
    outbound_tidy,
    outward_schedule,
)
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.outbound.conftest import Clock, SmtpServer, deliveries, mail_to, schedule


@pytest.mark.django_db
def test_worker_once_sends_queued_email(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    schedule(kind=Kind.COMMENTED, ticket=ticket, actor=people.requester, to=[people.handler])

    assert main(["worker", "--once"]) == 0

    [message] = smtp.to("hank@example.com")
    assert message["Subject"] == f"[{ticket.number}] Alice commented on {ticket.number}."
    assert DBTaskResult.objects.successful().count() == 1


@pytest.mark.django_db
def test_a_job_that_raises_is_marked_failed_and_the_worker_goes_on(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    smtp: SmtpServer,
    people: People,
    ticket: Ticket,
) -> None:
    mail_to(settings, smtp)
    with transaction.atomic():
        for _ in range(2):
            outward_schedule(
                kind=Kind.URGED,
                ticket=ticket,
                actor=people.requester,
                recipients=[people.handler],
                email_to=[people.handler],
            )
    calls: list[list[int]] = []

    def broken_then_fine(*, delivery_ids: list[int]) -> int:
        calls.append(delivery_ids)
        if len(calls) == 1:
            raise RuntimeError("bug")
        return 0

    monkeypatch.setattr("servicetickets.outbound.sending.deliveries_send", broken_then_fine)

    assert worker.run_tasks() == 2

    assert len(calls) == 2
    assert DBTaskResult.objects.failed().count() == 1
    assert DBTaskResult.objects.successful().count() == 1


@pytest.mark.django_db
def test_a_send_interrupted_by_a_dead_worker_is_taken_up_again(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket, clock: Clock
) -> None:
    mail_to(settings, smtp)
    schedule(kind=Kind.URGED, ticket=ticket, actor=people.requester, to=[people.handler])
    # A worker claimed the delivery and died before sending it.
    from servicetickets.outbound.sending import deliveries_claim

    [delivery] = deliveries()
    deliveries_claim(delivery_ids=[delivery.pk])
    DBTaskResult.objects.all().delete()

    assert deliveries_recover() == 0  # a fresh claim is someone's send in progress
    clock.advance(5 * 60 + 1)
    assert main(["worker", "--once"]) == 0  # its round queues it again, then sends it

    assert len(smtp.to("hank@example.com")) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)


# --- the continuous loop, with its own connection ---------------------------------------------


@pytest.fixture
def running_worker() -> Iterator[threading.Event]:
    thread, stop = worker.start_in_thread(interval=3600)
    yield stop
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_the_running_worker_sends_what_an_action_queues(
    settings: Settings, smtp: SmtpServer, people: People, running_worker: threading.Event
) -> None:
    mail_to(settings, smtp)
    from tests.factories import submit

    submit(people.ticket_type, people.requester)

    # No timing assertion: wait (up to a generous bound) for the worker to get to it.
    arrived = threading.Event()
    for _ in range(300):
        if len(smtp.messages) == 2:
            arrived.set()
            break
        arrived.wait(0.1)
    assert arrived.is_set(), smtp.messages
    assert sorted(r[0] for r, _m in smtp.messages) == ["hank@example.com", "hilda@example.com"]


# --- serve runs the worker unless told not to ---------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record what serve starts instead of serving or running jobs."""
    events: list[dict[str, Any]] = []

    def fake_run(app: str, **kwargs: Any) -> None:
        events.append({"served": app})

    def fake_start(**kwargs: Any) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        events.append({"worker": stop})
        return thread, stop

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(worker, "start_in_thread", fake_start)
    close_all: Callable[[], None] = lambda: None  # noqa: E731
    monkeypatch.setattr(connections, "close_all", close_all)
    return events


@pytest.mark.django_db
def test_serve_runs_the_worker_beside_the_server_and_stops_it_after(
    started: list[dict[str, Any]],
) -> None:
    assert main(["serve"]) == 0

    [worker_started, served] = started
    assert served == {"served": serving.APPLICATION}
    assert worker_started["worker"].is_set()  # stopped once the server returned


@pytest.mark.django_db
def test_serve_no_worker_leaves_jobs_to_a_separate_worker(
    started: list[dict[str, Any]],
) -> None:
    assert main(["serve", "--no-worker", "--workers", "2"]) == 0

    assert started == [{"served": serving.APPLICATION}]


@pytest.mark.django_db
def test_a_send_interrupted_on_every_attempt_fails_instead_of_looping(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket, clock: Clock
) -> None:
    mail_to(settings, smtp)
    schedule(kind=Kind.URGED, ticket=ticket, actor=people.requester, to=[people.handler])
    [delivery] = deliveries()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING, claimed_at=clock.now, attempts=MAX_ATTEMPTS, claim="x"
    )
    DBTaskResult.objects.all().delete()
    clock.advance(6 * 60)

    assert deliveries_recover() == 0

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_tidy_forgets_old_finished_jobs_and_deliveries_only(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket, clock: Clock
) -> None:
    mail_to(settings, smtp)
    for days_after in (25, 6):
        schedule(kind=Kind.URGED, ticket=ticket, actor=people.requester, to=[people.handler])
        worker.run_tasks()
        clock.advance(days_after * 24 * 3600)
    # The first event is 31 days old, the second 6 days: only the first one's rows go.

    assert outbound_tidy() == 2

    assert len(deliveries()) == 1
    assert DBTaskResult.objects.count() == 1
