from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from servicetickets.accounts.selectors import users_by_username
from servicetickets.core.auth import caller
from servicetickets.desks.selectors import desk_get, desk_get_for_admin
from servicetickets.tickettypes import selectors, services
from servicetickets.tickettypes.models import FormVersion, TicketType
from servicetickets.tickettypes.schemas import FormOut, TypeIn, TypeOut, TypePatch

router = Router(tags=["ticket types"])


def target(hours_: float | None) -> timedelta | None:
    return timedelta(hours=hours_) if hours_ is not None else None


def hours(target_: timedelta | None) -> float | None:
    return round(target_.total_seconds() / 3600, 4) if target_ is not None else None


def type_out(kind: TicketType) -> TypeOut:
    form = FormVersion.objects.get(ticket_type=kind, version=kind.version)
    return TypeOut(
        id=kind.pk,
        desk_id=kind.desk_id,
        name=kind.name,
        description=kind.description,
        state=kind.state,
        deleted=kind.deleted,
        version=kind.version,
        fields=form.fields,
        handlers=sorted(u.username for u in kind.handlers.all()),
        response_hours=hours(kind.response_target),
        processing_hours=hours(kind.processing_target),
    )


@router.get("/desks/{desk_id}/types", response=list[TypeOut])
def list_types(request: HttpRequest, desk_id: int, deleted: bool = False) -> list[TypeOut]:
    desk = desk_get(desk_id=desk_id)
    kinds = selectors.type_list_for(user=caller(request), desk_id=desk.pk, include_deleted=deleted)
    return [type_out(k) for k in kinds.distinct().order_by("id")]


@router.post("/desks/{desk_id}/types", response={201: TypeOut})
def create_type(request: HttpRequest, desk_id: int, payload: TypeIn) -> Status[TypeOut]:
    actor = caller(request)
    desk = desk_get_for_admin(user=actor, desk_id=desk_id)
    kind = services.type_create(
        desk=desk,
        name=payload.name,
        description=payload.description,
        fields=payload.fields,
        handlers=users_by_username(usernames=payload.handlers, field="handlers"),
        response_target=target(payload.response_hours),
        processing_target=target(payload.processing_hours),
        actor=actor,
    )
    return Status(201, type_out(kind))


@router.get("/types/{type_id}", response=TypeOut)
def get_type(request: HttpRequest, type_id: int) -> TypeOut:
    return type_out(selectors.type_get_for(user=caller(request), type_id=type_id))


@router.get("/types/{type_id}/forms/{version}", response=FormOut)
def get_form_version(request: HttpRequest, type_id: int, version: int) -> FormOut:
    """The form a ticket was submitted with (its ``form_version``), to display it as it was."""
    row = selectors.form_version_get_for(user=caller(request), type_id=type_id, version=version)
    return FormOut(type_id=type_id, version=row.version, fields=row.fields)


@router.patch("/types/{type_id}", response=TypeOut)
def update_type(request: HttpRequest, type_id: int, payload: TypePatch) -> TypeOut:
    actor = caller(request)
    kind = selectors.type_get_for_admin(user=actor, type_id=type_id)
    handlers = (
        users_by_username(usernames=payload.handlers, field="handlers")
        if payload.handlers is not None
        else None
    )
    kind = services.type_update(
        kind=kind,
        name=payload.name,
        description=payload.description,
        fields=payload.fields,
        handlers=handlers,
        targets={
            f"{name}_target": target(getattr(payload, f"{name}_hours"))
            for name in ("response", "processing")
            if f"{name}_hours" in payload.model_fields_set
        },
        actor=actor,
    )
    return type_out(kind)


@router.delete("/types/{type_id}", response={204: None})
def delete_type(request: HttpRequest, type_id: int) -> HttpResponse:
    actor = caller(request)
    services.type_delete(
        kind=selectors.type_get_for_admin(user=actor, type_id=type_id), actor=actor
    )
    return HttpResponse(status=204)


@router.post("/types/{type_id}/publish", response=TypeOut)
def publish_type(request: HttpRequest, type_id: int) -> TypeOut:
    actor = caller(request)
    kind = selectors.type_get_for_admin(user=actor, type_id=type_id)
    return type_out(services.type_publish(kind=kind, actor=actor))


@router.post("/types/{type_id}/unpublish", response=TypeOut)
def unpublish_type(request: HttpRequest, type_id: int) -> TypeOut:
    actor = caller(request)
    kind = selectors.type_get_for_admin(user=actor, type_id=type_id)
    return type_out(services.type_unpublish(kind=kind, actor=actor))
