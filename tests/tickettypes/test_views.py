"""The desk admin's ticket type pages: list, details, handlers, designer, publish, delete."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.desks.models import MenuEntry
from servicetickets.tickettypes.models import FormVersion, TicketType, TypeState
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory, UserFactory, submit


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save_form(client: Client, kind: TicketType, fields: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/manage/types/{kind.pk}/form/",
        data=json.dumps({"fields": fields}),
        content_type="application/json",
    )


# --- access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(people: People) -> None:
    response = Client().get("/manage/types/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
def test_people_who_administer_no_desk_get_404(people: People, who: str) -> None:
    client = client_for(getattr(people, who))
    kind = people.ticket_type
    for url in (
        "/manage/types/",
        f"/manage/types/{kind.pk}/",
        f"/manage/types/{kind.pk}/form/",
        f"/manage/types/{kind.pk}/handlers/search/?q=h",
        f"/manage/desks/{people.desk.pk}/menu/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/manage/types/{kind.pk}/publish/").status_code == 404
    assert client.post(f"/manage/types/{kind.pk}/delete/").status_code == 404
    assert TicketType.objects.get(pk=kind.pk).deleted_at is None


def test_admin_of_another_desk_gets_404(people: People) -> None:
    other = UserFactory(username="otto")
    DeskFactory(code="FAC", name="Facilities").admins.add(other)
    client = client_for(other)
    kind = people.ticket_type
    assert client.get(f"/manage/types/{kind.pk}/").status_code == 404
    assert client.get(f"/manage/types/{kind.pk}/form/").status_code == 404
    assert client.get(f"/manage/types/?desk={people.desk.pk}").status_code == 404
    assert save_form(client, kind, []).status_code == 404
    assert client.post(f"/manage/types/{kind.pk}/unpublish/").status_code == 404
    assert TicketType.objects.get(pk=kind.pk).state == TypeState.PUBLISHED


def test_site_admin_sees_every_desk_with_a_desk_picker(people: People) -> None:
    DeskFactory(code="FAC", name="Facilities")
    response = client_for(people.site_admin).get(f"/manage/types/?desk={people.desk.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="desk-select"' in body and "Facilities" in body
    assert people.ticket_type.name in body


def test_list_shows_limit_state_and_counts(people: People) -> None:
    submit(people.ticket_type, people.requester)
    TicketTypeFactory(desk=people.desk, name="Laptop", publish=False)
    response = client_for(people.admin).get("/manage/types/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 of 15 ticket types." in body
    assert "Draft" in body and "Published" in body
    kinds = {k.name: k for k in response.context["kinds"]}
    assert kinds["Repair"].handler_count == 2
    assert kinds["Repair"].ticket_count == 1
    assert kinds["Laptop"].ticket_count == 0


def test_create_button_is_disabled_at_the_limit(people: People, settings: Settings) -> None:
    settings.MAX_TICKET_TYPES = 1
    body = client_for(people.admin).get("/manage/types/").content.decode()
    assert "1 of 1 ticket types." in body
    assert "delete a type before creating another" in body
    assert "/manage/types/new/" not in body
    response = client_for(people.admin).post(
        f"/manage/types/new/?desk={people.desk.pk}", {"name": "More"}
    )
    assert response.status_code == 422
    assert "at most 1 ticket types" in response.content.decode()
    assert not TicketType.objects.filter(name="More").exists()


# --- create and edit ------------------------------------------------------------------------


def test_create_makes_a_draft_and_opens_the_designer(people: People) -> None:
    response = client_for(people.admin).post(
        f"/manage/types/new/?desk={people.desk.pk}",
        {"name": "  Badge ", "description": "A new badge", "response_hours": "4"},
    )
    kind = TicketType.objects.get(name="Badge")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/types/{kind.pk}/form/"
    assert kind.state == TypeState.DRAFT
    assert kind.response_target is not None and kind.response_target.total_seconds() == 4 * 3600
    assert kind.processing_target is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Name is required."),
        ("Thirteen char", "Name must be at most 12 characters."),
        ("repair", "This desk already has a ticket type with that name."),
    ],
)
def test_create_with_a_bad_name_shows_the_error_beside_the_name(
    people: People, name: str, message: str
) -> None:
    before = TicketType.objects.count()
    response = client_for(people.admin).post(
        f"/manage/types/new/?desk={people.desk.pk}", {"name": name}
    )
    assert response.status_code == 422
    assert response.context["field_errors"] == {"name": message}
    assert f'id="name-error" aria-live="polite">{message}' in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert TicketType.objects.count() == before


def test_create_refuses_a_negative_target(people: People) -> None:
    response = client_for(people.admin).post(
        f"/manage/types/new/?desk={people.desk.pk}", {"name": "Badge", "response_hours": "-1"}
    )
    assert response.status_code == 422
    assert "response_hours" in response.context["field_errors"]
    assert not TicketType.objects.filter(name="Badge").exists()


def test_check_answers_the_service_errors_as_you_type(people: People) -> None:
    client = client_for(people.admin)
    response = client.post(
        "/manage/types/check/",
        {"desk": people.desk.pk, "name": "REPAIR", "description": "x" * 141},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "already has a ticket type with that name" in body
    assert "Description must be at most 140 characters." in body
    assert 'id="name-count" data-max="12" hx-swap-oob="true" aria-hidden="true">6/12<' in body
    # Editing the type itself: its own name is not a duplicate.
    ok = client.post(
        "/manage/types/check/",
        {"type_id": people.ticket_type.pk, "name": "Repair", "description": ""},
    )
    assert "already has" not in ok.content.decode()


def test_check_of_another_desks_type_is_404(people: People) -> None:
    other = UserFactory(username="otto")
    DeskFactory(code="FAC", name="Facilities").admins.add(other)
    response = client_for(other).post(
        "/manage/types/check/", {"type_id": people.ticket_type.pk, "name": "x"}
    )
    assert response.status_code == 404


def test_edit_saves_details_and_targets(people: People) -> None:
    kind = people.ticket_type
    response = client_for(people.admin).post(
        f"/manage/types/{kind.pk}/",
        {"name": "Fix", "description": "Broken things", "processing_hours": "48"},
    )
    assert response.status_code == 302
    kind.refresh_from_db()
    assert (kind.name, kind.description) == ("Fix", "Broken things")
    assert kind.processing_target is not None and kind.processing_target.days == 2


def test_edit_with_a_duplicate_name_changes_nothing(people: People) -> None:
    TicketTypeFactory(desk=people.desk, name="Laptop", publish=False)
    kind = people.ticket_type
    response = client_for(people.admin).post(f"/manage/types/{kind.pk}/", {"name": "laptop"})
    assert response.status_code == 422
    assert "name" in response.context["field_errors"]
    kind.refresh_from_db()
    assert kind.name == "Repair"


# --- form designer ---------------------------------------------------------------------------


def test_designer_page_offers_every_field_kind(people: People) -> None:
    response = client_for(people.admin).get(f"/manage/types/{people.ticket_type.pk}/form/")
    assert response.status_code == 200
    body = response.content.decode()
    for kind in ("text", "daterange", "member", "image", "note", "table"):
        assert f'data-kind="{kind}"' in body
    assert "No tickets yet: saving updates version 1." in body


FIELDS = [
    {"key": "where", "label": "Where", "kind": "text", "required": True},
    {"key": "size", "label": "Size", "kind": "select", "options": ["S", "M"]},
]


def test_saving_without_tickets_updates_the_current_version(people: People) -> None:
    kind = people.ticket_type
    response = save_form(client_for(people.admin), kind, FIELDS)
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert FormVersion.objects.get(ticket_type=kind, version=1).fields[1]["options"] == ["S", "M"]


def test_saving_when_tickets_exist_creates_a_new_version(people: People) -> None:
    kind = people.ticket_type
    ticket = submit(kind, people.requester)
    client = client_for(people.admin)
    page = client.get(f"/manage/types/{kind.pk}/form/").content.decode()
    assert "Saving creates version 2; existing tickets keep their version." in page
    response = save_form(client, kind, FIELDS)
    assert response.status_code == 200
    assert response.json()["version"] == 2 and response.json()["created"] is True
    assert "version 3" in response.json()["versionNote"]
    ticket.refresh_from_db()
    assert ticket.form_version == 1
    assert FormVersion.objects.filter(ticket_type=kind).count() == 2


def test_a_bad_form_definition_is_refused_naming_the_field(people: People) -> None:
    kind = people.ticket_type
    before = FormVersion.objects.get(ticket_type=kind, version=1).fields
    bad = [FIELDS[0], {"key": "size", "label": "Size", "kind": "select", "options": []}]
    response = save_form(client_for(people.admin), kind, bad)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "fields[1].options"
    assert response.json()["error"]["message"] == "Add at least one option."
    assert FormVersion.objects.get(ticket_type=kind, version=1).fields == before


def test_a_table_column_error_names_the_column(people: People) -> None:
    table = {
        "key": "items",
        "label": "Items",
        "kind": "table",
        "columns": [{"key": "photo", "label": "Photo", "kind": "image"}],
    }
    response = save_form(client_for(people.admin), people.ticket_type, [table])
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "fields[0].columns[0].kind"


def test_unreadable_form_body_is_422(people: People) -> None:
    response = client_for(people.admin).post(
        f"/manage/types/{people.ticket_type.pk}/form/",
        data="{not json",
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "fields"


def test_preview_draws_the_employee_form_from_an_unsaved_definition(
    people: People, settings: Settings
) -> None:
    if "servicetickets.forms" not in settings.INSTALLED_APPS:  # its templates draw the form
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "servicetickets.forms"]
    client = client_for(people.admin)
    url = f"/manage/types/{people.ticket_type.pk}/form/preview/"
    response = client.post(
        url, data=json.dumps({"fields": FIELDS}), content_type="application/json"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Where" in body and 'name="f.where"' in body and 'value="M"' in body
    bad = client.post(
        url, data=json.dumps({"fields": [{"kind": "text"}]}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "fields[0].key"
    assert (
        FormVersion.objects.get(ticket_type=people.ticket_type, version=1).fields[0]["key"]
        == "summary"
    )


def test_preview_of_another_desks_type_is_404(people: People) -> None:
    other = UserFactory(username="otto")
    DeskFactory(code="FAC", name="Facilities").admins.add(other)
    response = client_for(other).post(
        f"/manage/types/{people.ticket_type.pk}/form/preview/",
        data=json.dumps({"fields": []}),
        content_type="application/json",
    )
    assert response.status_code == 404


# --- handlers ---------------------------------------------------------------------------------


def test_handler_search_offers_people_not_yet_handlers(people: People) -> None:
    response = client_for(people.admin).get(
        f"/manage/types/{people.ticket_type.pk}/handlers/search/", {"q": "h"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "hank" not in body  # already a handler
    assert "Add Alice" not in body  # does not match
    assert (
        client_for(people.admin)
        .get(f"/manage/types/{people.ticket_type.pk}/handlers/search/", {"q": "ali"})
        .content.decode()
        .count("Add Alice")
        == 1
    )


def test_handlers_are_added_and_removed(people: People) -> None:
    kind = TicketTypeFactory(desk=people.desk, name="Laptop", publish=False)
    client = client_for(people.admin)
    response = client.post(f"/manage/types/{kind.pk}/handlers/add/", {"username": "hilda"})
    assert response.status_code == 200
    assert "Remove Hilda" in response.content.decode()
    assert list(kind.handlers.values_list("username", flat=True)) == ["hilda"]
    client.post(f"/manage/types/{kind.pk}/handlers/remove/", {"username": "hilda"})
    assert not kind.handlers.exists()


def test_unknown_handler_is_refused(people: People) -> None:
    kind = people.ticket_type
    response = client_for(people.admin).post(
        f"/manage/types/{kind.pk}/handlers/add/", {"username": "nobody"}
    )
    assert response.status_code == 422
    assert "Unknown user: nobody." in response.content.decode()
    assert kind.handlers.count() == 2


def test_last_handler_of_a_published_type_cannot_be_removed(people: People) -> None:
    kind = TicketTypeFactory(desk=people.desk, name="Laptop", handlers=[people.handler])
    response = client_for(people.admin).post(
        f"/manage/types/{kind.pk}/handlers/remove/", {"username": "hank"}
    )
    assert response.status_code == 422
    assert "A published type needs at least one handler." in response.content.decode()
    assert kind.handlers.count() == 1


# --- publish, unpublish, delete ---------------------------------------------------------------


def test_publish_without_handlers_is_refused_with_the_message(people: People) -> None:
    kind = TicketTypeFactory(desk=people.desk, name="Laptop", publish=False)
    response = client_for(people.admin).post(f"/manage/types/{kind.pk}/publish/")
    assert response.status_code == 422
    assert "Name at least one handler before publishing." in response.content.decode()
    kind.refresh_from_db()
    assert kind.state == TypeState.DRAFT


def test_publish_leads_to_the_menu_editor_with_the_type(people: People) -> None:
    kind = TicketTypeFactory(
        desk=people.desk, name="Laptop", handlers=[people.handler], publish=False
    )
    response = client_for(people.admin).post(f"/manage/types/{kind.pk}/publish/")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/desks/{people.desk.pk}/menu/?add={kind.pk}"
    kind.refresh_from_db()
    assert kind.state == TypeState.PUBLISHED


def test_unpublish_takes_the_type_off_the_menu(people: People) -> None:
    kind = people.ticket_type
    MenuEntry.objects.create(desk=people.desk, label="Repair", ticket_type=kind)
    response = client_for(people.admin).post(f"/manage/types/{kind.pk}/unpublish/")
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.state == TypeState.UNPUBLISHED
    assert not MenuEntry.objects.filter(ticket_type=kind).exists()


def test_unpublishing_a_draft_is_refused(people: People) -> None:
    kind = TicketTypeFactory(desk=people.desk, name="Laptop", publish=False)
    response = client_for(people.admin).post(f"/manage/types/{kind.pk}/unpublish/")
    assert response.status_code == 422
    assert "Only a published type can be unpublished." in response.content.decode()


def test_type_page_explains_what_delete_keeps(people: People) -> None:
    submit(people.ticket_type, people.requester)
    body = client_for(people.admin).get(f"/manage/types/{people.ticket_type.pk}/").content
    text = body.decode()
    assert "Its 1 ticket stays" in text
    assert "marked “(deleted)”" in text
    assert "no longer counts toward the desk" in text


def test_delete_is_soft_and_frees_the_menu_and_the_limit(people: People) -> None:
    kind = people.ticket_type
    ticket = submit(kind, people.requester)
    MenuEntry.objects.create(desk=people.desk, label="Repair", ticket_type=kind)
    client = client_for(people.admin)
    response = client.post(f"/manage/types/{kind.pk}/delete/")
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.deleted_at is not None
    ticket.refresh_from_db()
    assert ticket.ticket_type_id == kind.pk
    assert not MenuEntry.objects.filter(ticket_type=kind).exists()
    assert "0 of 15 ticket types." in client.get("/manage/types/").content.decode()
    assert client.get(f"/manage/types/{kind.pk}/").status_code == 404
