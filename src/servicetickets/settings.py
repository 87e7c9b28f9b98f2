"""The one settings module. Everything configurable is read from the environment here."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from servicetickets.accounts.directory.mapping import parse_roles
from servicetickets.core.env import env_bool, env_int, env_list, env_mailers, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("SERVICETICKETS_DATA", str(Path.cwd() / "data"))).resolve()

DEBUG = env_bool("DEBUG", False)
# Served to people over HTTPS (usually behind a reverse proxy): secure cookies, HSTS, redirect
# to HTTPS and a real SECRET_KEY. Off by default because `servicetickets demo` and the tests
# serve plain HTTP on loopback, where DEBUG is off too.
PRODUCTION = env_bool("PRODUCTION", False)
# The "django-insecure-" prefix makes `check --deploy` flag a deployment that forgot SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-key-set-SECRET_KEY-in-production"
if PRODUCTION and not env_str("SECRET_KEY"):
    raise ImproperlyConfigured("PRODUCTION is set: set SECRET_KEY to a long random string too")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Only for its static files: the API docs page then loads Swagger UI from here, not a CDN.
    "ninja",
    "django_tasks_db",
    "servicetickets.core",
    "servicetickets.accounts",
    "servicetickets.desks",
    "servicetickets.tickettypes",
    "servicetickets.forms",
    "servicetickets.uploads",
    "servicetickets.tickets",
    "servicetickets.notifications",
    "servicetickets.outbound",
    "servicetickets.exports",
    "servicetickets.reports",
    "servicetickets.audit",
    "servicetickets.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "servicetickets.core.middleware.ApiErrorBodyMiddleware",
    "servicetickets.core.middleware.PageErrorMiddleware",
]

ROOT_URLCONF = "servicetickets.urls"
ASGI_APPLICATION = "servicetickets.asgi.application"
WSGI_APPLICATION = "servicetickets.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "servicetickets.web.context.areas",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default: WAL so readers never wait for the writer, IMMEDIATE transactions so a
# writer takes the lock at BEGIN (no deadlock-prone lock upgrades), and a busy timeout so
# concurrent writers queue instead of failing with "database is locked".
SQLITE_PATH = DATA_DIR / "servicetickets.sqlite3"
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
        ),
    }
    # Tests use a real file so that threads share it exactly as server workers do.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # A small pool per server process: connecting costs ~8 ms a request here, and persistent
    # per-thread connections (CONN_MAX_AGE) pile up under ASGI's thread-per-request calls.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 8),
        "timeout": 10,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Directory sign-in (optional; README "Directory sign-in") -----------------------------
# Local accounts first: a local password is checked without a round trip to the directory, so
# break-glass admins and service accounts work (and stay fast) while the directory is down.
# The directory is asked only when no local password matched; the lockout counts the attempt
# once either way (accounts.signin wraps the whole check).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# "group=site_admin; group=desk_admin:IT; group=handler:IT/Printer" (accounts.directory.mapping)
DIRECTORY_ROLES = parse_roles(env_str("DIRECTORY_ROLES"))


def _directory_extra(variable: str, module: str) -> None:
    try:
        import_module(module)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"{variable} is set but {module} is not installed: "
            "pip install 'servicetickets[directory]'"
        ) from exc


LDAP_URL = env_str("LDAP_URL").strip()
LDAP_BIND_DN = env_str("LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(uid=%(user)s)")
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE")
LDAP_GROUP_FILTER = env_str("LDAP_GROUP_FILTER", "(objectClass=groupOfNames)")
LDAP_GROUP_TYPE = env_str("LDAP_GROUP_TYPE", "groupOfNames")
LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
LDAP_CA_FILE = env_str("LDAP_CA_FILE")
LDAP_NAME_ATTR = env_str("LDAP_NAME_ATTR", "cn")
LDAP_EMAIL_ATTR = env_str("LDAP_EMAIL_ATTR", "mail")
LDAP_TIMEOUT = env_int("LDAP_TIMEOUT", 5)
if LDAP_URL:
    _directory_extra("LDAP_URL", "django_auth_ldap")
    if not LDAP_USER_SEARCH_BASE:
        raise ImproperlyConfigured("LDAP_URL is set: set LDAP_USER_SEARCH_BASE too")
    AUTHENTICATION_BACKENDS.append("servicetickets.accounts.directory.ldap.DirectoryLDAPBackend")

OIDC_ISSUER = env_str("OIDC_ISSUER").strip().rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
# Explicit endpoints; each one left empty comes from OIDC_ISSUER's discovery document.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
# Shown on the sign-in page: "Sign in with <name>".
OIDC_NAME = env_str("OIDC_NAME", "single sign-on")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?directory=failed"
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    _directory_extra("OIDC_CLIENT_ID", "mozilla_django_oidc")
    if not (OIDC_ISSUER or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT)):
        raise ImproperlyConfigured(
            "OIDC_CLIENT_ID is set: set OIDC_ISSUER (or the OIDC_*_ENDPOINT variables) too"
        )
    AUTHENTICATION_BACKENDS.append("servicetickets.accounts.directory.oidc.DirectoryOIDCBackend")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve the packages' static files directly too, so no collectstatic step is ever required.
WHITENOISE_USE_FINDERS = True

# --- Product settings -------------------------------------------------------------------
UPLOAD_ROOT = DATA_DIR / "uploads"
EXPORT_ROOT = DATA_DIR / "exports"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Requests larger than this are refused before their body is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_TICKET_TYPES = env_int("MAX_TICKET_TYPES", 15)
CONFIRM_TIMEOUT_DAYS = env_int("CONFIRM_TIMEOUT_DAYS", 7)
URGE_INTERVAL_SECONDS = env_int("URGE_INTERVAL_SECONDS", 3600)
REDIS_URL = env_str("REDIS_URL")

# --- Outward reminders (e-mail, desk webhooks) and background jobs --------------------------
# The address links in e-mail and webhook payloads point to.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated): from EMAIL_URL or EMAIL_*; empty
# means e-mail is not configured, and actions then queue no e-mail at all.
MAILERS = env_mailers()
# E-mail is optional: no "default" mailer is a valid setup here, not a mistake to warn about.
SILENCED_SYSTEM_CHECKS = ["mail.W001"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Service Tickets <servicetickets@localhost>")
# Webhooks to loopback, link-local and private addresses are refused unless this is set.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
# Jobs are rows of the main database, so a job enqueued inside an action's transaction commits
# with the action or not at all. ``servicetickets worker`` (or ``serve``'s thread) runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "outbound"],
    }
}
# With REDIS_URL, live streams are woken by the broker and poll the database only this often.
STREAM_SAFETY_POLL_SECONDS = env_int("STREAM_SAFETY_POLL_SECONDS", 5)

# --- Hardening (always), HTTPS-only settings (PRODUCTION) --------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Health probes of a load balancer often call over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading binds the whole registered domain for months and anyone may submit a domain that
# sends it: the domain's owner decides (SECURE_HSTS_PRELOAD=1), so its deploy check is silenced.
SILENCED_SYSTEM_CHECKS += ["security.W021"]
# uvicorn already trusts X-Forwarded-Proto from a proxy on loopback (FORWARDED_ALLOW_IPS);
# a proxy elsewhere names its header here, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
if _proxy_header := env_str("SECURE_PROXY_SSL_HEADER").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
# No inline script or style anywhere (page scripts are files; htmx's indicator style is off in
# base.html). blob: images are upload previews; the API docs' Swagger UI is served from here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Sign-in lockout (accounts.signin) -------------------------------------------------------
# Password checks per username (known or not) in a window, before it is locked for a while.
SIGNIN_MAX_FAILURES = env_int("SIGNIN_MAX_FAILURES", 5)
SIGNIN_WINDOW_MINUTES = env_int("SIGNIN_WINDOW_MINUTES", 15)
SIGNIN_LOCK_MINUTES = env_int("SIGNIN_LOCK_MINUTES", 15)
# Failed checks per client address (IPv6 by /64) in the same window: several people may share
# one address behind a NAT, so it is higher.
SIGNIN_IP_MAX_FAILURES = env_int("SIGNIN_IP_MAX_FAILURES", 50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Two lines per background job otherwise; failed jobs are still logged (ERROR).
        "django.tasks": {"level": "WARNING"},
    },
}
