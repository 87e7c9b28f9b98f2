"""Simplified Chinese ships with English: a complete catalogue, compiled, and chosen per request.

The catalogue is read as text (no gettext tools or polib needed), so these tests run anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, pgettext

from servicetickets.notifications.models import Kind
from servicetickets.tickets.models import Resolution, State
from servicetickets.tickettypes.models import TypeState
from tests.conftest import People


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str
    flags: frozenset[str]
    line: int
    context: str | None = None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_QUOTED = re.compile(r'^(?:(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])\s+)?"(.*)"$')
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _catalogue_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _parse(text: str) -> list[Entry]:
    """The entries of a .po file (header excluded); a plural's translation is its msgstr[0]."""
    entries: list[Entry] = []
    for match in re.finditer(r"(?:[^\n]+\n?)+", text):
        block, line = match.group(0), text.count("\n", 0, match.start()) + 1
        parts: dict[str, str] = {}
        flags: set[str] = set()
        key = ""
        for raw in block.splitlines():
            if raw.startswith("#,"):
                flags.update(flag.strip() for flag in raw[2:].split(","))
                continue
            if raw.startswith("#"):
                continue
            quoted = _QUOTED.match(raw)
            assert quoted, f"line {line}: cannot read {raw!r}"
            key = quoted.group(1) or key
            parts[key] = parts.get(key, "") + _unquote(quoted.group(2))
        if "msgid" not in parts or parts["msgid"] == "":
            continue  # the header
        msgstr = parts.get("msgstr", parts.get("msgstr[0]", ""))
        entries.append(Entry(parts["msgid"], msgstr, frozenset(flags), line, parts.get("msgctxt")))
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return _parse(_catalogue_path().read_text(encoding="utf-8"))


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


# --- the catalogue ------------------------------------------------------------------------


def test_catalogue_has_messages(entries: list[Entry]) -> None:
    assert len(entries) > 200


def test_every_message_is_translated(entries: list[Entry]) -> None:
    untranslated = [e.msgid for e in entries if not e.msgstr.strip()]
    assert untranslated == []


def test_no_message_is_fuzzy(entries: list[Entry]) -> None:
    text = _catalogue_path().read_text(encoding="utf-8")
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert "#, fuzzy" not in text  # not even on the header, which msgfmt would then skip


def test_catalogue_has_no_plural_beyond_the_one_chinese_form() -> None:
    text = _catalogue_path().read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    assert re.search(r"^msgstr\[[1-9]\]", text, re.MULTILINE) is None


def test_every_placeholder_of_a_message_is_kept_in_its_translation(entries: list[Entry]) -> None:
    wrong = {
        e.msgid: e.msgstr
        for e in entries
        if _placeholders(e.msgid) != _placeholders(e.msgstr)
        # a lone "%" would break "%"-formatting; "%%" is the escaped one
        or re.sub(r"%%|%\([^)]+\)", "", e.msgstr).count("%")
        != re.sub(r"%%|%\([^)]+\)", "", e.msgid).count("%")
    }
    assert wrong == {}


def test_reader_sees_untranslated_fuzzy_multiline_and_plural_entries() -> None:
    """The checks above are only worth something if the reader can see what they look for."""
    sample = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"At most %(n)d "\n'
        '"\\"files\\"."\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "许多"\n'
    )

    first, second = _parse(sample)

    assert first == Entry('At most %(n)d "files".', "", frozenset({"fuzzy", "python-format"}), 5)
    assert (second.msgid, second.msgstr) == ("one", "许多")


def test_placeholder_check_sees_a_dropped_or_renamed_placeholder() -> None:
    """The check above is only worth something if it can fail."""
    assert _placeholders("名称最多 %(n)d 个字符。") == ["%(n)d"]
    assert _placeholders("名称最多 n 个字符。") != _placeholders("At most %(n)d characters.")
    assert _placeholders("%(count)d") != _placeholders("%(n)d")
    assert _placeholders("%(seconds).1f 秒") == ["%(seconds).1f"]


def _compiled(entry: Entry) -> str:
    if entry.context is not None:
        return pgettext(entry.context, entry.msgid)
    return gettext(entry.msgid)


def test_compiled_catalogue_matches_the_text_one(entries: list[Entry]) -> None:
    """django.mo is committed; a .po edited without compiling again is caught here."""
    mo = _catalogue_path().with_suffix(".mo")
    assert mo.is_file()
    with translation.override("zh-hans"):
        stale = {e.msgid: _compiled(e) for e in entries if _compiled(e) != e.msgstr}
    assert stale == {}


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Sign in", "登录"),
        ("Only an admin of this desk may do this.", "仅该服务台的管理员可执行此操作。"),
        ("No ticket with that id.", "工单不存在。"),
        ("You can urge a ticket once an hour.", "同一工单每小时只能催办一次。"),
        ("Name at least one handler before publishing.", "发布前请至少指定一名处理人。"),
        ("The request body is not valid JSON.", "请求体不是有效的 JSON。"),
    ],
)
def test_code_messages_come_back_in_chinese(english: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        assert gettext(english) == chinese


def test_state_and_kind_labels_use_the_service_desk_terms() -> None:
    with translation.override("zh-hans"):
        assert [str(s.label) for s in State] == ["待接单", "处理中", "待确认", "已关闭"]
        assert [str(r.label) for r in Resolution] == ["已解决", "已撤销", "已驳回"]
        assert [str(t.label) for t in TypeState] == ["草稿", "已发布", "已取消发布"]
        assert str(Kind.RETURNED.label) == "退回（未解决）"  # noqa: RUF001
        assert str(Kind.URGED.label) == "催办"


def test_messages_stay_english_without_chinese_requested() -> None:
    assert gettext("Sign in") == "Sign in"
    assert str(State.PENDING.label) == "Pending"


# --- per request ---------------------------------------------------------------------------


def test_api_error_message_follows_accept_language(people: People, api: Any) -> None:
    path = f"/desks/{people.desk.pk}/types"
    body = {"name": "x" * 13}

    r = api(people.admin).post(path, body, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert r.status_code == 422, r.content
    assert r.json() == {
        "error": {"code": "invalid", "message": "名称最多 12 个字符。", "field": "name"}
    }


def test_api_error_message_is_english_by_default(people: People, api: Any) -> None:
    r = api(people.admin).post(f"/desks/{people.desk.pk}/types", {"name": "x" * 13})

    assert r.status_code == 422, r.content
    assert r.json()["error"]["message"] == "Name must be at most 12 characters."


def test_chinese_request_does_not_leak_into_the_next_one(people: People, api: Any) -> None:
    client = api(people.admin)
    path = f"/desks/{people.desk.pk}/types"
    client.post(path, {"name": "x" * 13}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    r = client.post(path, {"name": "x" * 13}, HTTP_ACCEPT_LANGUAGE="en")

    assert r.json()["error"]["message"] == "Name must be at most 12 characters."


def test_sign_in_page_in_chinese(db: None, client: Client) -> None:
    r = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert r.status_code == 200
    page = r.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>登录</h1>" in page
    assert "用户名" in page and "密码" in page
    assert "Sign in" not in page


def test_sign_in_page_in_english_by_default(db: None, client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()

    assert "<h1>Sign in</h1>" in page
    assert "登录" not in page
