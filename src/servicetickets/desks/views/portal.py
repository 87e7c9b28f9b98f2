"""Employee portal: each desk's menu, the way into a ticket type's submission form."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from servicetickets.desks.selectors import OfferedEntry, desk_get, menu_offered


@dataclass(frozen=True)
class Section:
    """What the page lists under one heading: a group's entries, or (no label) a run of
    top-level entries between groups."""

    label: str | None
    entries: list[OfferedEntry]


def _sections(menu: list[OfferedEntry]) -> list[Section]:
    sections: list[Section] = []
    for entry in menu:
        if entry.children:
            sections.append(Section(label=entry.label, entries=list(entry.children)))
        elif sections and sections[-1].label is None:
            sections[-1].entries.append(entry)
        else:
            sections.append(Section(label=None, entries=[entry]))
    return sections


@login_required
def desk_menu(request: HttpRequest, desk_id: int) -> HttpResponse:
    """The desk's custom menu: entries and one level of groups, each opening a published
    type's form. Every member may open every desk (``desks.selectors.desk_list_for``)."""
    desk = desk_get(desk_id=desk_id)
    sections = _sections(menu_offered(desk=desk))
    return render(request, "desks/portal_desk.html", {"desk": desk, "sections": sections})


urlpatterns: list[URLPattern] = [
    path("desks/<int:desk_id>/", desk_menu, name="desk"),
]
