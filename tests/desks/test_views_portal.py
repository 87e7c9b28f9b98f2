"""The desk's menu page for employees: entries and groups open their type's form; entries of
types no longer offered are not shown."""

from __future__ import annotations

from django.test import Client

from servicetickets.desks.models import MenuEntry
from servicetickets.desks.services import MenuItem, menu_set
from servicetickets.tickettypes import services as type_services
from tests.conftest import People
from tests.factories import DeskFactory, TicketTypeFactory


def test_menu_lists_entries_and_groups_linking_to_their_forms(
    people: People, client: Client
) -> None:
    laptop = TicketTypeFactory(desk=people.desk, name="Laptop", handlers=[people.handler])
    access = TicketTypeFactory(desk=people.desk, name="Access", handlers=[people.handler])
    menu_set(
        desk=people.desk,
        entries=[
            MenuItem(label="Something broke", type_id=people.ticket_type.pk),
            MenuItem(
                label="Hardware & access",
                children=[
                    MenuItem(label="New laptop", type_id=laptop.pk),
                    MenuItem(label="Door badge", type_id=access.pk),
                ],
            ),
        ],
    )
    client.force_login(people.outsider)

    r = client.get(f"/desks/{people.desk.pk}/")

    html = r.content.decode()
    assert r.status_code == 200
    assert "IT Assistant" in html
    assert "Something broke" in html
    assert "Hardware &amp; access" in html
    assert f'href="/submit/{people.ticket_type.pk}/"' in html
    assert f'href="/submit/{laptop.pk}/"' in html
    assert html.index("New laptop") < html.index("Door badge")


def test_entries_of_types_no_longer_published_are_not_offered(
    people: People, client: Client
) -> None:
    laptop = TicketTypeFactory(desk=people.desk, name="Laptop", handlers=[people.handler])
    menu_set(
        desk=people.desk,
        entries=[
            MenuItem(label="Repair", type_id=people.ticket_type.pk),
            MenuItem(label="Group", children=[MenuItem(label="New laptop", type_id=laptop.pk)]),
        ],
    )
    # An entry left pointing at a type that is no longer published (as if it slipped past the
    # menu clean-up) is still not offered, nor is its group once empty.
    laptop.state = "unpublished"
    laptop.save(update_fields=["state"])
    type_services.type_delete(kind=people.ticket_type)
    client.force_login(people.requester)

    html = client.get(f"/desks/{people.desk.pk}/").content.decode()

    assert MenuEntry.objects.filter(ticket_type=laptop).exists()
    assert "New laptop" not in html
    assert "Group" not in html
    assert "Repair" not in html
    assert "Nothing to request here yet" in html


def test_an_empty_menu_says_what_to_do(people: People, client: Client) -> None:
    client.force_login(people.requester)

    r = client.get(f"/desks/{people.desk.pk}/")

    assert r.status_code == 200
    assert "Nothing to request here yet" in r.content.decode()
    assert 'href="/"' in r.content.decode()


def test_the_menu_of_another_desk_shows_only_its_own_entries(
    people: People, client: Client
) -> None:
    other = DeskFactory(code="FAC", name="Facilities")
    chair = TicketTypeFactory(desk=other, name="Chair", handlers=[people.handler2])
    menu_set(desk=other, entries=[MenuItem(label="Broken chair", type_id=chair.pk)])
    menu_set(desk=people.desk, entries=[MenuItem(label="Repair", type_id=people.ticket_type.pk)])
    client.force_login(people.requester)

    html = client.get(f"/desks/{other.pk}/").content.decode()

    assert "Broken chair" in html
    assert "Repair" not in html


def test_unknown_desk_is_not_found(people: People, client: Client) -> None:
    client.force_login(people.requester)

    assert client.get("/desks/999999/").status_code == 404


def test_anonymous_is_sent_to_sign_in(people: People, client: Client) -> None:
    r = client.get(f"/desks/{people.desk.pk}/")

    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")
