"""Production settings (PRODUCTION=1) pass Django's deployment check and really send secure
cookies and HSTS; every page carries a Content-Security-Policy without inline script."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.test import Client

from tests.conftest import People
from tests.factories import PASSWORD
from tests.servers import Server

SRC = Path(__file__).resolve().parents[2] / "src" / "servicetickets"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SECRET_", "DEBUG", "PRODUCTION", "SESSION_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="servicetickets.settings",
        SERVICETICKETS_DATA=str(tmp_path),
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    env.update(extra)
    return env


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = deploy_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_deployment_check_flags_what_production_turns_on(tmp_path: Path) -> None:
    """Without PRODUCTION (plain HTTP, a development key) the same check fails: it looks."""
    env = production_env(tmp_path)
    del env["PRODUCTION"], env["SECRET_KEY"]
    result = deploy_check(env)
    assert result.returncode != 0
    for code in ("W004", "W008", "W009", "W012", "W016"):
        assert f"security.{code}" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


@pytest.fixture
def production_server(tmp_path: Path) -> Iterator[Server]:
    server = Server(
        tmp_path / "server.log",
        # The test database's URL comes from Server itself, not the suite's environment.
        **{
            k: v
            for k, v in production_env(tmp_path).items()
            if k not in ("SERVICETICKETS_DATA", "DATABASE_URL")
        },
    )
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def cookies_set(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header by cookie name (the whole header, with its attributes)."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


@pytest.mark.django_db(transaction=True)
def test_a_production_server_sends_secure_cookies_and_hsts(
    people: People, production_server: Server
) -> None:
    url = production_server.url
    # The reverse proxy in front says the visitor came over HTTPS (uvicorn trusts loopback).
    https = {"X-Forwarded-Proto": "https", "Origin": url.replace("http://", "https://")}

    plain = httpx.get(f"{url}/accounts/login/", follow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["location"].startswith("https://")

    page = httpx.get(f"{url}/accounts/login/", headers=https)
    assert page.status_code == 200
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    csrf_cookie = cookies_set(page)["csrftoken"]
    assert "; Secure" in csrf_cookie
    csrf = csrf_cookie.split(";", 1)[0].split("=", 1)[1]
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert form_token is not None

    signed_in = httpx.post(
        f"{url}/accounts/login/",
        headers={**https, "Cookie": f"csrftoken={csrf}"},
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form_token.group(1),
        },
    )
    assert signed_in.status_code == 302, signed_in.text
    session_cookie = cookies_set(signed_in)["sessionid"]
    assert "; Secure" in session_cookie and "; HttpOnly" in session_cookie


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "requester"])
def test_pages_forbid_inline_script_and_style(people: People, who: str) -> None:
    client = Client()
    if who == "requester":
        client.force_login(people.requester)
    response = client.get("/accounts/login/" if who == "anonymous" else "/")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_docs_load_swagger_from_this_site(people: People) -> None:
    """Under the same policy: Swagger UI from /static/ninja/, no CDN, no inline script."""
    response = Client().get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", html)


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>"), "inline script"),
    (re.compile(r"<style\b"), "inline style element"),
    (re.compile(r"\sstyle=\""), "style attribute"),
    (re.compile(r"\son[a-z]+=\""), "event handler attribute"),
    (re.compile(r"\shx-on[:-]"), "hx-on (evaluated by htmx)"),
    (re.compile(r"hx-trigger=\"[^\"]*\["), "htmx trigger filter (evaluated by htmx)"),
    (re.compile(r"\b(hx-vals|hx-vars)=['\"]\s*js:"), "evaluated hx-vals"),
    (re.compile(r"javascript:"), "javascript: URL"),
]


def test_no_template_holds_code_the_policy_would_block() -> None:
    """The header's promise kept at the source: no template relies on inline or eval'd code."""
    found = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        text = template.read_text()
        for pattern, what in INLINE_CODE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(SRC)}:{line}: {what}")
    assert found == []
