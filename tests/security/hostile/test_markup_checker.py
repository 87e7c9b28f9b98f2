"""The checker the page tests rely on does catch a payload that was let through: each markup
payload drawn unescaped (``|safe``) is flagged, and drawn escaped is not."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tests.security.hostile.markup import problems, read
from tests.security.hostile.payloads import PAYLOADS, Payload

#: Payloads that create markup when drawn unescaped, in text and in a double-quoted attribute.
IN_TEXT = ("script", "img-onerror", "textarea-close", "script-close", "svg-onload", "htmx-attr")
IN_ATTRIBUTE = ("img-onerror",)

_PAGE = Template(
    '<p title="{{ v }}">{{ v }}</p><textarea>{{ v }}</textarea>'
    '<script id="d" type="application/json">{"v": 1}</script>'
    '<button hx-vals=\'{"v": "{{ v|escapejs }}"}\'>x</button>'
)
_UNSAFE = Template('<p title="{{ v|safe }}">{{ v|safe }}</p>')


def _payload(name: str) -> Payload:
    return next(p for p in PAYLOADS if p.id == name)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.id for p in PAYLOADS])
def test_escaped_payloads_pass_and_read_back_as_text(payload: Payload) -> None:
    page = read(_PAGE.render(Context({"v": payload.text})))

    assert problems(page) == []
    assert page.visible().count(" ".join(payload.text.split())) == 2
    assert page.elements[0].attrs["title"] == payload.text


@pytest.mark.parametrize("name", IN_TEXT)
def test_unescaped_markup_payloads_are_caught(name: str) -> None:
    page = read(_UNSAFE.render(Context({"v": _payload(name).text})))

    assert problems(page) != []


@pytest.mark.parametrize(
    "html",
    [
        '<a href=" JavaScript:alert(1)">x</a>',
        '<p onclick="x()">x</p>',
        "<script>alert(1)</script>",
        '<script type="application/json">{"a": </script>',
        '<div hx-vals=\'{"a": "b\'>x</div>',
        '<b id="x_9">x</b>',
        '<a href="//evil.example/x_9">x</a>',
        '<div hx-get="https://evil.example/?x_9">x</div>',
    ],
)
def test_each_rule_catches_its_attack(html: str) -> None:
    assert problems(read(html)) != []
