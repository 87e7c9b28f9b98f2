"""Reminder events POSTed to the desk's webhook, received by a real HTTP server on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Kind
from servicetickets.outbound import netguard
from servicetickets.outbound.models import Channel, DeliveryState
from servicetickets.outbound.services import outward_schedule
from servicetickets.tickets import services as tickets
from servicetickets.tickets.models import Ticket
from tests.conftest import Api, People
from tests.outbound.conftest import Clock, Receiver, TlsReceiver, deliveries, run_worker

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-of-the-desk"


@pytest.fixture
def hooked(settings: Settings, people: People, receiver: Receiver) -> Desk:
    """The IT desk posts to the test's receiver (loopback, so private addresses allowed)."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.SITE_URL = "https://tickets.example.com"
    Desk.objects.filter(pk=people.desk.pk).update(
        webhook_url=receiver.url("/hooks/it?source=tickets"), webhook_secret=SECRET
    )
    people.desk.refresh_from_db()
    return people.desk


def _signed(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_an_event_is_posted_once_signed_with_the_desk_secret(
    hooked: Desk, receiver: Receiver, people: People, api: Callable[[User], Api]
) -> None:
    response = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"data": {"summary": "Printer jammed"}}
    )
    assert response.status_code == 201
    ticket_id = response.json()["id"]
    number = response.json()["number"]

    assert receiver.received() == []
    run_worker()

    [request] = receiver.received()
    [delivery] = deliveries(channel=Channel.WEBHOOK)
    assert request.path == "/hooks/it?source=tickets"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-ServiceTickets-Event"] == "new_ticket"
    assert request.headers["X-ServiceTickets-Delivery"] == str(delivery.pk)
    assert request.headers["X-ServiceTickets-Signature"] == _signed(request.body)
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    event = json.loads(request.body)
    assert event["id"] == delivery.pk
    assert event["event"] == "new_ticket"
    assert event["text"] == f"New ticket {number} from Alice."
    assert event["desk"] == {"code": "IT", "name": "IT Assistant"}
    assert event["ticket"] == {
        "id": ticket_id,
        "number": number,
        "title": "Printer jammed",
        "state": "pending",
        "type": people.ticket_type.name,
        "requester": "alice",
        "assignee": None,
        "url": f"https://tickets.example.com/tickets/{ticket_id}/",
    }
    assert event["actor"] == "alice"
    assert sorted(event["recipients"]) == ["hank", "hilda"]
    assert event["created_at"]
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)

    run_worker()
    assert len(receiver.received()) == 1


def _submit(people: People) -> Ticket:
    return tickets.ticket_submit(
        user=people.requester,
        ticket_type_id=people.ticket_type.pk,
        data={"summary": "Printer jammed"},
    )


def test_each_event_of_a_ticket_is_one_call(
    hooked: Desk, receiver: Receiver, people: People
) -> None:
    ticket = _submit(people)
    tickets.ticket_transfer(user=people.handler, ticket_id=ticket.pk, to="hilda")
    tickets.ticket_comment(user=people.requester, ticket_id=ticket.pk, text="Any news?")
    run_worker()

    events = [json.loads(r.body) for r in receiver.received()]
    assert [e["event"] for e in events] == ["new_ticket", "transferred", "commented"]
    assert len({e["id"] for e in events}) == 3
    transferred = events[1]
    assert transferred["ticket"]["assignee"] == "hilda"
    assert transferred["recipients"] == ["hilda"]
    assert transferred["actor"] == "hank"


def test_a_receiver_error_is_retried_with_back_off_then_delivered(
    hooked: Desk, receiver: Receiver, people: People, clock: Clock
) -> None:
    receiver.answers = [500, 503]
    _submit(people)

    run_worker()
    [delivery] = deliveries(channel=Channel.WEBHOOK)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert delivery.last_error.startswith("HTTP 500")
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=30)

    clock.advance(30)
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 2)
    assert delivery.last_error.startswith("HTTP 503")

    clock.advance(60)
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        DeliveryState.SENT,
        3,
        "",
    )
    received = receiver.received()
    assert len(received) == 3
    # Every attempt sends the same bytes, so a receiver can de-duplicate by the delivery id.
    assert len({r.body for r in received}) == 1
    assert {r.headers["X-ServiceTickets-Delivery"] for r in received} == {str(delivery.pk)}


def test_a_receiver_that_is_down_is_retried(
    settings: Settings, people: People, clock: Clock
) -> None:
    from tests.outbound.conftest import free_port

    settings.WEBHOOK_ALLOW_PRIVATE = True
    Desk.objects.filter(pk=people.desk.pk).update(
        webhook_url=f"http://127.0.0.1:{free_port()}/", webhook_secret=SECRET
    )
    _submit(people)

    run_worker()

    [delivery] = deliveries(channel=Channel.WEBHOOK)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert "refused" in delivery.last_error.lower()


def test_no_webhook_no_delivery(people: People, settings: Settings) -> None:
    settings.MAILERS = {}

    _submit(people)

    assert deliveries() == []
    assert DBTaskResult.objects.count() == 0


def test_an_address_that_turned_private_since_it_was_saved_is_refused_at_send_time(
    settings: Settings, people: People, api: Callable[[User], Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name was public when saved, and points at loopback when called."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    answers = {"hooks.example.org": ["93.184.215.14"]}
    monkeypatch.setattr(netguard, "resolve", lambda host, port: answers[host])
    saved = api(people.admin).put(
        f"/desks/{people.desk.pk}/webhook", {"url": "http://hooks.example.org/in"}
    )
    assert saved.status_code == 200, saved.content
    _submit(people)

    answers["hooks.example.org"] = ["93.184.215.14", "127.0.0.1"]
    connected: list[object] = []
    monkeypatch.setattr(
        "servicetickets.outbound.webhooks.post", lambda *a, **k: connected.append(a)
    )
    run_worker()

    [delivery] = deliveries(channel=Channel.WEBHOOK)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert "public addresses" in delivery.last_error
    assert connected == []
    assert DBTaskResult.objects.ready().count() == 0  # no retry


def test_the_call_goes_to_the_checked_address_with_the_name_as_host(
    hooked: Desk, receiver: Receiver, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once, checked, and that address is the one connected to."""
    Desk.objects.filter(pk=hooked.pk).update(
        webhook_url=f"http://hooks.example.org:{receiver.port}/in"
    )
    looked_up: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(netguard, "resolve", resolve)
    ticket = _submit(people)
    run_worker()

    [request] = receiver.received()
    assert request.headers["Host"] == f"hooks.example.org:{receiver.port}"
    assert looked_up == ["hooks.example.org"]
    assert json.loads(request.body)["ticket"]["id"] == ticket.pk


def test_a_removed_webhook_is_not_called_for_events_still_waiting(
    hooked: Desk, receiver: Receiver, people: People
) -> None:
    _submit(people)
    Desk.objects.filter(pk=hooked.pk).update(webhook_url="", webhook_secret="")

    run_worker()

    assert receiver.received() == []
    [delivery] = deliveries(channel=Channel.WEBHOOK)
    assert delivery.state == DeliveryState.FAILED


def test_a_webhook_is_written_in_the_action_transaction(hooked: Desk, people: People) -> None:
    ticket = _submit(people)
    DBTaskResult.objects.all().delete()

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        outward_schedule(
            kind=Kind.URGED, ticket=ticket, actor=people.requester, recipients=[], email_to=[]
        )
        raise Abandoned

    assert deliveries(kind=Kind.URGED) == []
    assert DBTaskResult.objects.count() == 0


def test_https_checks_the_certificate_for_the_name_not_the_address(
    settings: Settings,
    people: People,
    tls_receiver: TlsReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Connected to the checked address, TLS still speaks to (SNI) and verifies the name."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    port = tls_receiver.receiver.port
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["127.0.0.1"])
    Desk.objects.filter(pk=people.desk.pk).update(
        webhook_url=f"https://{tls_receiver.name}:{port}/in", webhook_secret=SECRET
    )
    _submit(people)
    run_worker()

    [request] = tls_receiver.receiver.received()
    assert request.headers["Host"] == f"{tls_receiver.name}:{port}"
    assert request.headers["X-ServiceTickets-Signature"] == _signed(request.body)

    # Another name at the same address: its certificate does not match, nothing is sent.
    Desk.objects.filter(pk=people.desk.pk).update(
        webhook_url=f"https://other.example.org:{port}/in"
    )
    _submit(people)
    run_worker()

    assert len(tls_receiver.receiver.received()) == 1
    latest = deliveries(channel=Channel.WEBHOOK)[-1]
    assert latest.state == DeliveryState.PENDING  # retried later, like any failed call
    assert "certificate" in latest.last_error.lower()
