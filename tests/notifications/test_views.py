"""The reminders page: the inbox, marking read, browser notifications, preferences."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from servicetickets.accounts.models import User
from servicetickets.notifications.models import Notification, Preference
from servicetickets.notifications.selectors import preferences_list
from tests.conftest import People
from tests.factories import submit

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def as_(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: User) -> str:
    response = as_(user).get(reverse("reminders"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    assert Client().get(reverse("reminders")).status_code == 302


def test_inbox_lists_unread_first_and_marked(people: People) -> None:
    first = submit(people.ticket_type, people.requester)
    second = submit(people.ticket_type, people.requester)
    older = Notification.objects.get(recipient=people.handler, ticket=first)
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)
    html = page(people.handler)
    assert "1 unread" in html
    assert html.index(second.number) < html.index(first.number)
    unread_row = html.split(f"New ticket {second.number}")[0].rsplit("<li", 1)[1]
    assert "unread" in unread_row
    read_row = html.split(f"New ticket {first.number}")[0].rsplit("<li", 1)[1]
    assert "unread" not in read_row
    assert 'hx-trigger="reminder from:body"' in html


def test_opening_a_reminder_marks_it_read_and_goes_to_the_ticket(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    note = Notification.objects.get(recipient=people.handler, ticket=ticket)
    response = as_(people.handler).post(reverse("reminder-open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_one_read_updates_the_inbox_and_the_badge(people: People) -> None:
    submit(people.ticket_type, people.requester)
    ticket = submit(people.ticket_type, people.requester)
    note = Notification.objects.get(recipient=people.handler, ticket=ticket)
    response = as_(people.handler).post(reverse("reminder-read", args=[note.pk]), **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'id="unread-badge" hx-swap-oob="true"\s*>1<', body)
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_all_read(people: People) -> None:
    submit(people.ticket_type, people.requester)
    submit(people.ticket_type, people.requester)
    response = as_(people.handler).post(reverse("reminders-read-all"), **HX)
    assert response.status_code == 200
    assert 'id="unread-badge" hx-swap-oob="true" hidden' in response.content.decode()
    assert not Notification.objects.filter(recipient=people.handler, read_at=None).exists()
    assert Notification.objects.filter(recipient=people.handler2, read_at=None).count() == 2


def test_someone_elses_reminder_is_404_and_stays_unread(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    note = Notification.objects.get(recipient=people.handler, ticket=ticket)
    olga = as_(people.outsider)
    assert olga.post(reverse("reminder-open", args=[note.pk])).status_code == 404
    assert olga.post(reverse("reminder-read", args=[note.pk]), **HX).status_code == 404
    assert as_(people.handler2).post(reverse("reminder-read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_reminder_texts_are_escaped(people: People) -> None:
    people.requester.name = "<img src=x onerror=alert(1)>"
    people.requester.save()
    submit(people.ticket_type, people.requester)
    html = page(people.handler)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_empty_inbox(people: People) -> None:
    assert "No reminders" in page(people.outsider)


def test_browser_notifications_control_is_offered(people: People) -> None:
    html = page(people.requester)
    assert 'id="browser-notifications"' in html
    assert "Enable browser notifications" in html
    assert "notifications/reminders.js" in html


def test_preferences_form_saves_the_channels(people: People) -> None:
    html = page(people.handler)
    assert 'name="app-new_ticket" aria-label="New ticket: in the app" checked' in html
    # Everything on but new-ticket e-mails and urged in the app.
    data = {f"app-{k}": "on" for k, _c in preferences_list(user=people.handler)}
    data |= {f"email-{k}": "on" for k, _c in preferences_list(user=people.handler)}
    del data["email-new_ticket"]
    del data["app-urged"]
    response = as_(people.handler).post(reverse("reminder-preferences"), data, **HX)
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    chosen = dict(preferences_list(user=people.handler))
    assert (chosen["new_ticket"].app, chosen["new_ticket"].email) == (True, False)
    assert (chosen["urged"].app, chosen["urged"].email) == (False, True)
    assert (chosen["returned"].app, chosen["returned"].email) == (True, True)
    assert not Preference.objects.filter(user=people.handler2).exists()
    html = page(people.handler)
    assert 'name="email-new_ticket" aria-label="New ticket: by e-mail">' in html


def test_a_reminder_switched_off_in_the_app_is_not_in_the_inbox(people: People) -> None:
    as_(people.handler).post(reverse("reminder-preferences"), {"email-new_ticket": "on"})
    ticket = submit(people.ticket_type, people.requester)
    assert ticket.number not in page(people.handler)
