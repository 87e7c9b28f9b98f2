"""Real directory servers on loopback for the directory sign-in tests, and the settings that
point the app at them (what the LDAP_*, OIDC_* and DIRECTORY_ROLES variables set).

- LDAP: Debian's ``slapd`` with a throw-away configuration, started by python-ldap's
  ``slapdtest`` (people under ``ou=people``, ``groupOfNames`` groups under ``ou=groups``).
- OIDC: ``oidc-provider-mock`` (authorization code flow, discovery, JWKS, userinfo) served by
  werkzeug on 127.0.0.1; each test sets its users' claims through the mock's ``PUT /users``.

Outside CI a missing package or binary skips these tests, saying which; with ``CI`` set they
fail instead (CI installs them: see ``.ci/run``)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from servicetickets.accounts.directory.mapping import parse_roles
from tests.conftest import People
from tests.factories import TicketTypeFactory

# Groups: helpdesk handles IT/Printer, it-admins administer IT, ops are site admins.
ROLES = "helpdesk=handler:IT/Printer; it-admins=desk_admin:IT; ops=site_admin"
PEOPLE_OU = "ou=people"
GROUPS_OU = "ou=groups"
DIRECTORY_PASSWORD = "directory-secret-1"


def need(what: str, present: bool) -> None:
    """Skip (outside CI) or fail (in CI) when a server this test drives is missing."""
    if present:
        return
    message = f"{what} is not installed; CI installs it (.ci/run)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def printer(people: People) -> Any:
    """A second type of the IT desk that the ``helpdesk`` group handles."""
    return TicketTypeFactory(desk=people.desk, name="Printer", handlers=[people.handler])


@pytest.fixture
def roles(settings: Settings) -> None:
    settings.DIRECTORY_ROLES = parse_roles(ROLES)


# --- LDAP --------------------------------------------------------------------------------


class Directory:
    """A running slapd and the edits the tests make to it (as its root DN)."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.base = server.suffix

    def dn(self, uid: str) -> str:
        return f"uid={uid},{PEOPLE_OU},{self.base}"

    def add_person(self, uid: str, name: str, mail: str) -> None:
        self.server.ldapadd(
            f"dn: {self.dn(uid)}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\n"
            f"sn: {name.split()[-1]}\nmail: {mail}\nuserPassword: {DIRECTORY_PASSWORD}\n"
        )

    def set_groups(self, uid: str, groups: list[str]) -> None:
        """Put ``uid`` in exactly ``groups`` (each group keeps a placeholder member, as
        groupOfNames needs one)."""
        for group in ("helpdesk", "it-admins", "ops"):
            op = "add" if group in groups else "delete"
            ldif = (
                f"dn: cn={group},{GROUPS_OU},{self.base}\nchangetype: modify\n"
                f"{op}: member\nmember: {self.dn(uid)}\n"
            )
            # Fails harmlessly when already a member, or already not one.
            with contextlib.suppress(RuntimeError):
                self.server.ldapmodify(ldif)


@pytest.fixture(scope="session")
def slapd() -> Iterator[Directory]:
    need("python-ldap (pip install '.[directory]')", importlib.util.find_spec("ldap") is not None)
    servers = shutil.which("slapd", path="/usr/sbin:/usr/bin") and shutil.which("ldapadd")
    need("slapd and ldap-utils (apt-get install slapd ldap-utils)", bool(servers))
    from slapdtest import SlapdObject

    class Slapd(SlapdObject):  # type: ignore[misc]
        openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")
        TMPDIR = tempfile.mkdtemp(prefix="dirF-slapd-")

    server = Slapd()
    server.start()
    try:
        base = server.suffix
        entries = [f"dn: {base}\nobjectClass: dcObject\nobjectClass: organization\no: Tests\n"]
        entries += [
            f"dn: {ou},{base}\nobjectClass: organizationalUnit\nou: {ou[3:]}\n"
            for ou in (PEOPLE_OU, GROUPS_OU)
        ]
        entries += [
            f"dn: cn={group},{GROUPS_OU},{base}\nobjectClass: groupOfNames\ncn: {group}\n"
            f"member: cn=nobody,{base}\n"
            for group in ("helpdesk", "it-admins", "ops")
        ]
        server.ldapadd("\n".join(entries))
        yield Directory(server)
    finally:
        server.stop()
        shutil.rmtree(Slapd.TMPDIR, ignore_errors=True)


@pytest.fixture
def ldap_on(slapd: Directory, settings: Settings, roles: None) -> Directory:
    """The app configured as LDAP_URL, LDAP_BIND_DN, … would configure it."""
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "servicetickets.accounts.directory.ldap.DirectoryLDAPBackend",
    ]
    settings.LDAP_URL = slapd.server.ldap_uri
    settings.LDAP_BIND_DN = slapd.server.root_dn
    settings.LDAP_BIND_PASSWORD = slapd.server.root_pw
    settings.LDAP_USER_SEARCH_BASE = f"{PEOPLE_OU},{slapd.base}"
    settings.LDAP_GROUP_SEARCH_BASE = f"{GROUPS_OU},{slapd.base}"
    return slapd


# --- OIDC --------------------------------------------------------------------------------


class Provider:
    """The running mock provider; ``url`` is its issuer."""

    def __init__(self, url: str) -> None:
        self.url = url

    def set_user(self, sub: str, **claims: Any) -> None:
        import httpx

        response = httpx.put(f"{self.url}/users/{sub}", json=claims)
        assert response.status_code == 204, response.text


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    present = importlib.util.find_spec("oidc_provider_mock") is not None
    need("oidc-provider-mock (pip install '.[dev]')", present)
    need(
        "mozilla-django-oidc (pip install '.[directory]')",
        importlib.util.find_spec("mozilla_django_oidc") is not None,
    )
    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def oidc_on(oidc_provider: Provider, settings: Settings, roles: None) -> Provider:
    """The app configured as OIDC_ISSUER, OIDC_CLIENT_ID, … would configure it."""
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "servicetickets.accounts.directory.oidc.DirectoryOIDCBackend",
    ]
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = oidc_provider.url
    settings.OIDC_RP_CLIENT_ID = "servicetickets"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_NAME = "Example SSO"
    return oidc_provider
