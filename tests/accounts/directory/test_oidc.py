"""OIDC sign-in, the real authorization code flow against a real provider on loopback: the
sign-in page offers "Sign in with …", the provider's code is exchanged for tokens whose
signature, nonce and issuer are checked, the user is created from the claims with the roles
their ``groups`` claim maps to, and later sign-ins bring the roles in line with the claim
without touching roles granted by an admin. Local accounts keep signing in with a password."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import DirectoryGrant, User
from servicetickets.accounts.services import user_deactivate
from servicetickets.audit.models import AuditEntry
from servicetickets.desks.services import desk_admin_add
from tests.accounts.directory.conftest import Provider
from tests.conftest import People
from tests.factories import PASSWORD, DeskFactory

pytestmark = pytest.mark.django_db


def oidc_sign_in(sub: str, *, next_url: str = "") -> tuple[Any, Client]:
    """Start at our sign-in link, approve as ``sub`` at the provider, come back with the code."""
    client = Client()
    start = client.get("/accounts/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert start.status_code == 302
    approved = httpx.post(start["Location"], data={"sub": sub})
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["location"])
    assert back.path == "/accounts/oidc/callback/"
    return client.get(f"{back.path}?{back.query}"), client


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_sign_in_page_offers_the_provider(oidc_on: Provider) -> None:
    page = Client().get("/accounts/login/?next=/tickets/")
    html = page.content.decode()
    assert "Sign in with Example SSO" in html
    assert 'href="/accounts/oidc/authenticate/?next=/tickets/"' in html
    # The password form is still there for local and LDAP accounts.
    assert 'name="password"' in html


def test_directory_user_signs_in_and_gets_mapped_roles(
    oidc_on: Provider, people: People, printer: Any
) -> None:
    oidc_on.set_user(
        "sub-1",
        preferred_username="dora",
        name="Dora Marquez",
        email="dora@example.org",
        groups=["helpdesk", "ops", "unmapped"],
    )
    response, client = oidc_sign_in("sub-1", next_url="/tickets/")
    assert response.status_code == 302 and response["Location"] == "/tickets/"
    dora = signed_in_as(client)
    assert dora is not None
    assert (dora.username, dora.name, dora.email) == ("dora", "Dora Marquez", "dora@example.org")
    assert printer.handlers.filter(pk=dora.pk).exists()
    assert dora.is_superuser
    assert not people.desk.admins.filter(pk=dora.pk).exists()
    assert AuditEntry.objects.filter(action="type.handlers", actor=None).exists()


def test_groups_claim_change_brings_roles_in_line_and_keeps_local_grants(
    oidc_on: Provider, people: People, printer: Any
) -> None:
    oidc_on.set_user("sub-2", preferred_username="eve", name="Eve", groups=["it-admins", "ops"])
    _response, client = oidc_sign_in("sub-2")
    eve = signed_in_as(client)
    assert eve is not None and eve.is_superuser
    assert people.desk.admins.filter(pk=eve.pk).exists()
    # An admin makes eve admin of another desk by hand; the directory then drops her groups.
    other_desk = DeskFactory(code="HR")
    desk_admin_add(desk=other_desk, user=eve, actor=people.site_admin)
    oidc_on.set_user("sub-2", preferred_username="eve", name="Eve Ng", groups=["helpdesk"])
    _response, client = oidc_sign_in("sub-2")
    eve.refresh_from_db()
    assert signed_in_as(client) == eve
    assert eve.name == "Eve Ng"
    assert not eve.is_superuser
    assert not people.desk.admins.filter(pk=eve.pk).exists()
    assert printer.handlers.filter(pk=eve.pk).exists()
    assert other_desk.admins.filter(pk=eve.pk).exists()
    assert list(DirectoryGrant.objects.filter(user=eve).values_list("key", flat=True)) == [
        f"handler:{printer.pk}"
    ]


def test_existing_local_user_is_matched_by_username_and_keeps_local_roles(
    oidc_on: Provider, people: People, printer: Any
) -> None:
    oidc_on.set_user("sub-3", preferred_username="HANK", name="Hank", groups=["helpdesk"])
    oidc_sign_in("sub-3")
    oidc_on.set_user("sub-3", preferred_username="HANK", name="Hank", groups=[])
    _response, client = oidc_sign_in("sub-3")
    assert signed_in_as(client) == people.handler
    assert User.objects.filter(username__iexact="hank").count() == 1
    # hank was a Printer handler before the directory said so: it is not the directory's.
    assert printer.handlers.filter(pk=people.handler.pk).exists()


def test_deactivated_user_is_sent_back_to_sign_in(oidc_on: Provider, people: People) -> None:
    user_deactivate(user=people.outsider, actor=people.site_admin)
    oidc_on.set_user("sub-4", preferred_username="olga", name="Olga", groups=["ops"])
    response, client = oidc_sign_in("sub-4")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?directory=failed"
    assert signed_in_as(client) is None
    people.outsider.refresh_from_db()
    assert not people.outsider.is_active and not people.outsider.is_superuser
    page = client.get(response["Location"])
    assert "Signing in through your organisation's directory did not succeed" in (
        page.content.decode()
    )


def test_claims_without_a_usable_username_are_refused(oidc_on: Provider, people: People) -> None:
    oidc_on.set_user("sub-5", preferred_username="no spaces allowed", groups=["ops"])
    response, client = oidc_sign_in("sub-5")
    assert response["Location"] == "/accounts/login/?directory=failed"
    assert signed_in_as(client) is None
    assert not User.objects.filter(is_superuser=True).exclude(pk=people.site_admin.pk).exists()


def test_a_forged_callback_signs_nobody_in(oidc_on: Provider, people: People) -> None:
    client = Client()
    client.get("/accounts/oidc/authenticate/")
    response = client.get("/accounts/oidc/callback/", {"code": "made-up", "state": "made-up"})
    assert response.status_code == 400
    assert signed_in_as(client) is None


def test_local_accounts_keep_working_with_oidc_configured(
    oidc_on: Provider, people: People
) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client) == people.requester


def test_provider_down_leaves_local_sign_in_working(
    oidc_on: Provider, people: People, settings: Settings
) -> None:
    # Nothing listens on port 9 (discard) of loopback: discovery cannot be fetched.
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client) == people.requester
    start = Client().get("/accounts/oidc/authenticate/")
    assert start.status_code == 302
    assert start["Location"] == "/accounts/login/?directory=failed"


def test_overlong_name_and_bad_email_claims_are_fitted(oidc_on: Provider, people: People) -> None:
    oidc_on.set_user("sub-6", preferred_username="ivy", name="I" * 150, email="not an address")
    response, client = oidc_sign_in("sub-6")
    ivy = signed_in_as(client)
    assert response.status_code == 302 and ivy is not None
    assert (ivy.name, ivy.email) == ("I" * 100, "")
    oidc_on.set_user("sub-6", preferred_username="ivy", name="Ivy", email="ivy@example.org")
    oidc_sign_in("sub-6")
    ivy.refresh_from_db()
    assert (ivy.name, ivy.email) == ("Ivy", "ivy@example.org")
