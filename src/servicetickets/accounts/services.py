"""Changes to users and their API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicetickets.accounts.models import ApiToken, User
from servicetickets.audit.actions import SECRET_CHANGED
from servicetickets.audit.services import audit_record, created
from servicetickets.core.errors import Conflict, Invalid
from servicetickets.core.text import check_text

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{1,150}$")
TOKEN_PREFIX = "st_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    username: str,
    name: str = "",
    email: str = "",
    password: str | None = None,
    site_admin: bool = False,
    actor: User | None = None,
) -> User:
    username = username.strip()
    if not USERNAME_RE.fullmatch(username):
        raise Invalid(
            _("Username must be 1 to 150 letters, digits or . @ + - _ characters."),
            field="username",
        )
    name = name.strip()
    check_text(name, field="name", single_line=True)
    if len(name) > 100:
        raise Invalid(_("Name must be at most %(n)d characters.") % {"n": 100}, field="name")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError as exc:
            raise Invalid(_("Enter a valid e-mail address."), field="email") from exc
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("A user with that username already exists."), field="username", code="exists"
        )
    user = User(
        username=username, name=name, email=email, is_superuser=site_admin, is_staff=site_admin
    )
    if password is not None:
        # The installation's password rules (AUTH_PASSWORD_VALIDATORS), with Django's messages.
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise Invalid(exc.messages[0], field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise Conflict(
            _("A user with that username already exists."), field="username", code="exists"
        ) from exc
    values: dict[str, object] = {
        "username": username,
        "name": name,
        "email": email,
        "site_admin": site_admin,
    }
    changes = created(values)
    if password is not None:
        changes["password"] = SECRET_CHANGED
    _audit(user, "user.create", actor, changes)
    return user


def _audit(user: User, action: str, actor: User | None, changes: dict[str, object]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="user",
        target_id=user.pk,
        label=user.username,
        changes=changes,
    )


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None) -> None:
    """Deactivate, never erase: tickets, timelines and reports keep the person. Their API
    tokens are revoked; their sessions stop working because inactive users cannot sign in.
    A site admin cannot deactivate themselves (the installation could lose its last admin)."""
    if actor is not None and actor.pk == user.pk:
        raise Conflict(_("You cannot deactivate yourself."), field="username")
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user).delete()
    if was_active:
        _audit(user, "user.deactivate", actor, {"active": {"before": True, "after": False}})


@transaction.atomic
def user_set_site_admin(*, user: User, site_admin: bool, actor: User | None = None) -> None:
    """Make ``user`` a site admin or not (directory sign-in brings this in line with the
    directory's groups); nothing happens, and nothing is logged, when it already is so."""
    if user.is_superuser == site_admin:
        return
    user.is_superuser = user.is_staff = site_admin
    user.save(update_fields=["is_superuser", "is_staff"])
    _audit(
        user,
        "user.site_admin",
        actor,
        {"site_admin": {"before": not site_admin, "after": site_admin}},
    )


def token_create(*, user: User) -> str:
    """Make a new token for ``user`` and return it; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_digest(token), prefix=token[:10])
    return token


def token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of ``user``'s tokens; False when it is not theirs (or already gone)."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def token_authenticate(*, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    # Record use at most once a minute so reads do not turn into writes.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
