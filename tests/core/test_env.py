"""The typed readers of the environment that settings are built from."""

from __future__ import annotations

import pytest

from servicetickets.core.env import env_bool, env_int, env_list, env_str

NAME = "SERVICETICKETS_TEST_VALUE"


def test_env_str_reads_or_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    assert env_str(NAME, "fallback") == "fallback"

    monkeypatch.setenv(NAME, "value")
    assert env_str(NAME, "fallback") == "value"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("on", True), ("0", False), ("no", False)],
)
def test_env_bool(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv(NAME, raw)

    assert env_bool(NAME, not expected) is expected


def test_env_bool_empty_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "")

    assert env_bool(NAME, True) is True


def test_env_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, " 42 ")
    assert env_int(NAME, 7) == 42

    monkeypatch.setenv(NAME, "")
    assert env_int(NAME, 7) == 7


def test_env_int_refuses_words_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "many")

    with pytest.raises(RuntimeError, match=NAME):
        env_int(NAME, 7)


def test_env_list_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "a.example, b.example,,")
    assert env_list(NAME, []) == ["a.example", "b.example"]

    monkeypatch.delenv(NAME)
    assert env_list(NAME, ["x"]) == ["x"]
