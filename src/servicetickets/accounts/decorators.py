"""Page access for the site admin area."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from servicetickets.core.auth import caller
from servicetickets.core.errors import NotFound


def site_admin_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to sign-in; signed-in people who are not site admins get 404, so
    the site admin area (pages and fragments) does not reveal that it exists."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not caller(request).is_superuser:
            raise NotFound(_("This page does not exist, or you may not see it."))
        return view(request, *args, **kwargs)

    return login_required(wrapped)
