"""Free text sent with an action (reasons, notes, comments, titles, usernames) is trimmed and
limited, and text with control characters is refused with the field named, on every database
(PostgreSQL cannot store NUL, which must be a clear 422, never a server error)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People
from tests.factories import TicketTypeFactory
from tests.tickets.lifecycle import assert_error, assert_refused, snapshot, ticket_in, timeline

#: (action, state, actor attribute of People, body without the text, the text's field)
TEXT_INPUTS = [
    ("transfer", "processing", "handler", {"to": "hilda"}, "note"),
    ("transfer", "processing", "handler", {}, "to"),
    ("reject", "pending", "handler", {}, "reason"),
    ("complete", "processing", "handler", {}, "note"),
    ("confirm", "to_confirm", "requester", {"rating": 5}, "comment"),
    ("return", "to_confirm", "requester", {}, "reason"),
    ("cancel", "processing", "requester", {}, "reason"),
    ("comment", "processing", "requester", {}, "text"),
]
IDS = [f"{action}-{field}" for action, _s, _a, _b, field in TEXT_INPUTS]


@pytest.mark.parametrize("bad", ["NUL \x00 here", "bell \x07", "escape \x1b[31m"], ids=repr)
@pytest.mark.parametrize(("action", "state", "actor", "body", "field"), TEXT_INPUTS, ids=IDS)
def test_control_characters_are_refused(
    people: People,
    api: Any,
    action: str,
    state: str,
    actor: str,
    body: dict[str, Any],
    field: str,
    bad: str,
) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(getattr(people, actor)).post(f"/tickets/{ticket.pk}/{action}", {**body, field: bad})

    assert_refused(r, 422, before, field=field, code="invalid")


@pytest.mark.parametrize(("action", "state", "actor", "body", "field"), TEXT_INPUTS, ids=IDS)
def test_text_over_the_limit_is_refused(
    people: People, api: Any, action: str, state: str, actor: str, body: dict[str, Any], field: str
) -> None:
    ticket = ticket_in(people, state)
    before = snapshot(ticket)

    r = api(getattr(people, actor)).post(
        f"/tickets/{ticket.pk}/{action}", {**body, field: "x" * 5001}
    )

    assert_refused(r, 422, before, field=field, code="invalid")


def test_line_breaks_are_kept_and_normalised(people: People, api: Any) -> None:
    ticket = ticket_in(people, "processing")

    r = api(people.requester).post(
        f"/tickets/{ticket.pk}/comment", {"text": "  First line\r\n\tSecond line  "}
    )

    assert r.status_code == 200, r.content
    assert timeline(ticket)[-1].note == "First line\n\tSecond line"


@pytest.mark.parametrize("title", ["Two\nlines", "NUL\x00", "tab\tand\x1b"], ids=repr)
def test_a_title_is_one_line_of_plain_text(people: People, api: Any, title: str) -> None:
    r = api(people.requester).post(
        f"/types/{people.ticket_type.pk}/tickets", {"title": title, "data": {"summary": "x"}}
    )

    assert_error(r, 422, field="title", code="invalid")


def test_a_member_value_with_control_characters_is_an_unknown_user(
    people: People, api: Any
) -> None:
    form = [{"key": "who", "label": "Who", "kind": "member"}]
    kind = TicketTypeFactory(
        desk=people.desk, name="Access", fields=form, handlers=[people.handler]
    )

    r = api(people.requester).post(f"/types/{kind.pk}/tickets", {"data": {"who": "alice\x00"}})

    assert_error(r, 422, field="who", code="invalid")


@pytest.mark.parametrize("param", ["q", "requester", "processor"])
def test_list_text_with_control_characters_is_a_bad_request(
    people: People, api: Any, param: str
) -> None:
    r = api(people.requester).get("/tickets", {param: "alice\x00"})

    assert_error(r, 400, field=param, code="bad_request")
