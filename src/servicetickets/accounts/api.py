from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from servicetickets.accounts import selectors, services
from servicetickets.accounts.models import User
from servicetickets.accounts.schemas import UserIn, UserOut
from servicetickets.core.auth import caller

router = Router(tags=["users"])


@router.post("/users", response={201: UserOut})
def create_user(request: HttpRequest, payload: UserIn) -> Status[User]:
    actor = caller(request)
    selectors.require_site_admin(actor)
    user = services.user_create(**payload.model_dump(), actor=actor)
    return Status(201, user)


@router.get("/users", response=list[UserOut])
def list_users(request: HttpRequest, q: str = "") -> list[User]:
    """Active users matching ``q`` (for pickers); site admins also see deactivated ones."""
    user = caller(request)
    return list(selectors.user_list(q=q.strip(), include_inactive=user.is_superuser))


@router.delete("/users/{username}", response={204: None})
def deactivate_user(request: HttpRequest, username: str) -> HttpResponse:
    actor = caller(request)
    selectors.require_site_admin(actor)
    services.user_deactivate(user=selectors.user_get(username=username), actor=actor)
    return HttpResponse(status=204)
