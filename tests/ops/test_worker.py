"""``servicetickets worker``: background jobs in rounds."""

from __future__ import annotations

import logging
import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from servicetickets.cli import main
from servicetickets.notifications.models import Notification
from servicetickets.ops import worker
from servicetickets.tickets import services
from servicetickets.tickets.models import Resolution, State, Ticket
from tests.conftest import People
from tests.factories import submit

pytestmark = pytest.mark.django_db


def _waiting_for_confirmation(people: People, *, days_ago: int) -> Ticket:
    ticket = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done")
    Ticket.objects.filter(pk=ticket.pk).update(
        processed_at=timezone.now() - timedelta(days=days_ago)
    )
    return ticket


def test_worker_once_auto_confirms_an_overdue_ticket(
    people: People, caplog: pytest.LogCaptureFixture
) -> None:
    overdue = _waiting_for_confirmation(people, days_ago=8)
    caplog.set_level(logging.INFO, logger="servicetickets.worker")

    assert main(["worker", "--once"]) == 0

    overdue.refresh_from_db()
    assert (overdue.state, overdue.resolution) == (State.CLOSED, Resolution.RESOLVED)
    assert overdue.closed_at is not None
    last = overdue.timeline.order_by("at", "id").last()
    assert last is not None
    assert (last.action, last.actor, last.from_state) == ("auto_confirm", None, State.TO_CONFIRM)
    assert "Auto-confirmed 1 ticket." in caplog.text


def test_worker_once_leaves_a_ticket_still_within_the_timeout(people: People) -> None:
    recent = _waiting_for_confirmation(people, days_ago=2)

    assert main(["worker", "--once"]) == 0

    recent.refresh_from_db()
    assert recent.state == State.TO_CONFIRM


def test_worker_once_reminds_the_requester_a_day_before_auto_confirm(
    people: People, caplog: pytest.LogCaptureFixture
) -> None:
    soon = _waiting_for_confirmation(people, days_ago=6)
    overdue = _waiting_for_confirmation(people, days_ago=8)
    caplog.set_level(logging.INFO, logger="servicetickets.worker")

    assert main(["worker", "--once"]) == 0

    reminded = Notification.objects.filter(kind="confirm_reminder")
    assert [(n.recipient, n.ticket_id) for n in reminded] == [(people.requester, soon.pk)]
    overdue.refresh_from_db()
    assert overdue.state == State.CLOSED  # closed in the same round, so not reminded
    assert "Reminded 1 requester to confirm." in caplog.text


def test_a_failing_job_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> int:
        raise RuntimeError("mail server down")

    jobs = (
        worker.Job("broken", broken, lambda n: "never"),
        worker.Job("fine", lambda: 3, lambda n: f"did {n}"),
    )

    results = worker.run_round(jobs)

    assert results == {"fine": 3}
    assert "Job broken failed." in caplog.text


def test_worker_stops_after_the_round_on_sigterm(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = signal.getsignal(signal.SIGTERM)

    def terminated() -> int:
        signal.raise_signal(signal.SIGTERM)
        return 0

    monkeypatch.setattr(worker, "JOBS", (worker.Job("term", terminated, lambda n: ""),))

    rounds = worker.run(interval=3600)

    assert rounds == 1
    assert signal.getsignal(signal.SIGTERM) == previous
