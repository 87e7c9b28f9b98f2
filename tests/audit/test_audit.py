"""The audit log of configuration changes: each configuration service writes one entry (who,
what, before and after) in its own transaction; secrets are never written; only site admins
read it, through ``GET /api/v1/audit`` and the page ``/site/audit/``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from servicetickets.accounts import services as accounts
from servicetickets.accounts.models import User
from servicetickets.audit.models import AuditEntry
from servicetickets.audit.services import audit_record
from servicetickets.core.errors import AppError
from servicetickets.desks import services as desks
from servicetickets.desks.models import Desk
from servicetickets.outbound import netguard
from servicetickets.outbound import services as outbound
from servicetickets.tickettypes import services as types
from tests.conftest import Api, People
from tests.factories import SIMPLE_FORM, DeskFactory, TicketTypeFactory, UserFactory, submit

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"
SECRET = "s3cret-value-never-logged"
PASSWORD = "a-long-password-never-logged"


@pytest.fixture(autouse=True)
def _dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Webhook hosts resolve to a public address without the network."""
    monkeypatch.setattr(netguard, "resolve", lambda host, port: [PUBLIC])


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since).order_by("id"))


def _last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


# Each case: (expected action, the change made by ``actor``, a check of the entry).
Case = tuple[str, Callable[[People, User], Any], Callable[[People, AuditEntry], None]]


def _unpublished(people: People) -> Any:
    return TicketTypeFactory(
        desk=people.desk, name="Access", handlers=[people.handler], publish=False
    )


def _check_changes(expected: dict[str, Any]) -> Callable[[People, AuditEntry], None]:
    def check(people: People, entry: AuditEntry) -> None:
        for key, value in expected.items():
            assert entry.changes[key] == value, (key, entry.changes)

    return check


CASES: dict[str, Case] = {
    "type_create": (
        "type.create",
        lambda p, a: types.type_create(
            desk=p.desk, name="Laptop", fields=SIMPLE_FORM, handlers=[p.handler], actor=a
        ),
        _check_changes(
            {
                "name": {"before": None, "after": "Laptop"},
                "fields": {"before": None, "after": ["Summary", "Details"]},
                "handlers": {"before": None, "after": ["hank"]},
            }
        ),
    ),
    "type_update_details": (
        "type.update",
        lambda p, a: types.type_update(
            kind=p.ticket_type,
            name="Fix",
            targets={"response_target": timedelta(hours=4)},
            actor=a,
        ),
        _check_changes(
            {
                "name": {"before": "Repair", "after": "Fix"},
                "response_target": {"before": None, "after": 4.0},
            }
        ),
    ),
    "type_update_form_version": (
        "type.form",
        lambda p, a: (
            submit(p.ticket_type, p.requester),
            types.type_update(
                kind=p.ticket_type,
                fields=[*SIMPLE_FORM, {"key": "room", "label": "Room", "kind": "text"}],
                actor=a,
            ),
        ),
        _check_changes(
            {
                "fields": {
                    "before": ["Summary", "Details"],
                    "after": ["Summary", "Details", "Room"],
                },
                "version": {"before": 1, "after": 2},
            }
        ),
    ),
    "type_update_form_in_place": (
        "type.form",
        lambda p, a: types.type_update(kind=p.ticket_type, fields=SIMPLE_FORM[:1], actor=a),
        _check_changes({"fields": {"before": ["Summary", "Details"], "after": ["Summary"]}}),
    ),
    "type_update_handlers": (
        "type.handlers",
        lambda p, a: types.type_update(kind=p.ticket_type, handlers=[p.handler], actor=a),
        _check_changes({"handlers": {"before": ["hank", "hilda"], "after": ["hank"]}}),
    ),
    "type_publish": (
        "type.publish",
        lambda p, a: types.type_publish(kind=_unpublished(p), actor=a),
        _check_changes({"state": {"before": "draft", "after": "published"}}),
    ),
    "type_unpublish": (
        "type.unpublish",
        lambda p, a: types.type_unpublish(kind=p.ticket_type, actor=a),
        _check_changes({"state": {"before": "published", "after": "unpublished"}}),
    ),
    "type_delete": (
        "type.delete",
        lambda p, a: types.type_delete(kind=p.ticket_type, actor=a),
        _check_changes({"deleted": {"before": False, "after": True}}),
    ),
    "menu_set": (
        "menu.set",
        lambda p, a: desks.menu_set(
            desk=p.desk,
            entries=[
                desks.MenuItem(
                    label="Help", children=[desks.MenuItem(label="Fix", type_id=p.ticket_type.pk)]
                )
            ],
            actor=a,
        ),
        _check_changes({"entries": {"before": [], "after": ["Help", "Help > Fix → Repair"]}}),
    ),
    "desk_create": (
        "desk.create",
        lambda p, a: desks.desk_create(code="HR", name="People", actor=a),
        _check_changes({"code": {"before": None, "after": "HR"}}),
    ),
    "desk_update": (
        "desk.update",
        lambda p, a: desks.desk_update(
            desk=p.desk, name="IT Help", confirm_timeout_days=3, actor=a
        ),
        _check_changes(
            {
                "name": {"before": "IT Assistant", "after": "IT Help"},
                "confirm_timeout_days": {"before": 7, "after": 3},
            }
        ),
    ),
    "desk_admin_add": (
        "desk.admin_add",
        lambda p, a: desks.desk_admin_add(desk=p.desk, user=p.outsider, actor=a),
        _check_changes({"admin": {"before": None, "after": "olga"}}),
    ),
    "desk_admin_remove": (
        "desk.admin_remove",
        lambda p, a: desks.desk_admin_remove(desk=p.desk, user=p.admin, actor=a),
        _check_changes({"admin": {"before": "admin", "after": None}}),
    ),
    "user_create": (
        "user.create",
        lambda p, a: accounts.user_create(username="zoe", name="Zoe", password=PASSWORD, actor=a),
        _check_changes({"username": {"before": None, "after": "zoe"}, "password": "changed"}),
    ),
    "user_deactivate": (
        "user.deactivate",
        lambda p, a: accounts.user_deactivate(user=p.outsider, actor=a),
        _check_changes({"active": {"before": True, "after": False}}),
    ),
    "webhook_set": (
        "desk.webhook_set",
        lambda p, a: outbound.desk_webhook_set(
            desk=p.desk, url="https://hooks.example.org/T0/B0/token", secret=SECRET, actor=a
        ),
        _check_changes(
            {"url": {"before": "", "after": "https://hooks.example.org/…"}, "secret": "changed"}
        ),
    ),
    "webhook_clear": (
        "desk.webhook_clear",
        lambda p, a: (
            Desk.objects.filter(pk=p.desk.pk).update(
                webhook_url="https://hooks.example.org/x", webhook_secret=SECRET
            ),
            p.desk.refresh_from_db(),
            outbound.desk_webhook_clear(desk=p.desk, actor=a),
        ),
        _check_changes({"secret": "changed"}),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_service_writes_one_entry(people: People, name: str) -> None:
    action, change, check = CASES[name]
    actor = people.site_admin
    since = _last_id()
    before = timezone.now()
    change(people, actor)
    # Only the entry of the change itself (a setup step such as a publish in the case
    # is made without an actor).
    entries = [e for e in _new_entries(since) if e.actor_id is not None]
    assert [e.action for e in entries] == [action]
    entry = entries[0]
    assert entry.actor == actor
    assert entry.at >= before
    assert entry.target_label
    check(people, entry)
    stored = json.dumps(entry.changes)
    assert SECRET not in stored and PASSWORD not in stored


def test_desk_entries_name_their_desk(people: People) -> None:
    since = _last_id()
    types.type_update(kind=people.ticket_type, name="Fix", actor=people.admin)
    desks.desk_admin_add(desk=people.desk, user=people.outsider, actor=people.site_admin)
    assert [e.desk_id for e in _new_entries(since)] == [people.desk.pk, people.desk.pk]


def test_no_change_writes_nothing(people: People) -> None:
    since = _last_id()
    types.type_update(kind=people.ticket_type, name="Repair", actor=people.admin)
    types.type_update(kind=people.ticket_type, handlers=[people.handler2, people.handler])
    types.type_publish(kind=people.ticket_type, actor=people.admin)  # already published
    desks.desk_admin_add(desk=people.desk, user=people.admin, actor=people.site_admin)
    desks.desk_admin_remove(desk=people.desk, user=people.outsider, actor=people.site_admin)
    assert _new_entries(since) == []


@pytest.mark.parametrize(
    "refused",
    [
        lambda p: types.type_create(desk=p.desk, name="", actor=p.admin),
        lambda p: types.type_update(kind=p.ticket_type, name="x" * 50, actor=p.admin),
        lambda p: types.type_update(
            kind=p.ticket_type, name="Fix", handlers=[], actor=p.admin
        ),  # the name passed, the handlers did not: nothing at all is kept
        lambda p: types.type_update(kind=p.ticket_type, fields=[{"kind": "nope"}], actor=p.admin),
        lambda p: types.type_unpublish(kind=_unpublished(p), actor=p.admin),
        lambda p: desks.menu_set(desk=p.desk, entries=[desks.MenuItem(label="")], actor=p.admin),
        lambda p: desks.desk_create(code="x", name="Bad", actor=p.site_admin),
        lambda p: desks.desk_update(
            desk=p.desk, name="", confirm_timeout_days=3, actor=p.site_admin
        ),
        lambda p: accounts.user_create(username="bad name", actor=p.site_admin),
        lambda p: accounts.user_deactivate(user=p.site_admin, actor=p.site_admin),
        lambda p: outbound.desk_webhook_set(
            desk=p.desk, url="https://hooks.example.org/", secret="short", actor=p.admin
        ),
    ],
)
def test_refused_change_writes_nothing(people: People, refused: Callable[[People], Any]) -> None:
    since = _last_id()
    with pytest.raises(AppError):
        refused(people)
    assert [e for e in _new_entries(since) if e.actor_id is not None] == []
    people.ticket_type.refresh_from_db()
    assert people.ticket_type.name == "Repair"


def test_rolled_back_transaction_leaves_no_entry(people: People) -> None:
    since = _last_id()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        desks.desk_update(
            desk=people.desk, name="Renamed", confirm_timeout_days=7, actor=people.site_admin
        )
        types.type_publish(kind=_unpublished(people), actor=people.admin)
        raise Boom
    assert _new_entries(since) == []
    people.desk.refresh_from_db()
    assert people.desk.name == "IT Assistant"


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="desk.update", target_type="desk", target_id=1, label="x")


# --- API ------------------------------------------------------------------------------------


def _seed(people: People) -> None:
    """Three changes by known people, with a desk of their own each time."""
    other = DeskFactory(code="HR", name="People")
    desks.desk_update(
        desk=people.desk, name="IT Help", confirm_timeout_days=7, actor=people.site_admin
    )
    types.type_update(kind=people.ticket_type, name="Fix", actor=people.admin)
    desks.desk_admin_add(desk=other, user=people.outsider, actor=people.site_admin)


def test_api_lists_newest_first_with_filters(people: People, api: Callable[..., Api]) -> None:
    _seed(people)
    root = api(people.site_admin)
    answer = root.get("/audit", {"actor": "root"})
    assert answer.status_code == 200
    body = answer.json()
    assert [r["action"] for r in body["results"]] == ["desk.admin_add", "desk.update"]
    assert body["count"] == 2
    assert body["results"][0]["actor"] == {"username": "root", "name": "Root"}
    assert root.get("/audit", {"action": "type"}).json()["results"][0]["changes"] == {
        "name": {"before": "Repair", "after": "Fix"}
    }
    by_desk = root.get("/audit", {"desk": people.desk.pk, "actor": "admin"}).json()
    assert [r["target_label"] for r in by_desk["results"]] == ["Fix"]
    today = timezone.localdate().isoformat()
    assert root.get("/audit", {"from": today, "to": today, "actor": "root"}).json()["count"] == 2
    assert root.get("/audit", {"to": "2000-01-01"}).json()["count"] == 0
    paged = root.get("/audit", {"actor": "root", "page_size": 1, "page": 2}).json()
    assert [r["action"] for r in paged["results"]] == ["desk.update"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"actor": "nobody"}, "actor"), ({"desk": 99999}, "desk"), ({"from": "yesterday"}, "from")],
)
def test_api_refuses_filters_naming_nothing(
    people: People, api: Callable[..., Api], params: dict[str, Any], field: str
) -> None:
    answer = api(people.site_admin).get("/audit", params)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == field


@pytest.mark.parametrize("who", ["admin", "requester", "handler", "outsider"])
def test_api_is_for_site_admins_only(people: People, api: Callable[..., Api], who: str) -> None:
    _seed(people)
    answer = api(getattr(people, who)).get("/audit")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


def test_api_anonymous_gets_401(people: People, api: Callable[..., Api]) -> None:
    answer = api(None).get("/audit")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


def test_api_is_documented(people: People, api: Callable[..., Api]) -> None:
    document = api(people.site_admin).get("/openapi.json").json()
    operation = document["paths"]["/api/v1/audit"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"desk", "actor", "action", "from", "to"}


def test_api_endpoints_record_their_caller(people: People, api: Callable[..., Api]) -> None:
    since = _last_id()
    admin = api(people.admin)
    assert admin.patch(f"/types/{people.ticket_type.pk}", {"name": "Fix"}).status_code == 200
    assert admin.post(f"/types/{people.ticket_type.pk}/unpublish").status_code == 200
    root = api(people.site_admin)
    assert root.post("/desks", {"code": "HR", "name": "People"}).status_code == 201
    assert root.post("/users", {"username": "zoe"}).status_code == 201
    entries = _new_entries(since)
    assert [(e.action, e.actor) for e in entries] == [
        ("type.update", people.admin),
        ("type.unpublish", people.admin),
        ("desk.create", people.site_admin),
        ("user.create", people.site_admin),
    ]


# --- the page -------------------------------------------------------------------------------


def _listed(answer: Any) -> str:
    """The page's list of entries only (the filters name every action and desk too)."""
    html: str = answer.content.decode()
    start = html.find('<ol class="list audit-list">')
    return html[start : html.index("</ol>", start)] if start >= 0 else ""


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_page_lists_newest_first(people: People) -> None:
    _seed(people)
    answer = _client(people.site_admin).get(reverse("site-audit"))
    assert answer.status_code == 200
    assert "Audit log" in answer.content.decode()  # the site admin tab
    html = _listed(answer)
    newest, middle, oldest = (
        html.index("Desk admin added"),
        html.index("Ticket type edited"),
        html.index("Desk settings changed"),
    )
    assert newest < middle < oldest


def test_page_filters(people: People) -> None:
    _seed(people)
    client = _client(people.site_admin)
    html = _listed(client.get(reverse("site-audit"), {"action": "desk.admin"}))
    assert "Desk admin added" in html and "Ticket type edited" not in html
    html = _listed(client.get(reverse("site-audit"), {"desk": people.desk.pk}))
    assert "Desk settings changed" in html and "Desk admin added" not in html
    html = _listed(client.get(reverse("site-audit"), {"actor": "admin"}))
    assert "Ticket type edited" in html and "Desk settings changed" not in html
    answer = client.get(reverse("site-audit"), {"to": "2000-01-01"})
    assert _listed(answer) == "" and "No changes found" in answer.content.decode()


def test_page_shows_a_bad_filter_beside_its_field(people: People) -> None:
    answer = _client(people.site_admin).get(reverse("site-audit"), {"actor": "nobody"})
    assert answer.status_code == 422
    assert 'id="e-actor"' in answer.content.decode()


def test_page_paginates(people: People) -> None:
    for n in range(30):
        desks.desk_update(
            desk=people.desk, name=f"Desk {n}", confirm_timeout_days=7, actor=people.site_admin
        )
    client = _client(people.site_admin)
    answer = client.get(reverse("site-audit"), {"actor": "root"})
    first = _listed(answer)
    assert first.count('class="list-item') == 25 and 'rel="next"' in answer.content.decode()
    assert ">Desk 29<" in first and ">Desk 0<" not in first
    second = _listed(client.get(reverse("site-audit"), {"actor": "root", "page": 2}))
    assert second.count('class="list-item') == 5 and ">Desk 0<" in second


def test_page_escapes_labels(people: People) -> None:
    evil = "<script>alert(1)</script>"
    desks.desk_update(desk=people.desk, name=evil, confirm_timeout_days=7, actor=people.site_admin)
    html = _client(people.site_admin).get(reverse("site-audit")).content.decode()
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("who", ["admin", "requester", "handler", "outsider"])
def test_page_is_for_site_admins_only(people: People, who: str) -> None:
    _seed(people)
    answer = _client(getattr(people, who)).get(reverse("site-audit"))
    assert answer.status_code == 404
    assert "Desk settings changed" not in answer.content.decode()


def test_page_sends_anonymous_to_sign_in(people: People) -> None:
    answer = _client(None).get(reverse("site-audit"))
    assert answer.status_code == 302
    assert "login" in answer["Location"] or "sign" in answer["Location"]


def test_page_views_record_their_caller(people: People) -> None:
    since = _last_id()
    client = _client(people.site_admin)
    answer = client.post(
        reverse("site-desk-settings", args=[people.desk.pk]),
        {"name": "IT Help", "confirm_timeout_days": "7"},
    )
    assert answer.status_code == 302
    client.post(reverse("site-desk-admin-add", args=[people.desk.pk]), {"username": "olga"})
    entries = _new_entries(since)
    assert [(e.action, e.actor) for e in entries] == [
        ("desk.update", people.site_admin),
        ("desk.admin_add", people.site_admin),
    ]
    assert UserFactory  # the factories module stays the one source of people


def test_type_and_menu_pages_record_their_caller(people: People) -> None:
    since = _last_id()
    client = _client(people.admin)
    kind = people.ticket_type.pk
    remove = client.post(reverse("handler-remove", args=[kind]), {"username": "hilda"})
    assert remove.status_code == 200
    designer = client.post(
        reverse("type-designer", args=[kind]),
        json.dumps({"fields": SIMPLE_FORM[:1]}),
        content_type="application/json",
    )
    assert designer.status_code == 200
    menu = client.post(
        reverse("desk-menu", args=[people.desk.pk]),
        json.dumps({"entries": [{"label": "Fix it", "type_id": kind}]}),
        content_type="application/json",
    )
    assert menu.status_code == 200
    assert client.post(reverse("type-unpublish", args=[kind])).status_code == 302
    assert client.post(reverse("type-delete", args=[kind])).status_code == 302
    entries = _new_entries(since)
    assert [(e.action, e.actor) for e in entries] == [
        ("type.handlers", people.admin),
        ("type.form", people.admin),
        ("menu.set", people.admin),
        ("type.unpublish", people.admin),
        ("type.delete", people.admin),
    ]


def test_user_pages_record_their_caller(people: People) -> None:
    since = _last_id()
    client = _client(people.site_admin)
    created = client.post(
        reverse("site-user-new"), {"username": "zoe", "name": "Zoe", "password": PASSWORD}
    )
    assert created.status_code == 302
    assert client.post(reverse("site-user-deactivate", args=["olga"])).status_code == 302
    entries = _new_entries(since)
    assert [(e.action, e.actor, e.target_label) for e in entries] == [
        ("user.create", people.site_admin, "zoe"),
        ("user.deactivate", people.site_admin, "olga"),
    ]
    assert PASSWORD not in json.dumps(entries[0].changes)
