"""The workbench: each tab holds the right tickets, New rows can be claimed in place, and who
handles no type is told what the page is for."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from servicetickets.accounts.models import User
from servicetickets.tickets import services
from servicetickets.tickets.models import State, Ticket
from tests.conftest import People
from tests.factories import TicketTypeFactory, submit
from tests.tickets.lifecycle import ticket_in

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def as_(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tab(user: User, name: str) -> str:
    response = as_(user).get(reverse("workbench"), {"tab": name})
    assert response.status_code == 200
    return response.content.decode()


def numbers(html: str) -> set[str]:
    return set(re.findall(r'data-number="([^"]+)"', html))


def counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-tab="(\w+)">\s*\w+\s*<span class="count">(\d+)</span>', html)
    return {name: int(n) for name, n in found}


def test_tabs_hold_the_right_tickets(people: People) -> None:
    new = ticket_in(people, "pending")
    mine = ticket_in(people, "processing")  # hank claimed
    waiting = ticket_in(people, "to_confirm")  # hank completed
    resolved = ticket_in(people, "closed_resolved")  # hank processed, alice confirmed
    rejected = ticket_in(people, "closed_rejected")  # hank rejected
    cancelled = ticket_in(people, "closed_cancelled")  # alice cancelled while pending
    hilda_has = ticket_in(people, "processing")
    services.ticket_transfer(user=people.handler, ticket_id=hilda_has.pk, to="hilda")
    # A pending ticket of a type hank does not handle.
    other = TicketTypeFactory(desk=people.desk, name="Other", handlers=[people.outsider])
    foreign = submit(other, people.requester)

    hank = people.handler
    assert numbers(tab(hank, "new")) == {new.number}
    assert numbers(tab(hank, "mine")) == {mine.number}
    assert numbers(tab(hank, "waiting")) == {waiting.number}
    assert numbers(tab(hank, "done")) == {resolved.number, rejected.number}
    html = tab(hank, "new")
    assert counts(html) == {"new": 1, "mine": 1, "waiting": 1, "done": 2}
    assert cancelled.number not in html and foreign.number not in html

    assert numbers(tab(people.handler2, "mine")) == {hilda_has.number}
    assert numbers(tab(people.handler2, "new")) == {new.number}


def test_rows_show_type_requester_age_and_overdue(people: People) -> None:
    from datetime import timedelta

    from django.utils import timezone

    ticket = submit(people.ticket_type, people.requester)
    Ticket.objects.filter(pk=ticket.pk).update(
        processing_due_at=timezone.now() - timedelta(minutes=5)
    )
    html = tab(people.handler, "new")
    row = html.split(f'data-number="{ticket.number}"')[1].split("</li>")[0]
    assert "Repair" in row and "Alice" in row and "just now" in row
    assert "chip-overdue" in row


def test_ages_read_as_people_say_them(people: People) -> None:
    from datetime import timedelta

    from django.utils import timezone

    ticket = submit(people.ticket_type, people.requester)
    Ticket.objects.filter(pk=ticket.pk).update(submitted_at=timezone.now() - timedelta(hours=3))
    row = tab(people.handler, "new").split(f'data-number="{ticket.number}"')[1].split("</li>")[0]
    assert "3\xa0hours ago" in row
    assert "0\xa0minutes" not in row


def test_claim_from_the_new_tab_moves_the_row(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    response = as_(people.handler).post(reverse("workbench-claim", args=[ticket.pk]), **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"You claimed {ticket.number}." in body
    assert ticket.number not in numbers(body)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.assignee) == (State.PROCESSING, people.handler)
    assert numbers(tab(people.handler, "mine")) == {ticket.number}


def test_second_claim_from_the_new_tab_gets_the_conflict(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    hilda = as_(people.handler2)
    page = hilda.get(reverse("workbench"))  # hilda's list still shows it
    assert ticket.number in numbers(page.content.decode())
    services.ticket_claim(user=people.handler, ticket_id=ticket.pk)
    response = hilda.post(reverse("workbench-claim", args=[ticket.pk]), **HX)
    assert response.status_code == 422
    assert "it cannot be claimed now" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == people.handler


def test_outsider_claiming_from_the_workbench_gets_404(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    response = as_(people.outsider).post(reverse("workbench-claim", args=[ticket.pk]), **HX)
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == State.PENDING


def test_list_refreshes_itself_on_reminders(people: People) -> None:
    html = tab(people.handler, "new")
    assert 'hx-trigger="reminder from:body"' in html
    fragment = as_(people.handler).get(reverse("workbench"), {"tab": "mine"}, **HX)
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<div id="workbench"')


def test_empty_tabs_say_what_would_be_there(people: People) -> None:
    assert "No new tickets" in tab(people.handler, "new")
    assert "Nothing in progress" in tab(people.handler, "mine")
    assert "Nothing waiting" in tab(people.handler, "waiting")
    assert "Nothing done yet" in tab(people.handler, "done")


def test_people_who_handle_no_type_are_told_what_the_page_is_for(people: People) -> None:
    response = as_(people.requester).get(reverse("workbench"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "You do not handle any ticket type" in body
    assert 'aria-label="Workbench tabs"' not in body


def test_former_handler_still_sees_tickets_they_hold(people: People) -> None:
    ticket = ticket_in(people, "processing")
    people.ticket_type.handlers.remove(people.handler)
    assert numbers(tab(people.handler, "mine")) == {ticket.number}


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("workbench"))
    assert response.status_code == 302


def test_bad_tab_falls_back_to_new(people: People) -> None:
    response = as_(people.handler).get(reverse("workbench"), {"tab": "nope", "page": "-3"})
    assert response.status_code == 200
    assert 'href="?tab=new" aria-current="page"' in response.content.decode()
