"""Configuration by environment: nothing set leaves sign-in exactly as local accounts only
(no extra backend, no "Sign in with …", no OIDC routes) and needs neither directory package;
the variables switch the backends on; a malformed DIRECTORY_ROLES or a missing package stops
the process with a message that says what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.test import Client

from servicetickets.accounts.directory.mapping import RoleRule, parse_roles, rules_for

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def run_settings(env: dict[str, str], code: str, *, hide: tuple[str, ...] = ()) -> tuple[int, str]:
    """Load the settings in a fresh process with ``env`` (and ``hide``'s packages made
    unimportable), run ``code`` there and return its exit status and output."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LDAP_", "OIDC_"))}
    clean.pop("DIRECTORY_ROLES", None)
    script = "import sys\n"
    script += "".join(f"sys.modules[{name!r}] = None\n" for name in hide)
    script += "import django\ndjango.setup()\nfrom django.conf import settings\n"
    script += textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "servicetickets.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def test_nothing_configured_means_local_accounts_only() -> None:
    status, out = run_settings(
        {},
        "print(settings.AUTHENTICATION_BACKENDS, settings.OIDC_ENABLED, settings.DIRECTORY_ROLES)",
        hide=("ldap", "django_auth_ldap", "mozilla_django_oidc"),
    )
    assert status == 0, out
    assert out.strip() == f"[{MODEL_BACKEND!r}] False []"


@pytest.mark.django_db
def test_nothing_configured_page_and_routes_are_as_before() -> None:
    assert settings.AUTHENTICATION_BACKENDS == [MODEL_BACKEND]
    html = Client().get("/accounts/login/").content.decode()
    assert "Sign in with" not in html
    assert "/accounts/oidc/" not in html
    assert "directory" not in html
    assert Client().get("/accounts/oidc/authenticate/").status_code == 404
    assert Client().get("/accounts/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_app_runs_without_the_directory_packages() -> None:
    """The sign-in page and the OIDC routes (404) work with neither package installed."""
    status, out = run_settings(
        {"SERVICETICKETS_DATA": settings.DATA_DIR.as_posix()},
        """
        from django.urls import resolve
        from django.test import RequestFactory
        request = RequestFactory().get("/accounts/oidc/authenticate/")
        try:
            resolve("/accounts/oidc/authenticate/").func(request)
        except Exception as exc:
            print(type(exc).__name__)
        """,
        hide=("ldap", "django_auth_ldap", "mozilla_django_oidc"),
    )
    assert status == 0, out
    assert out.strip().splitlines()[-1] == "Http404"


def test_variables_switch_the_backends_on() -> None:
    env = {
        "LDAP_URL": "ldap://127.0.0.1:389",
        "LDAP_USER_SEARCH_BASE": "ou=people,dc=example,dc=org",
        "OIDC_ISSUER": "http://127.0.0.1:9/",
        "OIDC_CLIENT_ID": "servicetickets",
        "DIRECTORY_ROLES": "ops=site_admin",
    }
    status, out = run_settings(
        env, "print(settings.AUTHENTICATION_BACKENDS, settings.OIDC_ISSUER, settings.OIDC_ENABLED)"
    )
    if status != 0 and "is not installed" in out and not os.environ.get("CI"):
        pytest.skip("the directory extra is not installed (pip install '.[directory]')")
    assert status == 0, out
    backends = (
        f"[{MODEL_BACKEND!r}, 'servicetickets.accounts.directory.ldap.DirectoryLDAPBackend', "
        "'servicetickets.accounts.directory.oidc.DirectoryOIDCBackend']"
    )
    assert out.strip() == f"{backends} http://127.0.0.1:9 True"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DIRECTORY_ROLES": "ops=owner"}, "DIRECTORY_ROLES: 'ops=owner' is not GROUP="),
        ({"DIRECTORY_ROLES": "ops=handler:IT"}, "needs DESK/Type name"),
        ({"LDAP_URL": "ldap://127.0.0.1"}, "set LDAP_USER_SEARCH_BASE too"),
        ({"OIDC_CLIENT_ID": "x"}, "set OIDC_ISSUER (or the OIDC_*_ENDPOINT variables) too"),
    ],
)
def test_bad_configuration_stops_with_a_clear_message(env: dict[str, str], message: str) -> None:
    status, out = run_settings(env, "print('started')")
    assert status != 0
    assert message in out


@pytest.mark.parametrize(
    ("variable", "package"),
    [("LDAP_URL", "django_auth_ldap"), ("OIDC_CLIENT_ID", "mozilla_django_oidc")],
)
def test_configured_without_its_package_says_what_to_install(variable: str, package: str) -> None:
    env = {"LDAP_URL": "ldap://127.0.0.1", "LDAP_USER_SEARCH_BASE": "dc=x"}
    if variable == "OIDC_CLIENT_ID":
        env = {"OIDC_CLIENT_ID": "x", "OIDC_ISSUER": "http://127.0.0.1:9"}
    status, out = run_settings(env, "print('started')", hide=(package,))
    assert status != 0
    assert f"{variable} is set but {package} is not installed" in out
    assert "servicetickets[directory]" in out


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("", []),
        ("ops=site_admin", [RoleRule("ops", "site_admin")]),
        (
            " it-admins = desk_admin:IT ;\nhelp desk=handler:IT/Printer 2 ",
            [
                RoleRule("it-admins", "desk_admin", "IT"),
                RoleRule("help desk", "handler", "IT", "Printer 2"),
            ],
        ),
        ("cn=x,ou=groups=site_admin", [RoleRule("cn=x,ou=groups", "site_admin")]),
    ],
)
def test_directory_roles_syntax(text: str, rules: list[RoleRule]) -> None:
    assert parse_roles(text) == rules


def test_groups_match_without_regard_to_case() -> None:
    rules = parse_roles("Ops=site_admin; helpdesk=handler:IT/Printer")
    assert rules_for(rules, {"OPS"}) == [RoleRule("Ops", "site_admin")]
    assert rules_for(rules, ["other"]) == []
