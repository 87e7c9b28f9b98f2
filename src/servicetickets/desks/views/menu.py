"""Desk admins: the desk's custom menu editor. The page holds the editor (desks/menu.js);
Save posts the whole menu as JSON here, which calls ``menu_set`` (all its rules) and answers
the stored menu or the error naming the entry (``entries[1].children[0].label``)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from servicetickets.core.auth import caller
from servicetickets.core.errors import AppError, Invalid
from servicetickets.desks.models import Desk, MenuEntry
from servicetickets.desks.selectors import menu_get
from servicetickets.desks.services import MENU_ENTRIES_MAX, MENU_LABEL_MAX, MenuItem, menu_set
from servicetickets.tickettypes.models import TypeState
from servicetickets.tickettypes.selectors import type_list_for
from servicetickets.tickettypes.views.access import admin_desk
from servicetickets.web.errors import error_status


def _entries(desk: Desk) -> list[dict[str, Any]]:
    def one(entry: MenuEntry) -> dict[str, Any]:
        return {
            "label": entry.label,
            "type_id": entry.ticket_type_id,
            "children": [one(child) for child in entry.children.all()],
        }

    return [one(e) for e in menu_get(desk=desk)]


def _strings() -> dict[str, str]:
    """Every text menu.js shows, translated here."""
    return {
        "group": _("Group"),
        "entry": _("Entry"),
        "label": _("Label"),
        "type": _("Ticket type"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "into_group": _("Move into the group above"),
        "out_of_group": _("Move out of the group"),
        "remove": _("Remove"),
        "empty": _("The menu is empty: add an entry for a published ticket type."),
        "empty_group": _("Drag entries here, or use “Move into the group above”."),
        "moved": _("%(label)s moved to position %(n)s of %(total)s."),
        "moved_in": _("%(label)s moved into %(group)s."),
        "moved_out": _("%(label)s moved out of %(group)s."),
        "added": _("%(label)s added."),
        "removed": _("%(label)s removed."),
        "saved": _("Menu saved."),
        "saving": _("Saving…"),
        "failed": _("Could not save. Check your connection and try again."),
        "unpublished": _("(not published)"),
        "drag": _("Drag to reorder"),
        "unsaved": _("Unsaved changes"),
    }


def _item(raw: Any, path: str) -> MenuItem:
    """Parse one posted entry; shape errors name it like the service does."""
    if not isinstance(raw, dict):
        raise Invalid(_("Each entry must be an object."), field=path)
    label = raw.get("label")
    type_id = raw.get("type_id")
    children = raw.get("children") or []
    if not isinstance(label, str):
        raise Invalid(_("Enter text."), field=f"{path}.label")
    if type_id is not None and (isinstance(type_id, bool) or not isinstance(type_id, int)):
        raise Invalid(_("Choose a published ticket type of this desk."), field=f"{path}.type_id")
    if not isinstance(children, list):
        raise Invalid(_("Enter a list of entries."), field=f"{path}.children")
    return MenuItem(
        label=label,
        type_id=type_id,
        children=[_item(c, f"{path}.children[{j}]") for j, c in enumerate(children)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def menu_edit(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = admin_desk(request, desk_id)
    if request.method == "POST":
        return _save(request, desk)
    published = [
        {"id": k.pk, "name": k.name}
        for k in type_list_for(user=caller(request), desk_id=desk.pk)
        .filter(state=TypeState.PUBLISHED)
        .order_by("name")
    ]
    raw_add = request.GET.get("add", "")
    add = next((t for t in published if str(t["id"]) == raw_add), None)
    config = {
        "entries": _entries(desk),
        "types": published,
        "add": add["id"] if add else None,
        "labelMax": MENU_LABEL_MAX,
        "entriesMax": MENU_ENTRIES_MAX,
        "strings": _strings(),
    }
    return render(
        request,
        "desks/menu.html",
        {"desk": desk, "config": config, "types": published, "add": add},
    )


def _save(request: HttpRequest, desk: Desk) -> JsonResponse:
    try:
        body = json.loads(request.body or b"null")
        entries = body.get("entries") if isinstance(body, dict) else None
        if not isinstance(entries, list):
            raise Invalid(_('Send the menu as {"entries": [...]}.'), field="entries")
        items = [_item(e, f"entries[{i}]") for i, e in enumerate(entries)]
        menu_set(desk=desk, entries=items, actor=caller(request))
    except ValueError:
        error = Invalid(_("The menu could not be read."), field="entries")
        return JsonResponse(error.as_body(), status=422)
    except AppError as exc:
        return JsonResponse(exc.as_body(), status=error_status(exc))
    return JsonResponse({"entries": _entries(desk), "message": _("Menu saved.")})


urlpatterns: list[URLPattern] = [
    path("manage/desks/<int:desk_id>/menu/", menu_edit, name="desk-menu"),
]
