"""Reminders by e-mail, through a real SMTP server on loopback started by the test."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Kind
from servicetickets.notifications.services import Choice, preferences_set
from servicetickets.outbound.models import Channel, Delivery, DeliveryState
from servicetickets.outbound.sending import MAX_ATTEMPTS
from servicetickets.outbound.services import outward_schedule
from servicetickets.outbound.tasks import deliver
from servicetickets.tickets.models import Ticket
from tests.conftest import Api, People
from tests.factories import submit
from tests.outbound.conftest import (
    Clock,
    SmtpServer,
    deliveries,
    mail_to,
    run_worker,
)

pytestmark = pytest.mark.django_db


def _schedule(ticket: Ticket, people: People, email_to: list[User]) -> None:
    with transaction.atomic():
        outward_schedule(
            kind=Kind.NEW_TICKET,
            ticket=ticket,
            actor=people.requester,
            recipients=[people.handler, people.handler2],
            email_to=email_to,
        )


def test_each_recipient_gets_one_email_after_the_worker_runs(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)

    _schedule(ticket, people, [people.handler, people.handler2])

    assert smtp.messages == []  # nothing is sent inside the action
    assert run_worker() == 1  # one job for the event's e-mails
    [to_hank] = smtp.to("hank@example.com")
    [to_hilda] = smtp.to("hilda@example.com")
    assert len(smtp.messages) == 2
    assert to_hank["Subject"] == f"[{ticket.number}] New ticket {ticket.number} from Alice."
    assert to_hank["From"] == "Service Tickets <desk@example.com>"
    assert to_hank["To"] == "hank@example.com"
    assert to_hank["Auto-Submitted"] == "auto-generated"
    body = to_hank.get_content()
    assert f"New ticket {ticket.number} from Alice." in body
    assert f"Ticket {ticket.number}: Printer jammed" in body
    assert "State: Pending" in body
    assert f"https://tickets.example.com/tickets/{ticket.pk}/" in body
    assert to_hilda["Subject"] == to_hank["Subject"]
    sent = deliveries(channel=Channel.EMAIL)
    assert [(d.state, d.attempts, d.address) for d in sent] == [
        (DeliveryState.SENT, 1, "hank@example.com"),
        (DeliveryState.SENT, 1, "hilda@example.com"),
    ]
    assert all(d.sent_at is not None for d in sent)

    assert run_worker() == 0
    assert len(smtp.messages) == 2


def test_a_ticket_submitted_through_the_api_emails_its_handlers(
    settings: Settings, smtp: SmtpServer, people: People, api: Callable[[User], Api]
) -> None:
    mail_to(settings, smtp)

    response = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "Screen is black"}}
    )
    assert response.status_code == 201, response.content
    run_worker()

    number = response.json()["number"]
    for address in ("hank@example.com", "hilda@example.com"):
        [message] = smtp.to(address)
        assert message["Subject"] == f"[{number}] New ticket {number} from Alice."
    assert smtp.to("alice@example.com") == []  # the actor is not reminded of her own action


def test_a_recipient_who_turned_email_off_for_the_kind_gets_none(
    settings: Settings, smtp: SmtpServer, people: People
) -> None:
    preferences_set(user=people.handler2, choices=[Choice(kind=Kind.NEW_TICKET, email=False)])
    mail_to(settings, smtp)

    submit(people.ticket_type, people.requester)
    run_worker()

    assert [rcpt for rcpt, _message in smtp.messages] == [["hank@example.com"]]


def test_nothing_is_queued_when_mail_is_not_configured(settings: Settings, people: People) -> None:
    settings.MAILERS = {}

    submit(people.ticket_type, people.requester)

    assert Delivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_a_user_without_an_address_gets_no_email(
    settings: Settings, smtp: SmtpServer, people: People
) -> None:
    User.objects.filter(pk=people.handler2.pk).update(email="")
    mail_to(settings, smtp)

    submit(people.ticket_type, people.requester)

    assert [d.address for d in deliveries()] == ["hank@example.com"]
    run_worker()
    assert [rcpt for rcpt, _message in smtp.messages] == [["hank@example.com"]]


def test_a_rolled_back_action_leaves_no_delivery_and_no_job(
    settings: Settings, smtp: SmtpServer, people: People
) -> None:
    mail_to(settings, smtp)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        submit(people.ticket_type, people.requester)
        assert Delivery.objects.count() == 2  # written inside the action's transaction
        raise Abandoned

    assert Delivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert run_worker() == 0
    assert smtp.messages == []


def test_a_job_run_twice_sends_once(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    _schedule(ticket, people, [people.handler])
    [delivery] = deliveries()

    assert deliver.call([delivery.pk]) == 1
    assert deliver.call([delivery.pk]) == 0
    # The same job queued a second time (a duplicate, or a recovery) changes nothing either.
    deliver.enqueue([delivery.pk])
    run_worker()

    assert len(smtp.to("hank@example.com")) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)


def test_mail_server_down_the_action_succeeds_and_the_email_follows_with_back_off(
    settings: Settings,
    smtp_down: SmtpServer,
    people: People,
    api: Callable[[User], Api],
    clock: Clock,
) -> None:
    mail_to(settings, smtp_down)

    response = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "No network"}}
    )
    assert response.status_code == 201
    run_worker()

    waiting = deliveries()
    assert [(d.state, d.attempts) for d in waiting] == [(DeliveryState.PENDING, 1)] * 2
    assert all(d.next_attempt_at == clock.now + timedelta(seconds=30) for d in waiting)
    assert all("Connection" in d.last_error or "refused" in d.last_error for d in waiting)
    retries = DBTaskResult.objects.ready()
    assert retries.count() == 0  # not due before the back-off has passed

    clock.advance(30)
    run_worker()  # still down: the next wait doubles
    assert {(d.attempts, d.next_attempt_at) for d in deliveries()} == {
        (2, clock.now + timedelta(seconds=60))
    }

    smtp_down.start()
    clock.advance(59)
    run_worker()
    assert smtp_down.messages == []  # a second early: nothing yet
    clock.advance(1)
    run_worker()

    assert len(smtp_down.to("hank@example.com")) == 1
    assert len(smtp_down.to("hilda@example.com")) == 1
    assert {(d.state, d.attempts) for d in deliveries()} == {(DeliveryState.SENT, 3)}


def test_after_the_last_attempt_the_delivery_fails_and_is_logged(
    settings: Settings,
    smtp_down: SmtpServer,
    people: People,
    ticket: Ticket,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mail_to(settings, smtp_down)
    _schedule(ticket, people, [people.handler])
    caplog.set_level(logging.WARNING, logger="servicetickets.outbound")

    for _attempt in range(MAX_ATTEMPTS):
        run_worker()
        clock.advance(3600)

    [delivery] = deliveries()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert DBTaskResult.objects.ready().count() == 0  # no further retry queued
    assert f"Gave up delivering email {delivery.pk} after {MAX_ATTEMPTS} attempts" in caplog.text
    smtp_down.start()
    run_worker()
    assert smtp_down.messages == []


def test_a_recipient_refused_for_good_is_not_retried(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    User.objects.filter(pk=people.handler.pk).update(email="nobody@refused.example")
    people.handler.refresh_from_db()

    _schedule(ticket, people, [people.handler, people.handler2])
    run_worker()

    by_address = {d.address: d for d in deliveries()}
    refused = by_address["nobody@refused.example"]
    assert (refused.state, refused.attempts) == (DeliveryState.FAILED, 1)
    assert "550" in refused.last_error
    assert by_address["hilda@example.com"].state == DeliveryState.SENT
    assert DBTaskResult.objects.ready().count() == 0


def test_line_breaks_in_names_and_titles_cannot_add_headers(
    settings: Settings, smtp: SmtpServer, people: People, ticket: Ticket
) -> None:
    mail_to(settings, smtp)
    people.requester.name = "Alice\r\nBcc: olga@example.com"
    Ticket.objects.filter(pk=ticket.pk).update(title="Jam\r\nX-Injected: yes")
    ticket.refresh_from_db()

    _schedule(ticket, people, [people.handler])
    run_worker()

    [(rcpt, message)] = smtp.messages
    assert rcpt == ["hank@example.com"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"].startswith(f"[{ticket.number}] New ticket {ticket.number} from")
    assert message["Bcc"] is None and message["X-Injected"] is None
