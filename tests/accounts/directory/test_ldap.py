"""LDAP sign-in through the normal sign-in form against a real slapd: directory users are
created from the directory and get the roles their groups map to; leaving a group withdraws
the role at the next sign-in, roles granted by an admin stay; a wrong directory password gets
the page of any wrong password and counts toward the lockout; local and deactivated accounts
behave as without the directory."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from pytest_django.fixtures import Settings

from servicetickets.accounts.models import DirectoryGrant, SigninThrottle, User
from servicetickets.accounts.services import user_deactivate
from servicetickets.audit.models import AuditEntry
from servicetickets.desks.services import desk_admin_add
from tests.accounts.directory.conftest import DIRECTORY_PASSWORD, Directory
from tests.accounts.test_lockout import normalised
from tests.conftest import People
from tests.factories import PASSWORD, DeskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_hashes(people: People, settings: Settings) -> None:
    """A cheap hasher for the local accounts: a real one costs ~1 s a check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.update(password=make_password(PASSWORD))


def sign_in(username: str, password: str) -> tuple[Any, Client]:
    client = Client(REMOTE_ADDR="198.51.100.20")
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response, client


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_directory_user_is_created_from_the_directory_with_mapped_roles(
    ldap_on: Directory, people: People, printer: Any
) -> None:
    ldap_on.add_person("dora", "Dora Marquez", "dora@example.org")
    ldap_on.set_groups("dora", ["helpdesk", "it-admins", "ops"])
    response, client = sign_in("dora", DIRECTORY_PASSWORD)
    assert response.status_code == 302
    dora = signed_in_as(client)
    assert dora is not None
    assert (dora.username, dora.name, dora.email) == ("dora", "Dora Marquez", "dora@example.org")
    assert not dora.has_usable_password()
    assert printer.handlers.filter(pk=dora.pk).exists()
    assert people.desk.admins.filter(pk=dora.pk).exists()
    assert dora.is_superuser
    # Every grant is in the audit log, made by the system (no actor).
    logged = set(AuditEntry.objects.filter(actor=None).values_list("action", flat=True))
    assert {"user.create", "type.handlers", "desk.admin_add", "user.site_admin"} <= logged


def test_leaving_a_group_withdraws_its_role_at_the_next_sign_in(
    ldap_on: Directory, people: People, printer: Any
) -> None:
    ldap_on.add_person("eve", "Eve Ng", "eve@example.org")
    ldap_on.set_groups("eve", ["helpdesk", "it-admins", "ops"])
    sign_in("eve", DIRECTORY_PASSWORD)
    ldap_on.set_groups("eve", ["helpdesk"])
    response, client = sign_in("eve", DIRECTORY_PASSWORD)
    eve = signed_in_as(client)
    assert response.status_code == 302 and eve is not None
    assert printer.handlers.filter(pk=eve.pk).exists()
    assert not people.desk.admins.filter(pk=eve.pk).exists()
    assert not eve.is_superuser
    assert set(DirectoryGrant.objects.filter(user=eve).values_list("key", flat=True)) == {
        f"handler:{printer.pk}"
    }
    removed = AuditEntry.objects.filter(action="desk.admin_remove", target_id=eve.pk)
    assert removed.count() == 1


def test_roles_granted_by_an_admin_stay_when_the_group_goes(
    ldap_on: Directory, people: People, printer: Any
) -> None:
    # hank handles Printer because an admin made him; the directory also puts him in helpdesk.
    ldap_on.add_person("hank", "Hank Directory", "hank@example.org")
    ldap_on.set_groups("hank", ["helpdesk"])
    other_desk = DeskFactory(code="HR")
    desk_admin_add(desk=other_desk, user=people.handler, actor=people.site_admin)
    sign_in("hank", DIRECTORY_PASSWORD)
    ldap_on.set_groups("hank", [])
    _response, client = sign_in("hank", DIRECTORY_PASSWORD)
    assert signed_in_as(client) == people.handler
    assert printer.handlers.filter(pk=people.handler.pk).exists()
    assert other_desk.admins.filter(pk=people.handler.pk).exists()
    assert not DirectoryGrant.objects.filter(user=people.handler).exists()


def test_wrong_directory_password_gets_the_local_failure_page_and_counts(
    ldap_on: Directory, people: People, settings: Settings
) -> None:
    settings.SIGNIN_MAX_FAILURES = 3
    ldap_on.add_person("fay", "Fay Li", "fay@example.org")
    local, _client = sign_in("alice", "wrong-local-password")
    directory, client = sign_in("fay", "wrong-directory-password")
    assert signed_in_as(client) is None
    assert directory.status_code == local.status_code == 200
    assert normalised(directory, "fay") == normalised(local, "alice")
    assert SigninThrottle.objects.get(key="user:fay").failures == 1
    sign_in("fay", "wrong-directory-password")
    sign_in("fay", "wrong-directory-password")
    # Locked now: even the right directory password is refused, with the same page.
    response, client = sign_in("fay", DIRECTORY_PASSWORD)
    assert signed_in_as(client) is None
    assert response.status_code == 200
    assert b'id="signin-error"' in response.content
    assert not User.objects.filter(username="fay").exists()


def test_local_accounts_keep_working_with_ldap_configured(
    ldap_on: Directory, people: People
) -> None:
    response, client = sign_in("alice", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == people.requester


def test_deactivated_local_user_stays_out_even_with_a_directory_password(
    ldap_on: Directory, people: People, printer: Any
) -> None:
    ldap_on.add_person("olga", "Olga Directory", "olga@example.org")
    ldap_on.set_groups("olga", ["helpdesk"])
    user_deactivate(user=people.outsider, actor=people.site_admin)
    local, _client = sign_in("alice", "wrong-local-password")
    response, client = sign_in("olga", DIRECTORY_PASSWORD)
    assert signed_in_as(client) is None
    assert normalised(response, "olga") == normalised(local, "alice")
    people.outsider.refresh_from_db()
    assert not people.outsider.is_active
    assert not printer.handlers.filter(pk=people.outsider.pk).exists()


def test_start_tls_signs_in_when_the_server_certificate_is_trusted(
    ldap_on: Directory, people: People, settings: Settings
) -> None:
    ldap_on.add_person("gus", "Gus Tls", "gus@example.org")
    settings.LDAP_START_TLS = True
    settings.LDAP_CA_FILE = ldap_on.server.cafile
    response, client = sign_in("gus", DIRECTORY_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) is not None


def test_start_tls_refuses_a_server_it_cannot_verify(
    ldap_on: Directory, people: People, settings: Settings
) -> None:
    # The test server's certificate is signed by python-ldap's test CA, which nobody trusts.
    ldap_on.add_person("hal", "Hal Tls", "hal@example.org")
    settings.LDAP_START_TLS = True
    response, client = sign_in("hal", DIRECTORY_PASSWORD)
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_ldap_down_leaves_local_sign_in_working(
    ldap_on: Directory, people: People, settings: Settings
) -> None:
    settings.LDAP_URL = "ldap://127.0.0.1:9"
    response, client = sign_in("alice", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == people.requester
    # A directory user is refused with the usual page instead of an error.
    response, client = sign_in("dora", DIRECTORY_PASSWORD)
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_overlong_directory_name_is_cut_to_fit(ldap_on: Directory, people: People) -> None:
    ldap_on.add_person("jon", "Jon " + "Q" * 120, "jon@example.org")
    for _ in range(2):  # created, then updated from the directory
        response, client = sign_in("jon", DIRECTORY_PASSWORD)
        jon = signed_in_as(client)
        assert response.status_code == 302 and jon is not None
        assert jon.name == ("Jon " + "Q" * 120)[:100]
