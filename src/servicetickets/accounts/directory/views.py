"""The OIDC routes: 404 unless OIDC is configured, and mozilla-django-oidc is only imported
once it is (so the project runs without the ``directory`` extra)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path

logger = logging.getLogger(__name__)


def oidc_authenticate(request: HttpRequest) -> HttpResponse:
    """Off to the provider's sign-in page (state, nonce and ``next`` kept in the session)."""
    if not settings.OIDC_ENABLED:
        raise Http404
    import requests

    from servicetickets.accounts.directory.oidc import DirectoryOIDCRequestView

    try:
        response: HttpResponse = DirectoryOIDCRequestView.as_view()(request)
    except requests.RequestException as exc:
        # Discovery failed: back to the sign-in page, which says so and still takes passwords.
        logger.warning("OIDC sign-in not started, the provider did not answer: %s", exc)
        return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: the code is exchanged and the user signed in, or sent back to
    the sign-in page with a message."""
    if not settings.OIDC_ENABLED:
        raise Http404
    from servicetickets.accounts.directory.oidc import DirectoryOIDCCallbackView

    response: HttpResponse = DirectoryOIDCCallbackView.as_view()(request)
    return response


# The names are mozilla-django-oidc's defaults, which it reverses itself.
urlpatterns: list[URLPattern] = [
    path("accounts/oidc/authenticate/", oidc_authenticate, name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc_callback, name="oidc_authentication_callback"),
]
