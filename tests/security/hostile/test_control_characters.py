"""Names and labels are text a person typed: a control character (NUL, escape) or, in a
one-line name, a line break is refused with the error body naming the property, as ticket
titles and comments already are. Before, they were stored; PostgreSQL then answered NUL with a
500, and a line break in a name ran into e-mail subjects and one-line displays."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.accounts.models import User
from servicetickets.desks.models import Desk, MenuEntry
from servicetickets.tickettypes.models import TicketType
from tests.conftest import Api, People
from tests.tickets.lifecycle import assert_error

pytestmark = pytest.mark.django_db

NUL, ESCAPE, LINE_BREAK = "a\x00b", "a\x1b[31mb", "a\r\nBcc: eve@example.com"


def _type(name: str = "Lab", **fields: Any) -> dict[str, Any]:
    return {"name": name, "description": "", "fields": [], **fields}


def _field(**overrides: Any) -> list[dict[str, Any]]:
    return [{"key": "a", "label": "A", "kind": "select", "options": ["x"], **overrides}]


def _cases(people: People) -> list[tuple[str, str, Any, str]]:
    desk = people.desk.pk
    cases = []
    for bad in (NUL, ESCAPE, LINE_BREAK):
        cases += [
            ("post", "/desks", {"code": "ZZ", "name": bad}, "name"),
            ("post", "/users", {"username": "zed", "name": bad}, "name"),
            ("post", f"/desks/{desk}/types", _type(bad), "name"),
            ("post", f"/desks/{desk}/types", _type(fields=_field(label=bad)), "fields[0].label"),
            (
                "post",
                f"/desks/{desk}/types",
                _type(fields=_field(options=["x", bad])),
                "fields[0].options[1]",
            ),
            (
                "put",
                f"/desks/{desk}/menu",
                {"entries": [{"label": bad, "type_id": people.ticket_type.pk}]},
                "entries[0].label",
            ),
        ]
    for bad in (NUL, ESCAPE):  # multi-line texts keep their line breaks
        cases += [
            ("post", f"/desks/{desk}/types", _type(description=bad), "description"),
            ("post", f"/desks/{desk}/types", _type(fields=_field(help=bad)), "fields[0].help"),
        ]
    return cases


def test_control_characters_in_names_and_labels_are_refused(people: People) -> None:
    root = Api(User.objects.get(username="root"))
    before = (Desk.objects.count(), User.objects.count(), TicketType.objects.count())
    menu = list(MenuEntry.objects.values_list("label", flat=True))

    for method, path, body, field in _cases(people):
        response = getattr(root, method)(path, body)
        assert_error(response, 422, field=field)

    assert (Desk.objects.count(), User.objects.count(), TicketType.objects.count()) == before
    assert list(MenuEntry.objects.values_list("label", flat=True)) == menu


@pytest.mark.parametrize("code", ["<B>", "X'Y", "A\u202eB", "=A", "ab"])
def test_desk_codes_take_capital_letters_only(people: People, code: str) -> None:
    """Codes go into ticket numbers, e-mail subjects and file names: no markup can get in."""
    root = Api(User.objects.get(username="root"))

    assert_error(root.post("/desks", {"code": code, "name": "Lab"}), 422, field="code")


def test_line_breaks_stay_allowed_where_text_is_multi_line(people: People) -> None:
    fields = _field(help="First line.\nSecond line.")
    body = _type(description="One.\nTwo.", fields=fields)

    response = Api(User.objects.get(username="root")).post(f"/desks/{people.desk.pk}/types", body)

    assert response.status_code == 201, response.content
    assert response.json()["description"] == "One.\nTwo."
    assert response.json()["fields"][0]["help"] == "First line.\nSecond line."
