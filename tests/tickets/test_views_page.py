"""The ticket page and its actions, through the page, for each person: who sees which buttons,
that each action does what its service does, and that refusals come back beside the field with
nothing changed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from servicetickets.accounts.models import User
from servicetickets.tickets import services
from servicetickets.tickets.models import Resolution, State, Ticket, TimelineEntry
from servicetickets.uploads.models import Upload
from servicetickets.uploads.services import upload_create
from tests.conftest import People
from tests.factories import TicketTypeFactory, submit
from tests.tickets.lifecycle import ticket_in
from tests.uploads.conftest import PNG

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
ACTIONS = (
    "claim",
    "transfer",
    "reject",
    "complete",
    "confirm",
    "return",
    "cancel",
    "comment",
    "urge",
)


def as_(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(user: User, ticket: Ticket) -> str:
    response = as_(user).get(reverse("ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def act(user: User, ticket: Ticket, action: str, data: dict[str, Any] | None = None) -> Any:
    url = reverse("ticket-action", args=[ticket.pk, action])
    return as_(user).post(url, data or {}, **HX)


def buttons(html: str) -> set[str]:
    """The actions whose forms the page offers."""
    return set(re.findall(r'action="/tickets/\d+/([a-z]+)"', html))


def snapshot(ticket: Ticket) -> tuple[Any, ...]:
    ticket.refresh_from_db()
    entries = TimelineEntry.objects.filter(ticket=ticket).count()
    return (ticket.state, ticket.resolution, ticket.assignee_id, ticket.rating, entries)


# --- who sees what ------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    response = Client().get(reverse("ticket", args=[ticket.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_outsider_gets_404_on_the_page_the_fragment_and_every_action(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    olga = as_(people.outsider)
    assert olga.get(reverse("ticket", args=[ticket.pk])).status_code == 404
    assert olga.get(reverse("ticket", args=[ticket.pk]), **HX).status_code == 404
    for action in ACTIONS:
        response = olga.post(reverse("ticket-action", args=[ticket.pk, action]), {"reason": "x"})
        assert response.status_code == 404, action
    assert snapshot(ticket)[0] == State.PENDING


def test_unknown_ticket_is_404(people: People) -> None:
    assert as_(people.requester).get(reverse("ticket", args=[99999])).status_code == 404


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("pending", "requester", {"cancel", "comment", "urge"}),
        ("pending", "handler", {"claim", "transfer", "reject", "comment"}),
        ("pending", "admin", {"comment"}),
        ("processing", "handler", {"transfer", "reject", "complete", "comment"}),
        ("processing", "handler2", {"comment"}),
        ("processing", "requester", {"cancel", "comment", "urge"}),
        ("to_confirm", "requester", {"confirm", "return", "comment"}),
        ("to_confirm", "handler", {"comment"}),
        ("closed_resolved", "requester", set()),
        ("closed_rejected", "handler", set()),
    ],
)
def test_buttons_are_only_the_actions_the_viewer_may_take_now(
    people: People, state: str, who: str, expected: set[str]
) -> None:
    ticket = ticket_in(people, state)
    assert buttons(page_of(getattr(people, who), ticket)) == expected


def test_page_shows_the_ticket_and_refreshes_on_its_reminders(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    html = page_of(people.requester, ticket)
    assert ticket.number in html
    assert "Printer jammed" in html  # the form's value
    assert "To confirm" in html
    assert "Replaced the toner" in html  # the result note
    assert f'data-ticket-id="{ticket.pk}" hx-trigger="ticket-reminder"' in html
    assert "tickets/ticket.js" in html
    assert "Hank" in html  # assignee and timeline


def test_overdue_ticket_shows_the_chip_and_due_times(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    from datetime import timedelta

    from django.utils import timezone

    Ticket.objects.filter(pk=ticket.pk).update(response_due_at=timezone.now() - timedelta(hours=1))
    html = page_of(people.handler, ticket)
    assert "chip-overdue" in html
    assert "Response due" in html


# --- the handler's actions ------------------------------------------------------------------


def test_handler_claims_and_a_second_claimer_gets_the_conflict(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    response = act(people.handler, ticket, "claim")
    assert response.status_code == 200
    assert "You claimed this ticket." in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.state, ticket.assignee) == (State.PROCESSING, people.handler)

    before = snapshot(ticket)
    second = act(people.handler2, ticket, "claim")
    assert second.status_code == 422
    assert "it cannot be claimed now" in second.content.decode()
    assert snapshot(ticket) == before


def test_transfer_needs_a_handler_then_hands_it_over(people: People) -> None:
    ticket = ticket_in(people, "processing")
    html = page_of(people.handler, ticket)
    assert '<option value="hilda">Hilda</option>' in html  # the picker: the other handler
    assert '<option value="hank"' not in html

    before = snapshot(ticket)
    refused = act(people.handler, ticket, "transfer", {"to": "", "note": "over to you"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'id="transfer-to-error"' in body and "This field is required." in body
    assert "over to you" in body  # what was typed is kept
    assert snapshot(ticket) == before

    outsider = act(people.handler, ticket, "transfer", {"to": "olga"})
    assert outsider.status_code == 422
    assert "Choose an active handler of this ticket type." in outsider.content.decode()

    done = act(people.handler, ticket, "transfer", {"to": "hilda", "note": "over to you"})
    assert done.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee == people.handler2


def test_reject_requires_a_reason(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    before = snapshot(ticket)
    refused = act(people.handler, ticket, "reject", {"reason": "  "})
    assert refused.status_code == 422
    assert 'id="reject-reason-error"' in refused.content.decode()
    assert snapshot(ticket) == before

    assert act(people.handler, ticket, "reject", {"reason": "Not ours"}).status_code == 200
    ticket.refresh_from_db()
    assert (ticket.state, ticket.resolution) == (State.CLOSED, Resolution.REJECTED)


def test_complete_with_a_note_and_a_picture(people: People) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)
    refused = act(people.handler, ticket, "complete", {"note": ""})
    assert refused.status_code == 422
    assert 'id="complete-note-error"' in refused.content.decode()
    assert snapshot(ticket) == before

    picture = SimpleUploadedFile("after.png", PNG, content_type="image/png")
    done = act(people.handler, ticket, "complete", {"note": "New toner", "files": picture})
    assert done.status_code == 200
    ticket.refresh_from_db()
    assert ticket.state == State.TO_CONFIRM and ticket.processed_by == people.handler
    upload = Upload.objects.get(ticket=ticket)
    assert upload.name == "after.png"
    html = page_of(people.requester, ticket)
    assert f'<img src="/api/v1/uploads/{upload.pk}"' in html
    assert "New toner" in html


def test_a_refused_completion_keeps_the_files_already_uploaded(people: People) -> None:
    ticket = ticket_in(people, "processing")
    picture = SimpleUploadedFile("after.png", PNG, content_type="image/png")
    refused = act(people.handler, ticket, "complete", {"note": "", "files": picture})
    assert refused.status_code == 422
    upload = Upload.objects.get(name="after.png")
    assert f'name="attachments" value="{upload.pk}"' in refused.content.decode()
    done = act(people.handler, ticket, "complete", {"note": "Done", "attachments": str(upload.pk)})
    assert done.status_code == 200
    upload.refresh_from_db()
    assert upload.ticket_id == ticket.pk


def test_handler_comments(people: People) -> None:
    ticket = ticket_in(people, "processing")
    before = snapshot(ticket)
    refused = act(people.handler, ticket, "comment", {"text": ""})
    assert refused.status_code == 422
    assert 'id="comment-text-error"' in refused.content.decode()
    assert snapshot(ticket) == before
    assert act(people.handler, ticket, "comment", {"text": "On my way"}).status_code == 200
    assert TimelineEntry.objects.filter(ticket=ticket, action="comment", note="On my way").exists()


def test_requester_comments_with_a_picture_and_a_refusal_keeps_it(people: People) -> None:
    ticket = ticket_in(people, "processing")
    picture = SimpleUploadedFile("leak.png", PNG, content_type="image/png")
    refused = act(people.requester, ticket, "comment", {"text": "", "files": picture})
    assert refused.status_code == 422
    upload = Upload.objects.get(name="leak.png")
    kept = refused.content.decode().split('id="comment-files"')[1].split("</div>")[0]
    assert f'name="attachments" value="{upload.pk}"' in kept
    assert upload.ticket_id is None

    done = act(people.requester, ticket, "comment", {"text": "Here", "attachments": str(upload.pk)})
    assert done.status_code == 200
    upload.refresh_from_db()
    assert upload.ticket_id == ticket.pk
    html = page_of(people.handler, ticket)
    assert f'<img src="/api/v1/uploads/{upload.pk}"' in html


def test_a_viewer_who_may_no_longer_act_gets_the_refusal_in_the_page(people: People) -> None:
    ticket = ticket_in(people, "processing")  # hank's
    response = act(people.handler2, ticket, "complete", {"note": "done"})
    assert response.status_code == 403
    assert "You may not complete this ticket." in response.content.decode()
    assert snapshot(ticket)[0] == State.PROCESSING


# --- the requester's actions ----------------------------------------------------------------


def test_requester_confirms_with_a_rating(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)
    refused = act(people.requester, ticket, "confirm", {"rating": "9"})
    assert refused.status_code == 422
    assert "Rate from 1 to 5." in refused.content.decode()
    assert snapshot(ticket) == before

    done = act(people.requester, ticket, "confirm", {"rating": "4", "comment": "Quick, thanks"})
    assert done.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.state, ticket.resolution, ticket.rating) == (State.CLOSED, "resolved", 4)
    html = page_of(people.requester, ticket)
    assert "Rated 4 of 5" in html and "Quick, thanks" in html


def test_requester_returns_with_a_reason(people: People) -> None:
    ticket = ticket_in(people, "to_confirm")
    before = snapshot(ticket)
    refused = act(people.requester, ticket, "return", {"reason": ""})
    assert refused.status_code == 422
    assert 'id="return-reason-error"' in refused.content.decode()
    assert snapshot(ticket) == before

    assert act(people.requester, ticket, "return", {"reason": "Still jams"}).status_code == 200
    ticket.refresh_from_db()
    assert (ticket.state, ticket.assignee, ticket.return_count) == (
        State.PROCESSING,
        people.handler,
        1,
    )


def test_requester_cancels(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    assert act(people.requester, ticket, "cancel", {"reason": ""}).status_code == 200
    ticket.refresh_from_db()
    assert (ticket.state, ticket.resolution) == (State.CLOSED, Resolution.CANCELLED)


def test_urging_twice_within_the_hour_is_refused_clearly(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    first = act(people.requester, ticket, "urge")
    assert first.status_code == 200
    assert "The handlers were urged." in first.content.decode()
    second = act(people.requester, ticket, "urge")
    assert second.status_code == 429
    assert "You can urge a ticket once an hour." in second.content.decode()
    assert TimelineEntry.objects.filter(ticket=ticket, action="urge").count() == 1


def test_plain_form_post_without_htmx_redirects_back_to_the_ticket(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    response = as_(people.handler).post(reverse("ticket-action", args=[ticket.pk, "claim"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("ticket", args=[ticket.pk])


def test_unknown_action_is_404(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester)
    response = as_(people.handler).post(reverse("ticket-action", args=[ticket.pk, "explode"]))
    assert response.status_code == 404


# --- the submitted form, every kind ---------------------------------------------------------

EVERY_KIND = [
    {"key": "summary", "label": "Summary", "kind": "text", "required": True},
    {"key": "details", "label": "Details", "kind": "textarea"},
    {"key": "count", "label": "Count", "kind": "number"},
    {"key": "cost", "label": "Cost", "kind": "amount"},
    {"key": "day", "label": "Day", "kind": "date"},
    {"key": "at", "label": "At", "kind": "datetime"},
    {"key": "span", "label": "Span", "kind": "daterange"},
    {"key": "room", "label": "Room", "kind": "select", "options": ["A1", "B2"]},
    {"key": "tags", "label": "Tags", "kind": "multiselect", "options": ["red", "blue", "green"]},
    {"key": "phone", "label": "Phone", "kind": "phone"},
    {"key": "mail", "label": "Mail", "kind": "email"},
    {"key": "who", "label": "Who", "kind": "member"},
    {"key": "pics", "label": "Pictures", "kind": "image"},
    {"key": "docs", "label": "Documents", "kind": "file"},
    {"key": "hint", "label": "Please note", "kind": "note", "help": "Bring your badge."},
    {
        "key": "items",
        "label": "Items",
        "kind": "table",
        "columns": [
            {"key": "name", "label": "Item", "kind": "text"},
            {"key": "qty", "label": "Qty", "kind": "number"},
            {"key": "owner", "label": "Owner", "kind": "member"},
        ],
    },
    {"key": "extra", "label": "Left empty", "kind": "text"},
]


def test_every_field_kind_is_shown_read_only(people: People) -> None:
    kind = TicketTypeFactory(
        desk=people.desk, name="Everything", fields=EVERY_KIND, handlers=[people.handler]
    )
    alice = people.requester
    pic = upload_create(uploader=alice, file=SimpleUploadedFile("jam.png", PNG, "image/png"))
    doc = upload_create(
        uploader=alice, file=SimpleUploadedFile("log <1>.txt", b"log", "text/plain")
    )
    data = {
        "summary": "Printer <b>jammed</b>",
        "details": "line one\nline two",
        "count": 3,
        "cost": 1234.5,
        "day": "2026-03-01",
        "at": "2026-03-01T09:30:00+00:00",
        "span": ["2026-03-01", "2026-03-05"],
        "room": "B2",
        "tags": ["red", "green"],
        "phone": "+86 10 1234 5678",
        "mail": "bob@example.com",
        "who": "hilda",
        "pics": [str(pic.pk)],
        "docs": [str(doc.pk)],
        "items": [{"name": "Toner", "qty": 2, "owner": "hank"}, {"name": "Drum", "qty": 1}],
    }
    ticket = services.ticket_submit(user=alice, ticket_type_id=kind.pk, data=data)
    html = page_of(people.handler, ticket)
    assert "Printer &lt;b&gt;jammed&lt;/b&gt;" in html  # escaped
    assert "line one\nline two" in html
    assert "1,234.50" in html
    assert "2026-03-01 09:30" in html
    assert "2026-03-01 \u2013 2026-03-05" in html
    assert '<span class="chip">red</span><span class="chip">green</span>' in html
    assert 'href="tel:+861012345678"' in html
    assert 'href="mailto:bob@example.com"' in html
    assert "Hilda" in html  # the member by name
    assert (
        f'<a href="/api/v1/uploads/{pic.pk}" title="jam.png"><img src="/api/v1/uploads/{pic.pk}"'
        in html
    )
    assert f'<a href="/api/v1/uploads/{doc.pk}" download>log &lt;1&gt;.txt</a>' in html
    assert "Bring your badge." in html  # static text
    assert '<th scope="col">Item</th>' in html and "Toner" in html and "Drum" in html
    assert "Left empty" in html
    # The requester's picture opens for the handler through the uploads API.
    assert as_(people.handler).get(f"/api/v1/uploads/{pic.pk}").status_code == 200


def test_a_ticket_keeps_showing_its_own_form_version(people: People) -> None:
    from servicetickets.tickettypes import services as type_services

    ticket = submit(people.ticket_type, people.requester)
    type_services.type_update(
        kind=people.ticket_type,
        fields=[{"key": "other", "label": "Something else", "kind": "text"}],
    )
    html = page_of(people.handler, ticket)
    assert "Summary" in html and "Printer jammed" in html
    assert "Something else" not in html


@pytest.mark.parametrize(
    ("viewer", "tab"),
    [("requester", "My tickets"), ("handler", "Workbench"), ("admin", "Data")],
)
def test_the_ticket_page_marks_the_tab_it_belongs_under(
    people: People, viewer: str, tab: str
) -> None:
    ticket = submit(people.ticket_type, people.requester)
    html = page_of(getattr(people, viewer), ticket)
    current = re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)
    assert current == [tab]
