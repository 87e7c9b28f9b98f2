from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from servicetickets.accounts.selectors import require_site_admin, user_get
from servicetickets.core.auth import caller
from servicetickets.core.errors import Invalid, NotFound
from servicetickets.desks import selectors, services
from servicetickets.desks.models import Desk, MenuEntry
from servicetickets.desks.schemas import (
    DeskAdminIn,
    DeskIn,
    DeskOut,
    MenuEntryIn,
    MenuEntryOut,
    MenuIn,
    MenuOut,
)

router = Router(tags=["desks"])


@router.post("/desks", response={201: DeskOut})
def create_desk(request: HttpRequest, payload: DeskIn) -> Status[Desk]:
    actor = caller(request)
    require_site_admin(actor)
    return Status(201, services.desk_create(code=payload.code, name=payload.name, actor=actor))


@router.get("/desks", response=list[DeskOut])
def list_desks(request: HttpRequest) -> list[Desk]:
    return list(selectors.desk_list_for(user=caller(request)))


@router.post("/desks/{desk_id}/admins", response={204: None})
def add_desk_admin(request: HttpRequest, desk_id: int, payload: DeskAdminIn) -> HttpResponse:
    actor = caller(request)
    require_site_admin(actor)
    desk = selectors.desk_get(desk_id=desk_id)
    try:
        user = user_get(username=payload.username)
    except NotFound as exc:
        raise Invalid(exc.message, field="username") from exc
    services.desk_admin_add(desk=desk, user=user, actor=actor)
    return HttpResponse(status=204)


def _menu_out(entries: list[MenuEntry]) -> MenuOut:
    def one(entry: MenuEntry) -> MenuEntryOut:
        kind = entry.ticket_type
        return MenuEntryOut(
            label=entry.label,
            type_id=entry.ticket_type_id,
            type_name=kind.name if kind is not None else None,
            children=[one(child) for child in entry.children.all()],
        )

    return MenuOut(entries=[one(e) for e in entries])


@router.get("/desks/{desk_id}/menu", response=MenuOut)
def get_menu(request: HttpRequest, desk_id: int) -> MenuOut:
    desk = selectors.desk_get(desk_id=desk_id)
    return _menu_out(selectors.menu_get(desk=desk))


@router.put("/desks/{desk_id}/menu", response=MenuOut)
def put_menu(request: HttpRequest, desk_id: int, payload: MenuIn) -> MenuOut:
    actor = caller(request)
    desk = selectors.desk_get_for_admin(user=actor, desk_id=desk_id)

    def item(entry: MenuEntryIn) -> services.MenuItem:
        return services.MenuItem(
            label=entry.label, type_id=entry.type_id, children=[item(c) for c in entry.children]
        )

    services.menu_set(desk=desk, entries=[item(e) for e in payload.entries], actor=actor)
    return _menu_out(selectors.menu_get(desk=desk))
