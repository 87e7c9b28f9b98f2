"""Submitting a ticket: ``POST /types/{id}/tickets`` and ``services.ticket_submit``."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.services import user_deactivate
from servicetickets.desks.models import Desk
from servicetickets.notifications.models import Notification
from servicetickets.tickets.models import Ticket, TimelineEntry
from servicetickets.tickettypes import services as type_services
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory, submit
from tests.tickets.lifecycle import assert_error, reminders, upload

WORKSHOP_FORM: list[dict[str, Any]] = [
    {"key": "room", "label": "Room", "kind": "select", "options": ["A", "B"]},
    {"key": "location", "label": "Location", "kind": "text", "required": True},
    {
        "key": "parts",
        "label": "Parts",
        "kind": "table",
        "columns": [
            {"key": "name", "label": "Name", "kind": "text", "required": True},
            {"key": "count", "label": "Count", "kind": "number", "required": True, "min": 1},
        ],
    },
    {"key": "photos", "label": "Photos", "kind": "file"},
]


def _post(api: Any, user: Any, type_id: int, body: Any) -> Any:
    return api(user).post(f"/types/{type_id}/tickets", body)


def _nothing_created() -> None:
    assert Ticket.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert Notification.objects.count() == 0
    assert set(Desk.objects.values_list("last_number", flat=True)) == {0}


def test_submit_creates_a_pending_ticket_with_the_first_number(people: People, api: Any) -> None:
    r = _post(api, people.requester, people.ticket_type.pk, {"data": {"summary": "Printer jammed"}})

    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "IT-000001"
    assert (body["state"], body["resolution"]) == ("pending", None)
    assert body["requester"] == "alice"
    assert body["assignee"] is None and body["processed_by"] is None
    assert body["accepted_at"] is None and body["processed_at"] is None
    assert body["closed_at"] is None and body["rating"] is None
    assert body["return_count"] == 0
    assert body["data"] == {"summary": "Printer jammed"}
    assert body["type_id"] == people.ticket_type.pk and body["type_name"] == "Repair"
    assert body["desk_id"] == people.desk.pk and body["form_version"] == 1
    [entry] = body["timeline"]
    assert entry["action"] == "submit" and entry["actor"] == "alice"
    assert (entry["from_state"], entry["to_state"]) == (None, "pending")


def test_numbers_follow_each_other_within_a_desk(people: People) -> None:
    numbers = [submit(people.ticket_type, people.requester).number for _ in range(3)]

    assert numbers == ["IT-000001", "IT-000002", "IT-000003"]
    assert Desk.objects.get(pk=people.desk.pk).last_number == 3


def test_each_desk_counts_its_own_numbers(people: People) -> None:
    facilities = DeskFactory(code="FM", name="Facilities")
    cleaning = TicketTypeFactory(desk=facilities, name="Cleaning", handlers=[people.handler])

    first_it = submit(people.ticket_type, people.requester)
    first_fm = submit(cleaning, people.requester)
    second_it = submit(people.ticket_type, people.requester)

    assert [first_it.number, first_fm.number, second_it.number] == [
        "IT-000001",
        "FM-000001",
        "IT-000002",
    ]


def test_given_title_is_kept(people: People, api: Any) -> None:
    r = _post(
        api,
        people.requester,
        people.ticket_type.pk,
        {"title": "  Third floor printer  ", "data": {"summary": "Printer jammed"}},
    )

    assert r.status_code == 201, r.content
    assert r.json()["title"] == "Third floor printer"


def test_title_is_the_first_text_value_when_not_given(people: People) -> None:
    kind = TicketTypeFactory(
        desk=people.desk, name="Workshop", fields=WORKSHOP_FORM, handlers=[people.handler]
    )
    data = {"room": "A", "location": "Lab 2", "parts": [{"name": "Fuse", "count": 2}]}

    ticket = submit(kind, people.requester, data)

    assert ticket.title == "Lab 2"


def test_title_is_the_first_line_of_a_long_text(people: People) -> None:
    ticket = submit(people.ticket_type, people.requester, {"summary": "x" * 120, "details": "More"})

    assert ticket.title == "x" * 79 + "…"


def test_title_is_the_type_name_when_there_is_no_text(people: People) -> None:
    form = [{"key": "room", "label": "Room", "kind": "select", "options": ["A"]}]
    kind = TicketTypeFactory(desk=people.desk, name="Rooms", fields=form, handlers=[people.handler])

    assert submit(kind, people.requester, {"room": "A"}).title == "Rooms"


def test_too_long_title_is_refused(people: People, api: Any) -> None:
    r = _post(
        api,
        people.requester,
        people.ticket_type.pk,
        {"title": "t" * 201, "data": {"summary": "Printer jammed"}},
    )

    assert_error(r, 422, field="title", code="invalid")
    _nothing_created()


def test_new_ticket_reminder_goes_to_every_active_handler(people: People) -> None:
    gone = UserFactory(username="gus")
    kind = TicketTypeFactory(
        desk=people.desk, name="Phones", handlers=[people.handler, people.handler2, gone]
    )
    user_deactivate(user=gone)

    ticket = submit(kind, people.requester)

    assert reminders() == [
        ("hank", "new_ticket", ticket.number),
        ("hilda", "new_ticket", ticket.number),
    ]


def test_a_handler_submitting_is_not_reminded_of_their_own_ticket(people: People) -> None:
    ticket = submit(people.ticket_type, people.handler)

    assert reminders() == [("hilda", "new_ticket", ticket.number)]


def test_anyone_signed_in_may_submit(people: People, api: Any) -> None:
    r = _post(api, people.outsider, people.ticket_type.pk, {"data": {"summary": "Hello"}})

    assert r.status_code == 201, r.content
    assert r.json()["requester"] == "olga"


def test_submitting_without_signing_in_is_refused(people: People, api: Any) -> None:
    r = _post(api, None, people.ticket_type.pk, {"data": {"summary": "Hello"}})

    assert_error(r, 401, code="not_authenticated")
    _nothing_created()


def test_unknown_type_is_not_found(people: People, api: Any) -> None:
    r = _post(api, people.requester, 999_999, {"data": {"summary": "Hello"}})

    assert_error(r, 404, code="not_found")
    _nothing_created()


def test_deleted_type_is_not_found(people: People, api: Any) -> None:
    type_services.type_delete(kind=people.ticket_type)

    r = _post(api, people.requester, people.ticket_type.pk, {"data": {"summary": "Hello"}})

    assert_error(r, 404, code="not_found")
    _nothing_created()


def test_draft_type_refuses_submissions(people: People, api: Any) -> None:
    draft = TicketTypeFactory(
        desk=people.desk, name="Draft", handlers=[people.handler], publish=False
    )

    r = _post(api, people.handler, draft.pk, {"data": {"summary": "Hello"}})

    assert_error(r, 409, code="not_published")
    _nothing_created()


def test_draft_type_does_not_exist_for_who_may_not_see_it(people: People, api: Any) -> None:
    draft = TicketTypeFactory(
        desk=people.desk, name="Draft", handlers=[people.handler], publish=False
    )

    r = _post(api, people.requester, draft.pk, {"data": {"summary": "Hello"}})

    assert_error(r, 404, code="not_found")
    _nothing_created()


def test_unpublished_type_refuses_submissions(people: People, api: Any) -> None:
    type_services.type_unpublish(kind=people.ticket_type)

    r = _post(api, people.admin, people.ticket_type.pk, {"data": {"summary": "Hello"}})

    assert_error(r, 409, code="not_published")
    r = _post(api, people.requester, people.ticket_type.pk, {"data": {"summary": "Hello"}})

    assert_error(r, 404, code="not_found")
    _nothing_created()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"parts": [{"name": "Fuse", "count": 1}]}, "location"),
        ({"location": "   "}, "location"),
        ({"location": "Lab", "parts": [{"name": "Fuse", "count": 0}]}, "parts[0].count"),
        ({"location": "Lab", "parts": [{"name": "Fuse"}]}, "parts[0].count"),
        (
            {"location": "Lab", "parts": [{"name": "Fuse", "count": 1}, {"name": "", "count": 1}]},
            "parts[1].name",
        ),
        ({"location": "Lab", "room": "C"}, "room"),
        ({"location": "Lab", "colour": "red"}, "colour"),
    ],
    ids=["missing", "blank", "cell-below-min", "cell-missing", "second-row", "option", "unknown"],
)
def test_form_errors_name_the_field_and_create_nothing(
    people: People, api: Any, data: dict[str, Any], field: str
) -> None:
    kind = TicketTypeFactory(
        desk=people.desk, name="Workshop", fields=WORKSHOP_FORM, handlers=[people.handler]
    )

    r = _post(api, people.requester, kind.pk, {"data": data})

    assert_error(r, 422, field=field, code="invalid")
    _nothing_created()


def test_someone_elses_upload_in_a_file_field_is_refused(people: People, api: Any) -> None:
    kind = TicketTypeFactory(
        desk=people.desk, name="Workshop", fields=WORKSHOP_FORM, handlers=[people.handler]
    )
    theirs = upload(people.outsider)

    r = _post(
        api, people.requester, kind.pk, {"data": {"location": "Lab", "photos": [str(theirs.pk)]}}
    )

    assert_error(r, 422, field="photos")
    _nothing_created()


def test_own_upload_in_a_file_field_is_attached_to_the_ticket(people: People, api: Any) -> None:
    kind = TicketTypeFactory(
        desk=people.desk, name="Workshop", fields=WORKSHOP_FORM, handlers=[people.handler]
    )
    mine = upload(people.requester)

    r = _post(
        api, people.requester, kind.pk, {"data": {"location": "Lab", "photos": [str(mine.pk)]}}
    )

    assert r.status_code == 201, r.content
    mine.refresh_from_db()
    assert mine.ticket_id == r.json()["id"]


def test_unknown_body_property_is_named(people: People, api: Any) -> None:
    r = _post(
        api, people.requester, people.ticket_type.pk, {"data": {"summary": "x"}, "priority": 1}
    )

    assert_error(r, 422, field="priority", code="invalid")
    _nothing_created()


def test_data_that_is_not_an_object_is_refused(people: People, api: Any) -> None:
    r = _post(api, people.requester, people.ticket_type.pk, {"data": ["summary"]})

    assert_error(r, 422, field="data", code="invalid")
    _nothing_created()


def test_malformed_json_is_a_bad_request(people: People, api: Any) -> None:
    client = api(people.requester)

    r = client.client.post(
        f"/api/v1/types/{people.ticket_type.pk}/tickets",
        data='{"data": {"summary": "x"',
        content_type="application/json",
        **client.headers,
    )

    assert_error(r, 400, code="bad_request")
    _nothing_created()
