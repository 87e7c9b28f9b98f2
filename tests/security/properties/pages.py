"""The counts the web pages show, read from their HTML as a signed-in person sees them, and
what each should be, worked out from the tickets that person may read."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from servicetickets.accounts.models import User
from servicetickets.tickettypes.models import TicketType

Detail = dict[str, Any]
TABS = ("new", "mine", "waiting", "done")
_TAB_COUNT = re.compile(r'data-tab="(\w+)">.*?<span class="count">(\d+)</span>', re.S)
_ROW = re.compile(r'<li class="work-row" data-number="([^"]+)"')
_MY_CHIP = re.compile(r'<span class="chip chip-(\w+)">[^<]*? · (\d+)</span>')
_MY_TOTAL = re.compile(r'aria-live="polite">(\d+) tickets?</p>')
_DATA_COUNT = re.compile(r'id="data-count">(\d+) tickets?</p>')


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workbench(client: Client, tab: str) -> tuple[dict[str, int], list[str]]:
    """The tab counts of ``/work/`` (all zero on the page for people with nothing there) and
    the ticket numbers listed in ``tab``."""
    r = client.get("/work/", {"tab": tab})
    assert r.status_code == 200, r.status_code
    html = r.content.decode()
    counts = {name: int(n) for name, n in _TAB_COUNT.findall(html)}
    return counts or dict.fromkeys(TABS, 0), _ROW.findall(html)


def _closed_by(d: Detail) -> str | None:
    rejections = [e["actor"] for e in d["timeline"] if e["action"] == "reject"]
    return rejections[-1] if rejections else None


def workbench_expected(user: User, readable: dict[int, Detail]) -> dict[str, set[str]]:
    """Each tab's tickets (SPEC.md §3 and the workbench's rules), taken from what the person
    may read: a tab holding anything else shows more than it should."""
    name = user.username
    handled = set(
        TicketType.handlers.through.objects.filter(user_id=user.pk).values_list(
            "tickettype_id", flat=True
        )
    )
    out: dict[str, set[str]] = {tab: set() for tab in TABS}
    for d in readable.values():
        if d["state"] == "pending" and d["type_id"] in handled:
            out["new"].add(d["number"])
        elif d["state"] == "processing" and d["assignee"] == name:
            out["mine"].add(d["number"])
        elif d["state"] == "to_confirm" and d["processed_by"] == name:
            out["waiting"].add(d["number"])
        elif d["state"] == "closed" and (
            (d["resolution"] == "resolved" and d["processed_by"] == name)
            or (d["resolution"] == "rejected" and _closed_by(d) == name)
        ):
            out["done"].add(d["number"])
    return out


def my_tickets(client: Client) -> tuple[int | None, dict[str, int]]:
    """``/my/``: the total shown (None when the page lists nothing) and the open states'
    chip counts (a chip shows no count for zero)."""
    r = client.get("/my/")
    assert r.status_code == 200, r.status_code
    html = r.content.decode()
    total = _MY_TOTAL.search(html)
    return (int(total.group(1)) if total else None), {
        state: int(n) for state, n in _MY_CHIP.findall(html)
    }


def data_count(client: Client, params: dict[str, str]) -> int | None:
    """The count the desk admins' data page shows for ``params``; None when it is refused."""
    r = client.get("/data/", params)
    if r.status_code == 404:
        return None
    assert r.status_code == 200, (r.status_code, params)
    found = _DATA_COUNT.search(r.content.decode())
    assert found, params
    return int(found.group(1))
