"""``/desks/{id}/webhook``: desk admins and site admins set, read and remove a desk's webhook;
addresses into private networks are refused unless the installation allows them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk
from servicetickets.outbound import netguard
from tests.conftest import Api, People

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names resolve to what the test says (literal addresses resolve to themselves)."""
    answers: dict[str, list[str]] = {"hooks.example.org": [PUBLIC]}

    def resolve(host: str, port: int) -> list[str]:
        if host in answers:
            return answers[host]
        if host.replace(".", "").isdigit() or ":" in host:
            return [host]
        raise OSError("no such host")

    monkeypatch.setattr(netguard, "resolve", resolve)
    return answers


def _url(people: People) -> str:
    return f"/desks/{people.desk.pk}/webhook"


def test_desk_admin_sets_a_webhook_and_gets_a_generated_secret(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]]
) -> None:
    response = api(people.admin).put(_url(people), {"url": "https://hooks.example.org/in"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["url"] == "https://hooks.example.org/in"
    assert len(body["secret"]) >= 32
    people.desk.refresh_from_db()
    assert (people.desk.webhook_url, people.desk.webhook_secret) == (body["url"], body["secret"])

    shown = api(people.admin).get(_url(people))
    assert shown.status_code == 200
    assert shown.json() == {"url": "https://hooks.example.org/in", "secret_set": True}


def test_a_given_secret_is_used_and_a_url_change_keeps_it(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]]
) -> None:
    admin = api(people.admin)
    first = admin.put(_url(people), {"url": "https://hooks.example.org/a", "secret": "s" * 20})
    second = admin.put(_url(people), {"url": "https://hooks.example.org/b"})

    assert first.json()["secret"] == "s" * 20
    assert second.json() == {"url": "https://hooks.example.org/b", "secret": "s" * 20}


def test_a_short_secret_is_refused(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]]
) -> None:
    response = api(people.admin).put(
        _url(people), {"url": "https://hooks.example.org/", "secret": "short"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "secret"


def test_no_webhook_reads_as_none(people: People, api: Callable[[User], Api]) -> None:
    response = api(people.site_admin).get(_url(people))

    assert response.json() == {"url": None, "secret_set": False}


def test_delete_removes_url_and_secret(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]]
) -> None:
    admin = api(people.admin)
    admin.put(_url(people), {"url": "https://hooks.example.org/"})

    assert admin.delete(_url(people)).status_code == 204

    assert admin.get(_url(people)).json() == {"url": None, "secret_set": False}
    people.desk.refresh_from_db()
    assert (people.desk.webhook_url, people.desk.webhook_secret) == ("", "")


def test_site_admin_may_manage_any_desk(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]]
) -> None:
    response = api(people.site_admin).put(_url(people), {"url": "http://hooks.example.org/"})

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["requester", "handler", "outsider"])
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_others_are_forbidden(
    people: People,
    api: Callable[[User], Api],
    dns: dict[str, list[str]],
    who: str,
    method: str,
) -> None:
    Desk.objects.filter(pk=people.desk.pk).update(
        webhook_url="https://hooks.example.org/", webhook_secret="kept-secret-kept-secret"
    )
    client = api(getattr(people, who))
    if method == "put":
        response = client.put(_url(people), {"url": "https://hooks.example.org/other"})
    else:
        response = getattr(client, method)(_url(people))

    assert response.status_code == 403
    assert "secret" not in response.content.decode()
    people.desk.refresh_from_db()
    assert people.desk.webhook_url == "https://hooks.example.org/"


def test_an_unknown_desk_is_not_found(people: People, api: Callable[[User], Api]) -> None:
    assert api(people.admin).get("/desks/999999/webhook").status_code == 404


def test_anonymous_is_not_signed_in(people: People, api: Callable[[User | None], Api]) -> None:
    assert api(None).get(_url(people)).status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_private_addresses_are_refused_when_not_allowed(
    people: People,
    api: Callable[[User], Api],
    dns: dict[str, list[str]],
    settings: Settings,
    url: str,
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = False
    dns["localhost"] = ["127.0.0.1", "::1"]

    response = api(people.admin).put(_url(people), {"url": url})

    assert response.status_code == 422, url
    error = response.json()["error"]
    assert error["field"] == "url"
    assert "public addresses" in error["message"]
    people.desk.refresh_from_db()
    assert people.desk.webhook_url == ""


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]]
) -> None:
    dns["hooks.example.org"] = [PUBLIC, "10.0.0.5"]

    response = api(people.admin).put(_url(people), {"url": "https://hooks.example.org/"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "url"


def test_private_addresses_are_accepted_when_the_installation_allows_them(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]], settings: Settings
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True

    response = api(people.admin).put(_url(people), {"url": "http://10.1.2.3:8080/hook"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hooks.example.org/", "Enter a valid http or https address."),
        ("hooks.example.org/in", "Enter a valid http or https address."),
        ("http://:80/", "Enter a valid http or https address."),
        ("http://hooks.example.org:99999/", "Enter a valid http or https address."),
        ("https://user:pw@hooks.example.org/", "Leave the user name and password out"),
        ("https://nowhere.example.org/", "The host of this address cannot be found."),
        ("https://hooks.example.org/\nx", "Enter a single line of text."),
    ],
)
def test_malformed_addresses_are_refused(
    people: People, api: Callable[[User], Api], dns: dict[str, list[str]], url: str, message: str
) -> None:
    response = api(people.admin).put(_url(people), {"url": url})

    assert response.status_code == 422, url
    error = response.json()["error"]
    assert error["field"] == "url"
    assert error["message"].startswith(message)
