"""The portal's home page: the desks as cards with what they offer, and the person's own open
tickets counted by state."""

from __future__ import annotations

import re

from django.test import Client

from servicetickets.desks.models import Desk
from servicetickets.tickets import services as ticket_services
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory, submit


def test_home_shows_each_desk_with_what_it_offers(people: People, client: Client) -> None:
    other = DeskFactory(code="FAC", name="Facilities")
    TicketTypeFactory(desk=other, name="Chair", handlers=[people.handler])
    TicketTypeFactory(desk=other, name="Draft one", handlers=[people.handler], publish=False)
    client.force_login(people.outsider)

    html = client.get("/").content.decode()

    assert f'href="/desks/{people.desk.pk}/"' in html
    assert f'href="/desks/{other.pk}/"' in html
    assert "IT Assistant" in html and "Facilities" in html
    assert "Repair" in html and "Chair" in html
    assert "Draft one" not in html


def test_my_tickets_summary_counts_only_my_open_tickets(people: People, client: Client) -> None:
    kind = people.ticket_type
    submit(kind, people.requester)
    submit(kind, people.requester)
    claimed = submit(kind, people.requester)
    ticket_services.ticket_claim(user=people.handler, ticket_id=claimed.pk)
    done = submit(kind, people.requester)
    ticket_services.ticket_claim(user=people.handler, ticket_id=done.pk)
    ticket_services.ticket_complete(user=people.handler, ticket_id=done.pk, note="Fixed")
    cancelled = submit(kind, people.requester)
    ticket_services.ticket_cancel(user=people.requester, ticket_id=cancelled.pk, reason="No")
    submit(kind, people.outsider)  # someone else's
    client.force_login(people.requester)

    html = client.get("/").content.decode()

    counts = dict(
        re.findall(r'href="/my/\?state=(\w+)"[^>]*>\s*<span class="value">(\d+)</span>', html)
    )
    assert counts == {"pending": "2", "processing": "1", "to_confirm": "1"}
    assert "1 ticket waits for you to confirm the result." in html


def test_home_without_open_tickets_says_what_to_do(people: People, client: Client) -> None:
    client.force_login(people.outsider)

    html = client.get("/").content.decode()

    assert "You have no open tickets. Pick a desk below to ask for something." in html


def test_home_without_desks_says_what_to_do(db: None, client: Client) -> None:
    Desk.objects.all().delete()
    client.force_login(UserFactory(username="lonely"))

    html = client.get("/").content.decode()

    assert "No desks yet" in html


def test_home_needs_signing_in(db: None, client: Client) -> None:
    r = client.get("/")

    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")
