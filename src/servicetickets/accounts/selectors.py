"""Reads of users."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from servicetickets.accounts.models import ApiToken, User
from servicetickets.core.errors import BadRequest, Forbidden, Invalid, NotFound
from servicetickets.core.text import check_text


def user_list(*, q: str = "", include_inactive: bool = False, limit: int = 50) -> QuerySet[User]:
    """``user_search`` capped at ``limit``, active users only by default: for pickers."""
    return user_search(q=q, include_inactive=include_inactive)[:limit]


def user_get(*, username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No user with that username."), field="username")
    return user


def users_by_username(
    *, usernames: Iterable[str], field: str, active_only: bool = True
) -> list[User]:
    """Resolve usernames in order, or refuse naming the first unknown one (``field[i]``)."""
    wanted = list(usernames)
    qs = User.objects.filter(username__in=wanted)
    if active_only:
        qs = qs.filter(is_active=True)
    found = {u.username: u for u in qs}
    result = []
    for i, name in enumerate(wanted):
        if name not in found:
            raise Invalid(
                _("Unknown user: %(username)s.") % {"username": name}, field=f"{field}[{i}]"
            )
        result.append(found[name])
    return result


def require_site_admin(user: User) -> None:
    if not user.is_superuser:
        raise Forbidden(_("Only a site admin may do this."))


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (only their prefixes can be shown)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def user_search(*, q: str = "", include_inactive: bool = True) -> QuerySet[User]:
    """Users matching ``q`` in username, name or e-mail, by username, unsliced so a page can
    paginate it (``user_list`` is the capped variant for pickers)."""
    # A search is a filter: control characters are a malformed request, as in the ticket list
    # (PostgreSQL cannot even compare text with NUL: a 500 before).
    check_text(q, field="q", single_line=True, error=BadRequest)
    qs = User.objects.all().order_by("username")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    q = q.strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q) | Q(email__icontains=q))
    return qs
