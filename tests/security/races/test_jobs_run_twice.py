"""Background jobs run twice at the same moment, by two worker processes
(``servicetickets worker --once``) released together: each delivers once.

Every queued job is put in the queue a second time first, as when a job is queued again while
its first run is still going, so each worker really takes a copy of the same job; the job's
own claim (not the queue) must let one of them through. The periodic jobs (auto-confirm, the
confirm and overdue reminders) both workers run in their round anyway."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.exports import services as export_services
from servicetickets.exports.models import ExportState
from servicetickets.notifications.models import Kind, Notification
from servicetickets.outbound.models import Delivery, DeliveryState
from servicetickets.tickets import services
from servicetickets.tickets.models import Resolution, State, Ticket
from tests.conftest import People
from tests.factories import submit
from tests.outbound.conftest import Receiver, SmtpServer, mail_to, schedule
from tests.security.races.conftest import workers_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def _queued_twice() -> int:
    """Put every queued job in the queue once more; return how many jobs there now are."""
    for row in list(DBTaskResult.objects.all()):
        row.pk = uuid.uuid4()
        row._state.adding = True
        row.save(force_insert=True)
    return DBTaskResult.objects.count()


def test_an_email_and_a_webhook_job_run_twice_at_once_deliver_once(
    settings: Settings, smtp: SmtpServer, receiver: Receiver, people: People, tmp_path: Path
) -> None:
    submitted = submit(people.ticket_type, people.requester)  # before the channels: no jobs
    mail_to(settings, smtp)
    people.desk.webhook_url = receiver.url()
    people.desk.webhook_secret = "s" * 32
    people.desk.save(update_fields=["webhook_url", "webhook_secret"])
    ticket = Ticket.objects.select_related("desk").get(pk=submitted.pk)
    schedule(kind=Kind.URGED, ticket=ticket, actor=people.requester, to=[people.handler])
    assert _queued_twice() == 4  # the e-mail job and the webhook job, each twice

    workers_at_once(
        tmp_path / "workers",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        WEBHOOK_ALLOW_PRIVATE="1",
    )

    assert len(smtp.to("hank@example.com")) == 1
    assert len(smtp.messages) == 1
    assert [r.path for r in receiver.received()] == ["/hook"]
    assert {(d.channel, d.state) for d in Delivery.objects.all()} == {
        ("email", DeliveryState.SENT),
        ("webhook", DeliveryState.SENT),
    }
    # Each copy of each job did run: one sent, the other found nothing left to send.
    runs = DBTaskResult.objects.successful()
    assert sorted(r.return_value for r in runs) == [0, 0, 1, 1]


def test_an_export_job_run_twice_at_once_writes_one_file(people: People, tmp_path: Path) -> None:
    for _ in range(3):
        submit(people.ticket_type, people.requester)
    export = export_services.export_start(user=people.admin, query={})
    assert _queued_twice() == 2
    data = tmp_path / "data"

    workers_at_once(tmp_path / "workers", SERVICETICKETS_DATA=str(data))

    # Both copies ran: one wrote the three tickets, the other found the export taken.
    assert sorted(r.return_value for r in DBTaskResult.objects.successful()) == [0, 3]
    export.refresh_from_db()
    assert (export.state, export.done, export.total) == (ExportState.DONE, 3, 3)
    assert sorted(p.name for p in (data / "exports").iterdir()) == [f"{export.pk}.xlsx"]


def _waiting_for_confirmation(people: People, *, days_ago: int) -> Ticket:
    ticket = submit(people.ticket_type, people.requester)
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    services.ticket_complete(user=people.handler, ticket_id=ticket.pk, note="Done")
    Ticket.objects.filter(pk=ticket.pk).update(
        processed_at=timezone.now() - timedelta(days=days_ago)
    )
    return ticket


def test_periodic_jobs_run_by_two_workers_at_once_act_once(people: People, tmp_path: Path) -> None:
    """Auto-confirm closes once, the confirm reminder and the overdue reminder go out once."""
    overdue = _waiting_for_confirmation(people, days_ago=8)
    soon = _waiting_for_confirmation(people, days_ago=6)
    late = submit(people.ticket_type, people.requester)
    Ticket.objects.filter(pk=late.pk).update(response_due_at=timezone.now() - timedelta(hours=1))

    logs = workers_at_once(tmp_path / "workers")

    overdue.refresh_from_db()
    assert (overdue.state, overdue.resolution) == (State.CLOSED, Resolution.RESOLVED)
    assert overdue.timeline.filter(action="auto_confirm").count() == 1
    assert sum("Auto-confirmed 1 ticket." in log for log in logs) == 1, logs
    reminded = Notification.objects.filter(kind__in=[Kind.CONFIRM_REMINDER, Kind.OVERDUE])
    assert sorted((n.kind, n.ticket_id, n.recipient.username) for n in reminded) == [
        (Kind.CONFIRM_REMINDER, soon.pk, "alice"),
        (Kind.OVERDUE, late.pk, "hank"),
        (Kind.OVERDUE, late.pk, "hilda"),
    ]
