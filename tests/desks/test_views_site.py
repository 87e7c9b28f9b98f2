"""Site admin pages for desks: only site admins see them; desks are created, given admins,
settings and a webhook through the desks and outbound services."""

from __future__ import annotations

import pytest
from django.test import Client

from servicetickets.desks.models import Desk
from servicetickets.outbound import netguard
from tests.conftest import People
from tests.factories import TicketTypeFactory


def _site(client: Client, people: People) -> Client:
    client.force_login(people.site_admin)
    return client


def _pages(people: People) -> list[str]:
    desk = people.desk.pk
    return [
        "/site/desks/",
        f"/site/desks/{desk}/",
        f"/site/desks/{desk}/?q=ol",
    ]


def _posts(people: People) -> list[tuple[str, dict[str, str]]]:
    desk = people.desk.pk
    return [
        ("/site/desks/", {"code": "HR", "name": "People"}),
        (f"/site/desks/{desk}/admins/add", {"username": "olga"}),
        (f"/site/desks/{desk}/admins/remove", {"username": "admin"}),
        (f"/site/desks/{desk}/settings", {"name": "Renamed", "confirm_timeout_days": "2"}),
        (f"/site/desks/{desk}/webhook", {"url": "https://hooks.example.org/"}),
        (f"/site/desks/{desk}/webhook/clear", {}),
    ]


def test_anonymous_visitor_is_sent_to_sign_in(people: People, client: Client) -> None:
    for url in _pages(people):
        r = client.get(url)
        assert r.status_code == 302, url
        assert r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["admin", "requester", "outsider"])
def test_everyone_but_site_admins_gets_not_found(people: People, client: Client, who: str) -> None:
    client.force_login(getattr(people, who))

    for url in _pages(people):
        assert client.get(url).status_code == 404, url
    assert (
        client.get(f"/site/desks/{people.desk.pk}/?q=ol", HTTP_HX_REQUEST="true").status_code == 404
    )
    for url, data in _posts(people):
        assert client.post(url, data).status_code == 404, url
    desk = Desk.objects.get(pk=people.desk.pk)
    assert (desk.name, list(desk.admins.all())) == ("IT Assistant", [people.admin])
    assert not Desk.objects.filter(code="HR").exists()


def test_site_admin_sees_desks_with_admins_and_types_count(people: People, client: Client) -> None:
    TicketTypeFactory(desk=people.desk, name="Keys", publish=False)

    page = _site(client, people).get("/site/desks/").content.decode()

    assert "IT Assistant" in page
    assert "<td>Admin</td>" in page  # the desk admin, by name
    assert '<td class="num">2</td>' in page
    assert 'aria-current="page">Desks' in page


def test_unknown_desk_is_not_found(people: People, client: Client) -> None:
    assert _site(client, people).get("/site/desks/9999/").status_code == 404


def test_site_admin_creates_a_desk(people: People, client: Client) -> None:
    r = _site(client, people).post("/site/desks/", {"code": "hr", "name": " People "})

    desk = Desk.objects.get(code="HR")
    assert desk.name == "People"
    assert r.status_code == 302
    assert r["Location"] == f"/site/desks/{desk.pk}/"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "H", "name": "People"}, "code", "Code must be 2 to 8 capital letters."),
        ({"code": "IT", "name": "Again"}, "code", "A desk with that code already exists."),
        ({"code": "HR", "name": ""}, "name", "Name must be 1 to 60 characters."),
    ],
)
def test_refused_desk_shows_the_error_beside_its_field(
    people: People, client: Client, data: dict[str, str], field: str, message: str
) -> None:
    r = _site(client, people).post("/site/desks/", data)

    assert r.status_code == 422
    page = r.content.decode()
    assert f'<p class="field-error" id="desk-{field}-error">{message}</p>' in page
    assert f'value="{data["name"]}"' in page  # what was typed is kept
    assert Desk.objects.count() == 1


def test_picker_finds_active_users_as_you_type(people: People, client: Client) -> None:
    people.handler2.is_active = False
    people.handler2.save()

    r = _site(client, people).get(f"/site/desks/{people.desk.pk}/?q=h", HTTP_HX_REQUEST="true")

    page = r.content.decode()
    assert r.status_code == 200
    assert page.lstrip().startswith('<div id="picker-results"')  # the fragment, no layout
    assert "Hank" in page
    assert "Hilda" not in page


def test_picker_marks_who_already_administers_the_desk(people: People, client: Client) -> None:
    r = _site(client, people).get(f"/site/desks/{people.desk.pk}/?q=admin", HTTP_HX_REQUEST="true")

    page = r.content.decode()
    assert 'value="admin"' not in page  # no Add button for them
    assert ">Admin</span>" in page


def test_picker_works_without_javascript_too(people: People, client: Client) -> None:
    page = _site(client, people).get(f"/site/desks/{people.desk.pk}/?q=olga").content.decode()

    assert "<html" in page
    assert 'name="username" value="olga"' in page


def test_site_admin_adds_and_removes_a_desk_admin(people: People, client: Client) -> None:
    _site(client, people)
    url = f"/site/desks/{people.desk.pk}/"

    added = client.post(f"{url}admins/add", {"username": "olga"})
    removed = client.post(f"{url}admins/remove", {"username": "admin"})

    assert (added.status_code, removed.status_code) == (302, 302)
    assert list(people.desk.admins.values_list("username", flat=True)) == ["olga"]
    page = client.get(url).content.decode()
    assert "Olga" in page


def test_deactivated_user_cannot_become_desk_admin(people: People, client: Client) -> None:
    people.outsider.is_active = False
    people.outsider.save()

    r = _site(client, people).post(f"/site/desks/{people.desk.pk}/admins/add", {"username": "olga"})

    assert r.status_code == 422
    assert 'id="admin-error" role="alert">That user is deactivated.' in r.content.decode()
    assert not people.desk.admins.filter(username="olga").exists()


def test_unknown_username_is_refused_beside_the_picker(people: People, client: Client) -> None:
    r = _site(client, people).post(
        f"/site/desks/{people.desk.pk}/admins/add", {"username": "nobody"}
    )

    assert r.status_code == 422
    assert 'id="admin-error"' in r.content.decode()


def test_site_admin_sets_name_and_confirm_timeout(people: People, client: Client) -> None:
    r = _site(client, people).post(
        f"/site/desks/{people.desk.pk}/settings", {"name": "IT Help", "confirm_timeout_days": "3"}
    )

    assert r.status_code == 302
    desk = Desk.objects.get(pk=people.desk.pk)
    assert (desk.name, desk.confirm_timeout_days) == ("IT Help", 3)


@pytest.mark.parametrize("days", ["0", "many"])
def test_wrong_timeout_is_shown_beside_the_field(people: People, client: Client, days: str) -> None:
    r = _site(client, people).post(
        f"/site/desks/{people.desk.pk}/settings", {"name": "IT Help", "confirm_timeout_days": days}
    )

    assert r.status_code == 422
    assert 'id="desk-timeout-error"' in r.content.decode()
    desk = Desk.objects.get(pk=people.desk.pk)
    assert (desk.name, desk.confirm_timeout_days) == ("IT Assistant", 7)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: int) -> list[str]:
        if host == "hooks.example.org":
            return ["93.184.215.14"]
        if host.replace(".", "").isdigit():
            return [host]
        raise OSError("no such host")

    monkeypatch.setattr(netguard, "resolve", resolve)


def test_site_admin_sets_a_webhook_and_sees_its_secret_once(
    people: People, client: Client, dns: None
) -> None:
    _site(client, people)
    url = f"/site/desks/{people.desk.pk}/webhook"

    r = client.post(url, {"url": "https://hooks.example.org/in"})

    desk = Desk.objects.get(pk=people.desk.pk)
    assert r.status_code == 200
    assert desk.webhook_url == "https://hooks.example.org/in"
    assert f'<code id="webhook-secret">{desk.webhook_secret}</code>' in r.content.decode()
    assert desk.webhook_secret not in client.get(f"/site/desks/{desk.pk}/").content.decode()


def test_webhook_into_a_private_network_is_refused_beside_the_address(
    people: People, client: Client, dns: None
) -> None:
    r = _site(client, people).post(
        f"/site/desks/{people.desk.pk}/webhook", {"url": "http://127.0.0.1/hook"}
    )

    assert r.status_code == 422
    assert 'id="webhook-url-error"' in r.content.decode()
    assert Desk.objects.get(pk=people.desk.pk).webhook_url == ""


def test_site_admin_removes_the_webhook(people: People, client: Client) -> None:
    Desk.objects.filter(pk=people.desk.pk).update(
        webhook_url="https://hooks.example.org/", webhook_secret="s" * 20
    )

    r = _site(client, people).post(f"/site/desks/{people.desk.pk}/webhook/clear")

    assert r.status_code == 302
    desk = Desk.objects.get(pk=people.desk.pk)
    assert (desk.webhook_url, desk.webhook_secret) == ("", "")


def test_site_pages_need_the_csrf_token(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.site_admin)

    assert client.post("/site/desks/", {"code": "HR", "name": "People"}).status_code == 403
    assert not Desk.objects.filter(code="HR").exists()
