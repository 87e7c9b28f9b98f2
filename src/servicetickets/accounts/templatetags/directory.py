"""``{% directory_signin %}``: the sign-in page's "Sign in with …" link when OIDC is
configured, and the message after a directory sign-in that did not succeed."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.context import Context

register = template.Library()


@register.inclusion_tag("accounts/directory_signin.html", takes_context=True)
def directory_signin(context: Context) -> dict[str, Any]:
    request = context.get("request")
    failed = request is not None and request.GET.get("directory") == "failed"
    return {
        "oidc": settings.OIDC_ENABLED,
        "oidc_name": settings.OIDC_NAME,
        "next": context.get("next", ""),
        "failed": failed,
    }
