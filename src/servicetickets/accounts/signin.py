"""Password sign-in with a lockout that holds under parallel attempts.

Every password check is counted *before* it runs, by one conditional UPDATE that only succeeds
while the count is under the limit (SQLite's IMMEDIATE transactions serialise the writers,
PostgreSQL re-checks the WHERE under the row lock), so fifty attempts at once still get at most
``SIGNIN_MAX_FAILURES`` checks. Two counters apply: the username (lower case, known or not, so a
lock says nothing about whether the account exists) and the client address (IPv6 by /64).
A successful sign-in clears the username's counter and gives its address back the one attempt
it used. A refused attempt gets exactly the answer of a wrong password: same page, same status.

Our own model instead of django-axes: axes checks the lock before authenticating and records the
failure after, so parallel attempts all pass the check; it also brings three tables, a
middleware and a required backend for what is one small table here.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone

from servicetickets.accounts.models import SigninThrottle


def username_key(username: str) -> str:
    return "user:" + username.strip().lower()[:150]


def address_key(request: HttpRequest | None) -> str | None:
    """The client's address (uvicorn already puts a trusted proxy's client there); IPv6 by
    /64, the block one machine usually holds."""
    raw = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if address.version == 6:
        return "ip:" + str(ipaddress.ip_network(f"{address}/64", strict=False))
    return f"ip:{address}"


def _reserve(key: str, *, limit: int, now: datetime) -> bool:
    """Count one password check for ``key``; False (nothing counted) when it is locked."""
    window = timedelta(minutes=settings.SIGNIN_WINDOW_MINUTES)
    lock = timedelta(minutes=settings.SIGNIN_LOCK_MINUTES)
    rows = SigninThrottle.objects.filter(key=key)
    with transaction.atomic():
        SigninThrottle.objects.bulk_create(
            [SigninThrottle(key=key, window_start=now)], ignore_conflicts=True
        )
        # A lock that ran out, or a window that passed unlocked, starts over.
        rows.filter(
            Q(locked_until__lte=now) | Q(locked_until__isnull=True, window_start__lte=now - window)
        ).update(failures=0, window_start=now, locked_until=None)
        taken = rows.filter(failures__lt=limit, locked_until__isnull=True).update(
            failures=F("failures") + 1,
            # SET sees the old count: the check that reaches the limit starts the lock.
            locked_until=Case(
                When(failures__gte=limit - 1, then=Value(now + lock)),
                default=None,
                output_field=DateTimeField(),
            ),
        )
    return taken == 1


def signin_allowed(*, username: str, request: HttpRequest | None) -> bool:
    """Reserve one password check for this address and username, or refuse."""
    now = timezone.now()
    address = address_key(request)
    if address is not None and not _reserve(
        address, limit=settings.SIGNIN_IP_MAX_FAILURES, now=now
    ):
        return False
    return _reserve(username_key(username), limit=settings.SIGNIN_MAX_FAILURES, now=now)


def signin_succeeded(*, username: str, request: HttpRequest | None) -> None:
    """The password was right: the username starts over, the address gets its attempt back."""
    SigninThrottle.objects.filter(key=username_key(username)).update(
        failures=0, window_start=timezone.now(), locked_until=None
    )
    address = address_key(request)
    if address is not None:
        SigninThrottle.objects.filter(key=address, failures__gt=0).update(
            failures=F("failures") - 1, locked_until=None
        )


class SigninForm(AuthenticationForm):
    """Django's sign-in form (same fields and messages) with the lockout around the check.
    Every password check, whatever backends are configured, goes through here."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            if not signin_allowed(username=username, request=self.request):
                raise self.get_invalid_login_error()
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            signin_succeeded(username=username, request=self.request)
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
