from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person of the organisation. Never erased: deactivation keeps all history.

    ``is_superuser`` is the site-admin flag; ``name`` is the display name (the source's nickname).
    """

    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ignoring_case")
        ]

    @property
    def site_admin(self) -> bool:
        return bool(self.is_superuser)

    @property
    def display_name(self) -> str:
        return self.name or self.username


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 digest is stored; it is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class SigninThrottle(models.Model):
    """Password checks counted per key (``user:<username, lower case>`` or ``ip:<address>``).

    A check is counted *before* the password is tried, with one conditional UPDATE, so parallel
    attempts can never run more checks than the limit; ``accounts.signin`` holds the rules."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class DirectoryGrant(models.Model):
    """A role that directory sign-in granted (``key`` is ``site_admin``, ``desk_admin:<desk
    id>`` or ``handler:<type id>``). Only these are withdrawn when the user leaves the group:
    a role an admin granted by hand has no row here and is never touched."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_grants"
    )
    key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "key", name="directorygrant_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
