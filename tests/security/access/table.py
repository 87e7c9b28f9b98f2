"""The access table: for every page, fragment and API operation, who may call it and what a
refused caller is told. ``test_routes`` proves it names exactly the routes that exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Roles, as in ``tests.tickets.lifecycle.Cast``.
SIGNED_IN = frozenset(
    {
        "requester",
        "outsider",
        "handler",
        "other_handler",
        "other_type_handler",
        "desk_admin",
        "other_desk_admin",
        "site_admin",
    }
)
#: Who sees the world's ticket (SPEC §3): everyone else is told it does not exist.
SEES_TICKET = frozenset({"requester", "handler", "other_handler", "desk_admin", "site_admin"})
HANDLERS = frozenset({"handler", "other_handler"})
DESK_ADMINS = frozenset({"desk_admin", "site_admin"})
#: Admins of some desk: data, reports and the type list show them their own desks.
ANY_DESK_ADMIN = DESK_ADMINS | {"other_desk_admin"}
SITE_ADMIN = frozenset({"site_admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """One route and method. ``allowed`` get an answer that is not a refusal; a signed-in
    caller in ``told_forbidden`` gets 403 (they may see the object but not do this), anyone
    else signed in 404; nobody signed in gets 401 from the API and the sign-in page from a
    page. ``{name}`` in the path or body is a value of the world (``World.value``)."""

    method: str
    path: str
    allowed: frozenset[str]
    told_forbidden: frozenset[str] = NOBODY
    forbidden_status: int = 403  # 409 where those who see the object are refused by its state
    state: str = "processing"
    body: dict[str, Any] | None = None
    json_body: bool = False  # pages only: the body is JSON, not a form
    files: bool = False  # API only: a multipart upload
    variant: str = ""  # a key of VARIANTS: the route called on another object of the world

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def changes(self) -> bool:
        return self.method != "GET"

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        return f"{self.route} ({self.variant})" if self.variant else self.route

    @property
    def names(self) -> dict[str, str]:
        """Which world value each ``{name}`` of the path and body stands for."""
        return VARIANTS.get(self.variant, {})


#: Routes called again on objects with other rules: a draft type is seen by its desk's admins
#: and its handlers alone, a file not attached to a ticket by its uploader alone.
VARIANTS = {
    "draft type": {"type_id": "draft_type_id"},
    "file not attached": {"upload_id": "loose_upload_id"},
}
DRAFT_SEERS = DESK_ADMINS | {"handler"}


def api(method: str, path: str, allowed: frozenset[str], **kw: Any) -> Rule:
    return Rule(method, "/api/v1" + path, allowed, **kw)


def page(method: str, path: str, allowed: frozenset[str], **kw: Any) -> Rule:
    return Rule(method, path, allowed, **kw)


def role_only(allowed: frozenset[str]) -> frozenset[str]:
    """For an API route refused by role alone: every other signed-in caller gets 403."""
    return SIGNED_IN - allowed


def ticket_api(action: str, allowed: frozenset[str], state: str, body: dict[str, Any]) -> Rule:
    return api(
        "POST",
        f"/tickets/{{ticket_id}}/{action}",
        allowed,
        told_forbidden=SEES_TICKET - allowed,
        state=state,
        body=body,
    )


def ticket_page(action: str, allowed: frozenset[str], state: str, body: dict[str, Any]) -> Rule:
    return page(
        "POST",
        f"/tickets/{{ticket_id}}/{action}",
        allowed,
        told_forbidden=SEES_TICKET - allowed,
        state=state,
        body=body,
    )


#: Lifecycle actions (SPEC §3): who, from which state, with a body that is valid, so that
#: only access can refuse it.
ACTIONS: dict[str, tuple[frozenset[str], str, dict[str, Any]]] = {
    "claim": (HANDLERS, "pending", {}),
    "transfer": (frozenset({"handler"}), "processing", {"to": "hilda", "note": "Yours"}),
    "reject": (frozenset({"handler"}), "processing", {"reason": "Out of scope"}),
    "complete": (frozenset({"handler"}), "processing", {"note": "Done"}),
    "confirm": (frozenset({"requester"}), "to_confirm", {"rating": 5}),
    "return": (frozenset({"requester"}), "to_confirm", {"reason": "Still broken"}),
    "cancel": (frozenset({"requester"}), "processing", {"reason": "Not needed"}),
    "comment": (
        frozenset({"requester", "handler", "other_handler", "desk_admin"}),
        "processing",
        {"text": "A word"},
    ),
    "urge": (frozenset({"requester"}), "processing", {}),
}

TYPE_BODY = {"name": "Moving", "description": "", "fields": [], "handlers": []}
FIELDS = [{"key": "summary", "label": "Summary", "kind": "text", "required": True}]

API_RULES = [
    # users and desks: site admin
    api("GET", "/users", SIGNED_IN),  # the people picker (transfer, member fields)
    api(
        "POST",
        "/users",
        SITE_ADMIN,
        told_forbidden=role_only(SITE_ADMIN),
        body={"username": "newbie"},
    ),
    api("DELETE", "/users/{username}", SITE_ADMIN, told_forbidden=role_only(SITE_ADMIN)),
    api("GET", "/desks", SIGNED_IN),
    api(
        "POST",
        "/desks",
        SITE_ADMIN,
        told_forbidden=role_only(SITE_ADMIN),
        body={"code": "HR", "name": "People"},
    ),
    api(
        "POST",
        "/desks/{desk_id}/admins",
        SITE_ADMIN,
        told_forbidden=role_only(SITE_ADMIN),
        body={"username": "olga"},
    ),
    # types and menu: the desk's admins
    api("GET", "/desks/{desk_id}/menu", SIGNED_IN),
    api(
        "PUT",
        "/desks/{desk_id}/menu",
        DESK_ADMINS,
        told_forbidden=role_only(DESK_ADMINS),
        body={"entries": []},
    ),
    api("GET", "/desks/{desk_id}/types", SIGNED_IN),
    api(
        "POST",
        "/desks/{desk_id}/types",
        DESK_ADMINS,
        told_forbidden=role_only(DESK_ADMINS),
        body=TYPE_BODY,
    ),
    api("GET", "/types/{type_id}", SIGNED_IN),
    api(
        "PATCH",
        "/types/{type_id}",
        DESK_ADMINS,
        told_forbidden=role_only(DESK_ADMINS),
        body={"name": "Fixing"},
    ),
    api("DELETE", "/types/{type_id}", DESK_ADMINS, told_forbidden=role_only(DESK_ADMINS)),
    api("GET", "/types/{type_id}/forms/{version}", SIGNED_IN),
    api("POST", "/types/{type_id}/publish", DESK_ADMINS, told_forbidden=role_only(DESK_ADMINS)),
    api("POST", "/types/{type_id}/unpublish", DESK_ADMINS, told_forbidden=role_only(DESK_ADMINS)),
    api("GET", "/desks/{desk_id}/webhook", DESK_ADMINS, told_forbidden=role_only(DESK_ADMINS)),
    api(
        "PUT",
        "/desks/{desk_id}/webhook",
        DESK_ADMINS,
        told_forbidden=role_only(DESK_ADMINS),
        body={"url": "https://chat.example.com/hook"},
    ),
    api("DELETE", "/desks/{desk_id}/webhook", DESK_ADMINS, told_forbidden=role_only(DESK_ADMINS)),
    # tickets, files and exports: who sees the ticket
    api("POST", "/uploads", SIGNED_IN, files=True),
    api("GET", "/uploads/{upload_id}", SEES_TICKET),
    api("POST", "/types/{type_id}/tickets", SIGNED_IN, body={"data": {"summary": "Jammed"}}),
    api("GET", "/tickets", SIGNED_IN),
    api("GET", "/tickets/{ticket_id}", SEES_TICKET),
    *(ticket_api(action, *rule) for action, rule in ACTIONS.items()),
    api("GET", "/tickets/export", SIGNED_IN),
    api("POST", "/exports", SIGNED_IN),
    api("GET", "/exports", SIGNED_IN),
    api("GET", "/exports/{export_id}", frozenset({"desk_admin"})),
    api("GET", "/exports/{export_id}/file", frozenset({"desk_admin"})),
    # reminders: their recipient's
    api("GET", "/notifications", SIGNED_IN),
    api("POST", "/notifications/read-all", SIGNED_IN),
    api("POST", "/notifications/{notification_id}/read", frozenset({"handler"})),
    api("GET", "/notifications/preferences", SIGNED_IN),
    api(
        "PUT",
        "/notifications/preferences",
        SIGNED_IN,
        body={"kinds": [{"kind": "urged", "app": False}]},
    ),
    api("GET", "/notifications/stream", SIGNED_IN),
    # reports: admins of a desk see their desks, the site admin all
    *(
        api("GET", f"/reports/{name}", ANY_DESK_ADMIN, told_forbidden=role_only(ANY_DESK_ADMIN))
        for name in ("status", "status-by-person", "efficiency", "efficiency-by-person")
    ),
    api("GET", "/audit", SITE_ADMIN, told_forbidden=role_only(SITE_ADMIN)),
]

PAGE_RULES = [
    page("GET", "/", SIGNED_IN),
    page("GET", "/settings/", SIGNED_IN),
    page("POST", "/settings/", SIGNED_IN),
    page(
        "POST", "/settings/tokens/revoke", frozenset({"requester"}), body={"token_id": "{token_id}"}
    ),
    # the portal, submitting, one's own tickets
    page("GET", "/desks/{desk_id}/", SIGNED_IN),
    page("GET", "/submit/{type_id}/", SIGNED_IN),
    page("POST", "/submit/{type_id}/", SIGNED_IN, body={"f.summary": "Jammed"}),
    page("GET", "/my/", SIGNED_IN),
    page("GET", "/tickets/{ticket_id}/", SEES_TICKET),
    *(ticket_page(action, *rule) for action, rule in ACTIONS.items()),
    # handlers
    page("GET", "/work/", SIGNED_IN),
    page(
        "POST",
        "/work/claim/{ticket_id}",
        HANDLERS,
        told_forbidden=SEES_TICKET - HANDLERS,
        state="pending",
    ),
    # reminders
    page("GET", "/reminders/", SIGNED_IN),
    page("POST", "/reminders/{notification_id}/open", frozenset({"handler"})),
    page("POST", "/reminders/{notification_id}/read", frozenset({"handler"})),
    page("POST", "/reminders/read-all", SIGNED_IN),
    page("POST", "/reminders/preferences", SIGNED_IN),
    # desk admins: data, exports, reports, types, menu
    page("GET", "/data/", ANY_DESK_ADMIN),
    page("POST", "/data/export/", ANY_DESK_ADMIN),
    page("GET", "/data/exports/{export_id}/", frozenset({"desk_admin"})),
    page("GET", "/reports/", ANY_DESK_ADMIN),
    page("GET", "/reports/status/", ANY_DESK_ADMIN),
    page("GET", "/reports/efficiency/", ANY_DESK_ADMIN),
    page("GET", "/manage/types/", ANY_DESK_ADMIN),
    page("GET", "/manage/types/new/", ANY_DESK_ADMIN),
    page("POST", "/manage/types/new/", ANY_DESK_ADMIN, body={"name": "Moving"}),
    page("POST", "/manage/types/check/", ANY_DESK_ADMIN, body={"name": "Moving"}),
    page("GET", "/manage/types/{type_id}/", DESK_ADMINS),
    page("POST", "/manage/types/{type_id}/", DESK_ADMINS, body={"name": "Fixing"}),
    page("POST", "/manage/types/{type_id}/publish/", DESK_ADMINS),
    page("POST", "/manage/types/{type_id}/unpublish/", DESK_ADMINS),
    page("POST", "/manage/types/{type_id}/delete/", DESK_ADMINS),
    page("GET", "/manage/types/{type_id}/handlers/search/", DESK_ADMINS),
    page("POST", "/manage/types/{type_id}/handlers/add/", DESK_ADMINS, body={"username": "olga"}),
    page(
        "POST", "/manage/types/{type_id}/handlers/remove/", DESK_ADMINS, body={"username": "hilda"}
    ),
    page("GET", "/manage/types/{type_id}/form/", DESK_ADMINS),
    page(
        "POST",
        "/manage/types/{type_id}/form/",
        DESK_ADMINS,
        body={"fields": FIELDS},
        json_body=True,
    ),
    page(
        "POST",
        "/manage/types/{type_id}/form/preview/",
        DESK_ADMINS,
        body={"fields": FIELDS},
        json_body=True,
    ),
    page("GET", "/manage/desks/{desk_id}/menu/", DESK_ADMINS),
    page(
        "POST", "/manage/desks/{desk_id}/menu/", DESK_ADMINS, body={"entries": []}, json_body=True
    ),
    # the site admin area
    page("GET", "/site/desks/", SITE_ADMIN),
    page("POST", "/site/desks/", SITE_ADMIN, body={"code": "HR", "name": "People"}),
    page("GET", "/site/desks/{desk_id}/", SITE_ADMIN),
    page("POST", "/site/desks/{desk_id}/admins/add", SITE_ADMIN, body={"username": "olga"}),
    page("POST", "/site/desks/{desk_id}/admins/remove", SITE_ADMIN, body={"username": "admin"}),
    page(
        "POST",
        "/site/desks/{desk_id}/settings",
        SITE_ADMIN,
        body={"name": "IT", "confirm_timeout_days": 7},
    ),
    page(
        "POST",
        "/site/desks/{desk_id}/webhook",
        SITE_ADMIN,
        body={"url": "https://chat.example.com/hook"},
    ),
    page("POST", "/site/desks/{desk_id}/webhook/clear", SITE_ADMIN),
    page("GET", "/site/users/", SITE_ADMIN),
    page("GET", "/site/users/new", SITE_ADMIN),
    page("POST", "/site/users/new", SITE_ADMIN, body={"username": "newbie"}),
    page("POST", "/site/users/{username}/deactivate", SITE_ADMIN),
    page("GET", "/site/audit/", SITE_ADMIN),
]

VARIANT_RULES = [
    api("GET", "/types/{type_id}", DRAFT_SEERS, variant="draft type"),
    api("GET", "/types/{type_id}/forms/{version}", DRAFT_SEERS, variant="draft type"),
    api(
        "PATCH",
        "/types/{type_id}",
        DESK_ADMINS,
        told_forbidden=frozenset({"handler"}),
        body={"name": "Fixing"},
        variant="draft type",
    ),
    api(
        "POST",
        "/types/{type_id}/tickets",
        NOBODY,
        told_forbidden=DRAFT_SEERS,
        forbidden_status=409,
        body={"data": {"summary": "Jammed"}},
        variant="draft type",
    ),
    page("GET", "/submit/{type_id}/", NOBODY, variant="draft type"),
    page("POST", "/submit/{type_id}/", NOBODY, body={"f.summary": "Jammed"}, variant="draft type"),
    page("GET", "/manage/types/{type_id}/", DESK_ADMINS, variant="draft type"),
    api("GET", "/uploads/{upload_id}", frozenset({"requester"}), variant="file not attached"),
]

RULES = API_RULES + PAGE_RULES + VARIANT_RULES
