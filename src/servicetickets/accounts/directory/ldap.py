"""LDAP sign-in through the normal sign-in form (django-auth-ldap), after local accounts.

Settings name this backend only when ``LDAP_URL`` is set; its django-auth-ldap settings are
built here from the plain ``LDAP_*`` settings, so settings.py never imports ``ldap``."""

from __future__ import annotations

from typing import Any

import ldap
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend, populate_user
from django_auth_ldap.config import (
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    PosixGroupType,
)

from servicetickets.accounts import services
from servicetickets.accounts.directory.profile import fit_profile, fitted
from servicetickets.accounts.directory.roles import sync_roles
from servicetickets.accounts.models import User
from servicetickets.core.errors import AppError

GROUP_TYPES = {
    "groupofnames": GroupOfNamesType,
    "groupofuniquenames": GroupOfUniqueNamesType,
    "posixgroup": PosixGroupType,
}


def ldap_settings() -> dict[str, Any]:
    """django-auth-ldap's settings (without their ``AUTH_LDAP_`` prefix) from ours."""
    group_type = GROUP_TYPES.get(settings.LDAP_GROUP_TYPE.lower())
    if group_type is None:
        raise RuntimeError(
            f"LDAP_GROUP_TYPE must be one of groupOfNames, groupOfUniqueNames, posixGroup; "
            f"got {settings.LDAP_GROUP_TYPE!r}"
        )
    options: dict[Any, Any] = {ldap.OPT_NETWORK_TIMEOUT: settings.LDAP_TIMEOUT}
    if settings.LDAP_CA_FILE:
        options[ldap.OPT_X_TLS_CACERTFILE] = settings.LDAP_CA_FILE
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    values: dict[str, Any] = {
        "SERVER_URI": settings.LDAP_URL,
        "BIND_DN": settings.LDAP_BIND_DN,
        "BIND_PASSWORD": settings.LDAP_BIND_PASSWORD,
        "START_TLS": settings.LDAP_START_TLS,
        "CONNECTION_OPTIONS": options,
        "USER_SEARCH": LDAPSearch(
            settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER
        ),
        "USER_ATTR_MAP": {"name": settings.LDAP_NAME_ATTR, "email": settings.LDAP_EMAIL_ATTR},
        "ALWAYS_UPDATE_USER": True,
    }
    if settings.LDAP_GROUP_SEARCH_BASE:
        values["GROUP_SEARCH"] = LDAPSearch(
            settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_GROUP_FILTER
        )
        values["GROUP_TYPE"] = group_type(name_attr="cn")
    return values


class DirectoryLDAPBackend(LDAPBackend):
    """django-auth-ldap with: users created through ``user_create`` (audited), deactivated
    users refused exactly like a wrong password, and roles synced from the groups."""

    # Ours only: no AUTH_LDAP_* setting is read, the LDAP_* ones are.
    settings_prefix = "DIRECTORY_AUTH_LDAP_"

    @property
    def default_settings(self) -> dict[str, Any]:
        return ldap_settings()

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        user = User.objects.filter(username__iexact=username).first()
        if user is not None:
            return user, False
        attrs = ldap_user.attrs or {}
        name, email = fitted(
            _first(attrs, settings.LDAP_NAME_ATTR), _first(attrs, settings.LDAP_EMAIL_ATTR)
        )
        try:
            user = services.user_create(username=username.lower(), name=name, email=email)
        except AppError as exc:
            raise type(ldap_user).AuthenticationFailed(str(exc.message)) from exc
        return user, False

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        user: User | None = super().authenticate_ldap_user(ldap_user, password)
        if user is None or not user.is_active:
            return None
        # Without a group search the directory gives no roles (and withdraws its old ones).
        groups = ldap_user.group_names if settings.LDAP_GROUP_SEARCH_BASE else set()
        sync_roles(user, groups)
        return user


def _fit(sender: Any, user: User, **kwargs: Any) -> None:
    """What the directory says, made to fit our fields before django-auth-ldap saves it."""
    fit_profile(user)


populate_user.connect(_fit, sender=DirectoryLDAPBackend, dispatch_uid="directory-ldap-fit")


def _first(attrs: dict[str, list[str]], name: str) -> str:
    values = attrs.get(name) or attrs.get(name.lower()) or [""]
    return str(values[0])
