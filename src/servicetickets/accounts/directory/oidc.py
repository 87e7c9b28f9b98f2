"""OIDC sign-in (mozilla-django-oidc, authorization code flow) with discovery from
``OIDC_ISSUER``, users matched by a username claim and roles synced from a groups claim.

Imported only when OIDC is configured (settings name the backend, the views load it)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from servicetickets.accounts import services
from servicetickets.accounts.directory.profile import fit_profile, fitted
from servicetickets.accounts.directory.roles import sync_roles
from servicetickets.accounts.models import User
from servicetickets.accounts.services import USERNAME_RE
from servicetickets.core.errors import AppError

logger = logging.getLogger(__name__)

# Our setting -> the discovery document's key, for the endpoints not given explicitly.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_documents: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document, fetched once per process (and again after a
    failure); its ``issuer`` must be the configured one, as OIDC Discovery requires."""
    with _lock:
        if issuer not in _documents:
            url = issuer.rstrip("/") + "/.well-known/openid-configuration"
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
                raise ImproperlyConfigured(
                    f"OIDC_ISSUER is {issuer!r} but the provider says {document.get('issuer')!r}"
                )
            _documents[issuer] = document
        return _documents[issuer]


def oidc_setting(attr: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting: explicit settings win, endpoints come from discovery."""
    value = getattr(settings, attr, None)
    if value:
        return value
    if attr in DISCOVERED and settings.OIDC_ISSUER:
        return discovery(settings.OIDC_ISSUER).get(DISCOVERED[attr])
    if default:
        return default[0]
    if value is None:
        raise ImproperlyConfigured(f"Setting {attr} not found")
    return value


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """Users are matched by ``OIDC_USERNAME_CLAIM`` (not by e-mail, which two people may
    share or change), created through ``user_create`` (audited), kept in line with the
    directory's name and e-mail, and given the roles their groups map to."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every password sign-in too: those must neither wait
        # for the provider nor fail with it, so the endpoints are only resolved at the callback.
        self.UserModel = User

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        # Only the callback view's call (it passes the session's nonce): a password sign-in
        # posted to a URL that carries ?code=…&state=… must not start a code exchange.
        if request is None or not kwargs.get("nonce") or "password" in kwargs:
            return None
        try:
            super().__init__()
            user: User | None = super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            logger.warning("OIDC sign-in failed, the provider did not answer: %s", exc)
            return None
        return user

    def _username(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(USERNAME_RE.fullmatch(self._username(claims)))

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_ISSUER
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(username__iexact=self._username(claims))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"username {self._username(claims)}"

    def create_user(self, claims: dict[str, Any]) -> User:
        name, email = fitted(claims.get("name"), claims.get("email"))
        try:
            user = services.user_create(username=self._username(claims), name=name, email=email)
        except AppError as exc:
            raise SuspiciousOperation(f"cannot create the user: {exc.message}") from exc
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        before = (user.name, user.email)
        user.name = str(claims.get("name") or user.name)
        user.email = str(claims.get("email") or user.email)
        fit_profile(user, email_before=before[1])
        if (user.name, user.email) != before:
            user.save(update_fields=["name", "email"])
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        sync_roles(user, [str(group) for group in groups])
        return user


class DirectoryOIDCRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class DirectoryOIDCCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)
