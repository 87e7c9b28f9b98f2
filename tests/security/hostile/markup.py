"""Reading a page as a browser's parser would, to tell text from markup a payload created.

``assert_inert`` fails when a page has an element or attribute that did not come from our
templates: an ``on*`` handler, a ``javascript:`` link, an inline script that is not JSON data,
or the payload marker in a tag, an attribute name or an attribute that is not plain text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.security.hostile.payloads import MARKER

#: Attributes whose value is shown or read as text (a payload there is escaped data).
TEXT_ATTRIBUTES = frozenset({"value", "title", "alt", "placeholder", "content", "label"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})
#: Attributes holding a URL htmx requests: with ``URL_ATTRIBUTES``, data may sit in the query
#: of a URL of our own (a page that refreshes itself with the filters it was asked).
HTMX_URL_ATTRIBUTES = frozenset({"hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"})
OWN_URL_STARTS = ("?", "#", "mailto:", "tel:")
#: htmx reads these as JSON: a value that broke out of its quotes no longer parses.
JSON_ATTRIBUTES = frozenset({"hx-vals", "hx-headers"})
#: Inline scripts may only carry data: the CSP forbids inline code.
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    scripts: list[tuple[Element, str]] = field(default_factory=list)

    def visible(self) -> str:
        """All text outside scripts and styles, whitespace collapsed."""
        return squash(" ".join(self.text))

    def attribute_values(self) -> list[str]:
        return [value for element in self.elements for value in element.attrs.values()]

    def json_scripts(self) -> dict[str, object]:
        return {
            element.attrs.get("id", ""): json.loads(body)
            for element, body in self.scripts
            if element.attrs.get("type") in DATA_SCRIPT_TYPES
        }


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open_script: Element | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.page.elements.append(element)
        if tag == "script":
            self._open_script = element
            self.page.scripts.append((element, ""))
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open_script = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._open_script is not None:
            element, body = self.page.scripts[-1]
            self.page.scripts[-1] = (element, body + data)
        elif not self._in_style:
            self.page.text.append(data)


def squash(text: str) -> str:
    return " ".join(text.split())


def read(html: str | bytes) -> Page:
    reader = _Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    reader.close()
    return reader.page


def _holds_data(name: str, value: str) -> bool:
    """Whether a payload in this attribute is data (text, JSON, our own URL's query)."""
    if name in TEXT_ATTRIBUTES | JSON_ATTRIBUTES or name.startswith(("data-", "aria-")):
        return True
    if name in URL_ATTRIBUTES | HTMX_URL_ATTRIBUTES:
        own_path = value.startswith("/") and not value.startswith("//")
        return own_path or value.startswith(OWN_URL_STARTS)
    return False


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def problems(page: Page) -> list[str]:
    """What the page has that no template of ours writes."""
    found = []
    for element in page.elements:
        if MARKER in element.tag:
            found.append(f"element <{element.tag}>")
        for name, value in element.attrs.items():
            if name.startswith("on") or MARKER in name:
                found.append(f"attribute {name}= on <{element.tag}>")
            if name in URL_ATTRIBUTES and "".join(value.split()).lower().startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                found.append(f"{name}={value!r} on <{element.tag}>")
            if MARKER in value and not _holds_data(name, value):
                found.append(f"marker in {name}= of <{element.tag}>")
            if name in JSON_ATTRIBUTES and not _is_json(value):
                found.append(f"{name}={value!r} on <{element.tag}> is not JSON")
    for element, body in page.scripts:
        if "src" in element.attrs:
            continue
        if element.attrs.get("type") not in DATA_SCRIPT_TYPES:
            found.append(f"inline script {body[:80]!r}")
            continue
        try:
            json.loads(body)
        except ValueError:
            found.append(f"broken JSON script {body[:80]!r}")
    return found


def assert_inert(html: str | bytes, where: str) -> Page:
    """The page holds no markup a payload created; returns it parsed for further checks."""
    page = read(html)
    found = problems(page)
    assert not found, f"{where}: {found}"
    return page


def assert_shown(page: Page, stored: str, where: str) -> None:
    """``stored`` (as the database holds it) reads as text on the page, not as markup."""
    assert squash(stored) in page.visible(), f"{where}: {stored[:80]!r} is not shown as text"
