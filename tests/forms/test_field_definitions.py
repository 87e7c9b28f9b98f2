"""Form definitions of ticket types (``parse_fields``): what a desk admin may design."""

from __future__ import annotations

from typing import Any

import pytest

from servicetickets.forms.fields import (
    COLUMN_KINDS,
    FIELD_KINDS,
    FieldDef,
    fields_from_json,
    parse_fields,
)
from tests.forms.helpers import (
    PARTS,
    definition,
    parse_refusal,
    refusal,
)

# --- definitions: accepted ----------------------------------------------------------------


def test_kinds_are_the_documented_sixteen_and_columns_exclude_complex_kinds() -> None:
    assert len(FIELD_KINDS) == 16
    assert COLUMN_KINDS.issubset(FIELD_KINDS)
    assert not COLUMN_KINDS & {"daterange", "image", "file", "note", "table"}


def test_minimal_definition_gets_defaults() -> None:
    [field] = parse_fields([definition()])
    assert field == FieldDef(key="f", label="Field", kind="text")
    assert field.required is False
    assert field.help == ""


def test_label_and_help_are_trimmed() -> None:
    [field] = parse_fields([definition(label="  Room  ", help="  Where you sit. ")])
    assert (field.label, field.help) == ("Room", "Where you sit.")


def test_null_property_counts_as_not_sent() -> None:
    [field] = parse_fields([definition(help=None, max_length=None, required=None)])
    assert field == FieldDef(key="f", label="Field", kind="text")


def test_empty_form_is_allowed() -> None:
    assert parse_fields([]) == []


EXTRAS: dict[str, dict[str, Any]] = {
    "select": {"options": ["a"]},
    "multiselect": {"options": ["a"]},
    "table": {"columns": [{"key": "c", "label": "C", "kind": "text"}]},
}


@pytest.mark.parametrize("kind", FIELD_KINDS)
def test_every_kind_accepts_a_minimal_definition(kind: str) -> None:
    [field] = parse_fields([definition(kind=kind, **EXTRAS.get(kind, {}))])
    assert field.kind == kind
    assert field.takes_value is (kind != "note")


def test_full_definition_keeps_every_constraint() -> None:
    raw = [
        definition(key="title", max_length=80, required=True, help="Short."),
        definition(key="cost", kind="amount", min=0, max=999.5),
        definition(key="size", kind="select", options=[" S ", "M"]),
        definition(key="photos", kind="image", max_files=3),
        definition(
            key="parts",
            kind="table",
            columns=[definition(key="qty", kind="number", min=1, required=True)],
        ),
    ]
    title, cost, size, photos, parts = parse_fields(raw)
    assert (title.max_length, title.required, title.help) == (80, True, "Short.")
    assert (cost.min, cost.max) == (0, 999.5)
    assert size.options == ("S", "M")
    assert photos.max_files == 3
    assert parts.columns == (FieldDef("qty", "Field", "number", required=True, min=1),)


def test_to_json_omits_empty_optionals() -> None:
    assert FieldDef("f", "Field", "text").to_json() == {
        "key": "f",
        "label": "Field",
        "kind": "text",
        "required": False,
    }


def test_to_json_and_fields_from_json_round_trip() -> None:
    fields = [
        FieldDef("a", "A", "text", required=True, help="h", max_length=10),
        FieldDef("b", "B", "number", min=0, max=5.5),
        FieldDef("c", "C", "multiselect", options=("x", "y")),
        FieldDef("d", "D", "file", max_files=2),
        PARTS,
    ]
    stored = [field.to_json() for field in fields]
    assert stored[2]["options"] == ["x", "y"]
    assert stored[4]["columns"][1] == {
        "key": "count",
        "label": "Count",
        "kind": "number",
        "required": False,
        "min": 1,
    }
    assert fields_from_json(stored) == fields
    assert parse_fields(stored) == fields


def test_same_key_may_appear_in_a_column_and_at_top_level() -> None:
    raw = [
        definition(key="name"),
        definition(key="parts", kind="table", columns=[definition(key="name")]),
    ]
    assert [field.key for field in parse_fields(raw)] == ["name", "parts"]


@pytest.mark.parametrize(
    "props",
    [
        {"label": "x" * 60},
        {"key": "a" * 40},
        {"max_length": 500},
        {"kind": "textarea", "max_length": 5000},
        {"kind": "image", "max_files": 20},
        {"kind": "file", "max_files": 1},
        {"kind": "number", "min": 5, "max": 5},
        {"kind": "select", "options": [str(n) for n in range(100)]},
    ],
)
def test_limits_are_inclusive(props: dict[str, Any]) -> None:
    assert parse_fields([definition(**props)])


# --- definitions: refused -----------------------------------------------------------------


def test_definition_must_be_a_list() -> None:
    assert parse_refusal({"key": "f"}).field == "fields"


def test_definition_path_prefix_can_be_chosen() -> None:
    error = refusal(lambda: parse_fields([{"label": "x", "kind": "text"}], path="form"))
    assert error.field == "form[0].key"


def test_at_most_one_hundred_fields() -> None:
    raw = [definition(key=f"f{n}") for n in range(101)]
    assert parse_refusal(raw).field == "fields"
    assert len(parse_fields(raw[:100])) == 100


def test_each_field_must_be_an_object() -> None:
    assert parse_refusal([definition(), "text"]).field == "fields[1]"


def test_unknown_property_is_named() -> None:
    error = parse_refusal([definition(), definition(key="g", colour="red")])
    assert (error.field, error.message) == ("fields[1].colour", "Unknown property.")
    assert error.status == 422
    assert error.code == "invalid"


@pytest.mark.parametrize("key", [None, "Name", "1st", "a-b", "a b", "", "a" * 41, 5, "é"])
def test_key_must_match_the_pattern(key: object) -> None:
    raw = [definition(key=key)] if key is not None else [{"label": "L", "kind": "text"}]
    error = parse_refusal(raw)
    assert error.field == "fields[0].key"


def test_key_message_explains_the_pattern() -> None:
    message = parse_refusal([definition(key="Bad")]).message
    assert "lowercase letter" in message
    assert "40" in message


def test_duplicate_key_names_the_second_field() -> None:
    error = parse_refusal([definition(), definition(key="g"), definition()])
    assert (error.field, error.message) == ("fields[2].key", "Another field already uses this key.")


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (None, "This field is required."),
        ("   ", "This field is required."),
        ("x" * 61, "Must be at most 60 characters."),
        (12, "Enter text."),
    ],
)
def test_label_is_one_to_sixty_characters(label: object, message: str) -> None:
    raw = definition(label=label)
    if label is None:
        del raw["label"]
    error = parse_refusal([raw])
    assert (error.field, error.message) == ("fields[0].label", message)


@pytest.mark.parametrize("kind", [None, "colour", 3, "Text"])
def test_kind_must_be_known(kind: object) -> None:
    raw = definition(kind=kind)
    if kind is None:
        del raw["kind"]
    assert parse_refusal([raw]).field == "fields[0].kind"


@pytest.mark.parametrize("required", ["yes", 1, 0, "true"])
def test_required_must_be_a_real_bool(required: object) -> None:
    assert parse_refusal([definition(required=required)]).field == "fields[0].required"


def test_note_cannot_be_required() -> None:
    raw = [definition(), definition(key="n", kind="note", required=True)]
    assert parse_refusal(raw).field == "fields[1].required"


@pytest.mark.parametrize(("help_text", "message"), [(5, "Enter text."), ("x" * 501, None)])
def test_help_is_text_of_at_most_500_characters(help_text: object, message: str | None) -> None:
    error = parse_refusal([definition(help=help_text)])
    assert error.field == "fields[0].help"
    assert error.message == (message or "Must be at most 500 characters.")


@pytest.mark.parametrize(
    ("props", "path"),
    [
        ({"kind": "text", "options": ["a"]}, "fields[0].options"),
        ({"kind": "text", "options": []}, "fields[0].options"),
        ({"kind": "select"}, "fields[0].options"),
        ({"kind": "select", "options": []}, "fields[0].options"),
        ({"kind": "multiselect", "options": "a,b"}, "fields[0].options"),
        ({"kind": "select", "options": ["a", 2]}, "fields[0].options[1]"),
        ({"kind": "select", "options": ["a", "  "]}, "fields[0].options[1]"),
        ({"kind": "select", "options": ["x" * 101]}, "fields[0].options[0]"),
        ({"kind": "select", "options": ["a", "b", " a "]}, "fields[0].options[2]"),
        ({"kind": "select", "options": [str(n) for n in range(101)]}, "fields[0].options"),
    ],
)
def test_options_rules(props: dict[str, Any], path: str) -> None:
    assert parse_refusal([definition(**props)]).field == path


def test_duplicate_option_message() -> None:
    error = parse_refusal([definition(kind="select", options=["a", "a"])])
    assert error.message == "Options must be distinct."


@pytest.mark.parametrize(
    ("props", "path"),
    [
        ({"kind": "text", "min": 1}, "fields[0].min"),
        ({"kind": "select", "options": ["a"], "max": 1}, "fields[0].max"),
        ({"kind": "number", "min": True}, "fields[0].min"),
        ({"kind": "number", "max": "10"}, "fields[0].max"),
        ({"kind": "amount", "min": float("nan")}, "fields[0].min"),
        ({"kind": "amount", "max": float("inf")}, "fields[0].max"),
        ({"kind": "number", "min": 10, "max": 2}, "fields[0].max"),
        ({"kind": "number", "max": 10**400}, "fields[0].max"),
    ],
)
def test_bounds_rules(props: dict[str, Any], path: str) -> None:
    assert parse_refusal([definition(**props)]).field == path


def test_min_above_max_message_quotes_the_minimum() -> None:
    error = parse_refusal([definition(kind="number", min=10.0, max=2)])
    assert error.message == "Must be at least 10."


@pytest.mark.parametrize(
    ("props", "path"),
    [
        ({"kind": "number", "max_length": 10}, "fields[0].max_length"),
        ({"kind": "text", "max_length": 501}, "fields[0].max_length"),
        ({"kind": "textarea", "max_length": 5001}, "fields[0].max_length"),
        ({"kind": "text", "max_length": 0}, "fields[0].max_length"),
        ({"kind": "text", "max_length": True}, "fields[0].max_length"),
        ({"kind": "text", "max_length": 10.0}, "fields[0].max_length"),
        ({"kind": "text", "max_files": 2}, "fields[0].max_files"),
        ({"kind": "image", "max_files": 21}, "fields[0].max_files"),
        ({"kind": "file", "max_files": 0}, "fields[0].max_files"),
        ({"kind": "file", "max_files": "3"}, "fields[0].max_files"),
    ],
)
def test_length_and_file_limits_rules(props: dict[str, Any], path: str) -> None:
    assert parse_refusal([definition(**props)]).field == path


def test_limit_message_names_the_range() -> None:
    error = parse_refusal([definition(kind="image", max_files=21)])
    assert error.message == "Enter a whole number from 1 to 20."


COLUMN = {"key": "c", "label": "C", "kind": "text"}


@pytest.mark.parametrize(
    ("props", "path"),
    [
        ({"kind": "text", "columns": [COLUMN]}, "fields[0].columns"),
        ({"kind": "table"}, "fields[0].columns"),
        ({"kind": "table", "columns": []}, "fields[0].columns"),
        ({"kind": "table", "columns": COLUMN}, "fields[0].columns"),
        (
            {"kind": "table", "columns": [{**COLUMN, "key": f"c{n}"} for n in range(21)]},
            "fields[0].columns",
        ),
        ({"kind": "table", "columns": [COLUMN, "x"]}, "fields[0].columns[1]"),
        ({"kind": "table", "columns": [COLUMN, COLUMN]}, "fields[0].columns[1].key"),
        ({"kind": "table", "columns": [{**COLUMN, "colour": 1}]}, "fields[0].columns[0].colour"),
    ],
)
def test_columns_rules(props: dict[str, Any], path: str) -> None:
    assert parse_refusal([definition(**props)]).field == path


@pytest.mark.parametrize("kind", ["daterange", "image", "file", "note", "table"])
def test_column_kind_must_be_simple(kind: str) -> None:
    raw = [definition(kind="table", columns=[COLUMN, {**COLUMN, "key": "d", "kind": kind}])]
    error = parse_refusal(raw)
    assert (error.field, error.message) == (
        "fields[0].columns[1].kind",
        "A table column cannot be of this kind.",
    )


def test_column_rules_are_the_field_rules_with_nested_paths() -> None:
    raw = [
        definition(),
        definition(key="parts", kind="table", columns=[{**COLUMN, "kind": "select"}]),
    ]
    error = parse_refusal(raw)
    assert (error.field, error.message) == (
        "fields[1].columns[0].options",
        "Add at least one option.",
    )
