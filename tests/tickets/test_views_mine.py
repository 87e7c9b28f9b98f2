"""The requester's own tickets: only theirs, newest first, filtered by state chips."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from servicetickets.tickets import services as ticket_services
from servicetickets.tickets.models import Ticket
from tests.conftest import People
from tests.factories import submit


def _numbers(html: str) -> list[str]:
    return re.findall(r'<span class="number">([^<]+)</span>', html)


def _setup(people: People) -> dict[str, Ticket]:
    kind = people.ticket_type
    tickets = {
        "pending": submit(kind, people.requester, {"summary": "Pending one"}),
        "processing": submit(kind, people.requester, {"summary": "Processing one"}),
        "to_confirm": submit(kind, people.requester, {"summary": "Waiting one"}),
        "closed": submit(kind, people.requester, {"summary": "Closed one"}),
        "theirs": submit(kind, people.outsider, {"summary": "Olga's"}),
    }
    ticket_services.ticket_claim(user=people.handler, ticket_id=tickets["processing"].pk)
    ticket_services.ticket_claim(user=people.handler, ticket_id=tickets["to_confirm"].pk)
    ticket_services.ticket_complete(
        user=people.handler, ticket_id=tickets["to_confirm"].pk, note="Done"
    )
    ticket_services.ticket_cancel(
        user=people.requester, ticket_id=tickets["closed"].pk, reason="Not needed"
    )
    return tickets


def test_lists_only_my_tickets_newest_first(people: People, client: Client) -> None:
    tickets = _setup(people)
    client.force_login(people.requester)

    r = client.get("/my/")

    html = r.content.decode()
    assert r.status_code == 200
    assert _numbers(html) == [
        tickets[k].number for k in ("closed", "to_confirm", "processing", "pending")
    ]
    assert "Olga&#x27;s" not in html
    assert "Cancelled" in html


def test_handler_sees_only_what_they_requested_not_what_they_handle(
    people: People, client: Client
) -> None:
    _setup(people)
    client.force_login(people.handler)

    html = client.get("/my/").content.decode()

    assert _numbers(html) == []
    assert "You have not submitted any tickets yet" in html


def test_state_chip_filters_the_list(people: People, client: Client) -> None:
    tickets = _setup(people)
    client.force_login(people.requester)

    for state in ("pending", "processing", "to_confirm", "closed"):
        html = client.get("/my/", {"state": state}).content.decode()
        assert _numbers(html) == [tickets[state].number], state
        assert f'href="/my/?state={state}" aria-current="page"' in html


def test_to_confirm_ticket_is_marked_as_needing_action(people: People, client: Client) -> None:
    tickets = _setup(people)
    client.force_login(people.requester)

    html = client.get("/my/").content.decode()

    row = re.search(r'<a class="list-item ticket-row needs-action"[^>]*>(.*?)</a>', html, re.S)
    assert row is not None
    assert tickets["to_confirm"].number in row.group(1)
    assert "please confirm" in row.group(1)
    assert html.count("needs-action") == 1


def test_overdue_ticket_shows_the_overdue_chip(people: People, client: Client) -> None:
    ticket = submit(people.ticket_type, people.requester)
    Ticket.objects.filter(pk=ticket.pk).update(response_due_at=timezone.now() - timedelta(hours=1))
    client.force_login(people.requester)

    html = client.get("/my/").content.decode()

    assert 'class="chip chip-overdue"' in html


def test_list_is_paginated(people: People, client: Client) -> None:
    for i in range(23):
        submit(people.ticket_type, people.requester, {"summary": f"Ticket {i}"})
    client.force_login(people.requester)

    first = client.get("/my/").content.decode()
    second = client.get("/my/", {"page": "2"}).content.decode()

    assert len(_numbers(first)) == 20
    assert len(_numbers(second)) == 3
    assert set(_numbers(first)).isdisjoint(_numbers(second))
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first


def test_htmx_refresh_returns_only_the_list(people: People, client: Client) -> None:
    tickets = _setup(people)
    client.force_login(people.requester)

    r = client.get("/my/", {"state": "pending"}, HTTP_HX_REQUEST="true")

    html = r.content.decode()
    assert r.status_code == 200
    assert html.lstrip().startswith('<div id="mine-list"')
    assert 'hx-trigger="reminder from:body"' in html
    assert _numbers(html) == [tickets["pending"].number]
    assert "<html" not in html


def test_empty_state_links_home(people: People, client: Client) -> None:
    client.force_login(people.requester)

    html = client.get("/my/").content.decode()

    assert "You have not submitted any tickets yet" in html
    assert 'class="btn btn-primary" href="/">' in html


def test_anonymous_is_sent_to_sign_in(db: None, client: Client) -> None:
    r = client.get("/my/")

    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")
