"""Our JavaScript never turns data into markup: no ``innerHTML``-like sink in any static script,
except the designer's preview, which inserts the server's own escaped rendering (proven by
``test_pages`` on ``designer preview``)."""

from __future__ import annotations

import re
from pathlib import Path

import servicetickets

SOURCES = Path(servicetickets.__file__).parent
SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\s*=|insertAdjacentHTML|document\.write|"
    r"createContextualFragment|\bDOMParser\b|\beval\s*\(|new\s+Function\s*\(|setHTMLUnsafe"
)
#: file -> the one sink it may use, and why.
ALLOWED = {
    "tickettypes/static/tickettypes/designer.js": "DOMParser",  # the server's preview markup
}


def _scripts() -> list[Path]:
    return sorted(SOURCES.glob("*/static/**/*.js"))


def test_there_are_scripts_to_check() -> None:
    assert len(_scripts()) >= 10


def test_no_script_writes_markup_from_strings() -> None:
    found = []
    for path in _scripts():
        name = path.relative_to(SOURCES).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("//"):
                continue
            for sink in SINKS.findall(line):
                if ALLOWED.get(name) != sink.strip():
                    found.append(f"{name}:{number}: {line.strip()}")
    assert found == []


def test_the_element_helper_refuses_no_property_names_it_should() -> None:
    """``h()`` in dom.js sets properties by name; no caller passes a markup property."""
    callers = [p for p in _scripts() if p.parent.name in ("tickettypes", "desks")]
    for path in callers:
        assert not re.search(r"\b(innerHTML|outerHTML)\s*:", path.read_text()), path
