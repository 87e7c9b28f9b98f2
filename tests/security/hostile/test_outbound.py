"""E-mails and webhook events about a hostile ticket: the e-mail is plain text that carries the
strings exactly, with a subject that stays one header line; the webhook's JSON carries them as
the exact strings (a receiver that renders them must escape them itself)."""

from __future__ import annotations

import json
from typing import Any

from django.core import mail
from pytest_django.fixtures import Settings

from servicetickets.desks.models import Desk
from servicetickets.tickets.models import Ticket
from tests.conftest import Api
from tests.outbound.conftest import Receiver, run_worker
from tests.security.hostile.world import World

SITE_URL = "https://tickets.example.com"


def _channels_on(settings: Settings, world: World, receiver: Receiver) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.DEFAULT_FROM_EMAIL = "Service Tickets <desk@example.com>"
    settings.SITE_URL = SITE_URL
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on loopback
    Desk.objects.filter(pk=world.desk.pk).update(webhook_url=receiver.url(), webhook_secret="s")


def _submit_through_the_api(world: World) -> Ticket:
    """A new ticket by the hostile requester, with the hostile title and values (no files)."""
    data = {k: v for k, v in world.pending.data.items() if k not in ("t_image", "t_file")}
    response = Api(world.requester).post(
        f"/types/{world.kind.pk}/tickets", {"title": world.payload.fit(200), "data": data}
    )
    assert response.status_code == 201, response.content
    return Ticket.objects.get(pk=response.json()["id"])


def _comment(world: World, ticket: Ticket) -> None:
    hank = Api(world.handler)
    assert hank.post(f"/tickets/{ticket.pk}/claim").status_code == 200
    response = hank.post(f"/tickets/{ticket.pk}/comment", {"text": world.payload.text})
    assert response.status_code == 200, response.content


def test_emails_carry_the_strings_as_plain_text(
    settings: Settings, world: World, receiver: Receiver
) -> None:
    _channels_on(settings, world, receiver)
    ticket = _submit_through_the_api(world)
    _comment(world, ticket)
    mail.outbox.clear()

    run_worker()

    addresses = {m.to[0] for m in mail.outbox}
    assert addresses == {"hank@example.com", "hilda@example.com", "x+1@example.com"}
    for message in mail.outbox:
        assert not getattr(message, "alternatives", [])  # no HTML part to inject into
        assert message.content_subtype == "plain"
        assert "\n" not in message.subject and "\r" not in message.subject
        assert f"{ticket.number}: {ticket.title}" in message.body
        assert f"Desk: {world.desk.name}" in message.body
        assert f"{SITE_URL}/tickets/{ticket.pk}/" in message.body
        # The headers are only ours: a name cannot add a recipient or a header.
        raw = message.message()
        assert raw["Subject"] is not None
        assert set(raw.keys()) >= {"Subject", "From", "To"}
        assert not [k for k in raw if k.lower() in ("bcc", "cc", "reply-to")]
    [new_ticket] = [m for m in mail.outbox if m.to == ["hank@example.com"]]
    who = " ".join(world.requester.display_name.split())  # one header line
    assert new_ticket.subject == f"[{ticket.number}] New ticket {ticket.number} from {who}."


def _events(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in receiver.received()]


def test_webhook_events_carry_the_exact_strings(
    settings: Settings, world: World, receiver: Receiver
) -> None:
    _channels_on(settings, world, receiver)
    ticket = _submit_through_the_api(world)
    _comment(world, ticket)

    run_worker()

    events = _events(receiver)
    assert [e["event"] for e in events] == ["new_ticket", "commented"]
    for event in events:
        assert event["ticket"]["title"] == ticket.title == world.payload.fit(200).strip()
        assert event["ticket"]["type"] == world.kind.name
        assert event["desk"] == {"code": "HX", "name": world.desk.name}
    new_ticket, commented = events
    assert new_ticket["text"] == f"New ticket {ticket.number} from {world.requester.display_name}."
    assert commented["text"] == f"{world.handler.display_name} commented on {ticket.number}."
    assert new_ticket["ticket"]["requester"] == "@x+1"
