"""A desk's webhook: where its reminder events are POSTed, signed with its secret."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from servicetickets.core.auth import caller
from servicetickets.core.schemas import InSchema
from servicetickets.desks.selectors import desk_get_for_admin
from servicetickets.outbound import services

router = Router(tags=["desks"])


class WebhookIn(InSchema):
    url: str = Field(max_length=500)
    secret: str | None = Field(default=None, max_length=128)


class WebhookOut(Schema):
    url: str | None
    secret_set: bool


class WebhookSaved(Schema):
    url: str
    # Shown in this answer only; GET tells whether one is set.
    secret: str


@router.get("/desks/{desk_id}/webhook", response=WebhookOut)
def get_webhook(request: HttpRequest, desk_id: int) -> WebhookOut:
    desk = desk_get_for_admin(user=caller(request), desk_id=desk_id)
    return WebhookOut(url=desk.webhook_url or None, secret_set=bool(desk.webhook_secret))


@router.put("/desks/{desk_id}/webhook", response=WebhookSaved)
def put_webhook(request: HttpRequest, desk_id: int, payload: WebhookIn) -> WebhookSaved:
    actor = caller(request)
    desk = desk_get_for_admin(user=actor, desk_id=desk_id)
    desk = services.desk_webhook_set(desk=desk, url=payload.url, secret=payload.secret, actor=actor)
    return WebhookSaved(url=desk.webhook_url, secret=desk.webhook_secret)


@router.delete("/desks/{desk_id}/webhook", response={204: None})
def delete_webhook(request: HttpRequest, desk_id: int) -> HttpResponse:
    actor = caller(request)
    desk = desk_get_for_admin(user=actor, desk_id=desk_id)
    services.desk_webhook_clear(desk=desk, actor=actor)
    return HttpResponse(status=204)
