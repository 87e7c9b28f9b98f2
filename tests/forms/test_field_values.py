"""Submitted values (``clean_data``) checked against a form, with the field they name."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from servicetickets.forms.fields import (
    FieldDef,
)
from servicetickets.forms.values import upload_ids
from tests.forms.helpers import (
    MULTI,
    PARTS,
    SELECT,
    FakeContext,
    clean,
    cleaned,
    refusal,
    value_refusal,
)

# --- values: the data object --------------------------------------------------------------


def test_data_must_be_an_object() -> None:
    assert refusal(lambda: clean(SELECT, ["S"])).field == "data"


def test_unknown_key_is_named() -> None:
    error = refusal(lambda: clean(SELECT, {"size": "S", "colour": "red"}))
    assert (error.field, error.message) == ("colour", "Unknown field.")


def test_note_given_a_value_is_refused() -> None:
    note = FieldDef("intro", "Read this", "note")
    error = refusal(lambda: clean([note, SELECT], {"intro": "hello"}))
    assert (error.field, error.message) == ("intro", "This field takes no value.")


def test_note_with_null_is_ignored() -> None:
    assert clean([FieldDef("intro", "Read this", "note")], {"intro": None}) == {}


@pytest.mark.parametrize("missing", [{}, {"size": None}, {"size": ""}, {"size": "   "}])
def test_required_field_left_empty_is_refused(missing: dict[str, Any]) -> None:
    field = FieldDef("size", "Size", "select", required=True, options=("S",))
    error = refusal(lambda: clean(field, missing))
    assert (error.field, error.message) == ("size", "This field is required.")


@pytest.mark.parametrize(
    ("field", "empty"),
    [
        (FieldDef("t", "T", "text"), "  "),
        (FieldDef("t", "T", "number"), None),
        (MULTI, []),
        (FieldDef("t", "T", "file"), []),
        (PARTS, []),
        (FieldDef("t", "T", "daterange"), ["", None]),
    ],
)
def test_optional_empty_value_is_omitted(field: FieldDef, empty: object) -> None:
    assert clean(field, {field.key: empty}) == {}


@pytest.mark.parametrize(
    "field",
    [
        FieldDef("t", "T", "multiselect", required=True, options=("a",)),
        FieldDef("t", "T", "image", required=True),
        FieldDef("t", "T", "daterange", required=True),
    ],
)
def test_required_list_kinds_refuse_an_empty_list(field: FieldDef) -> None:
    assert value_refusal(field, []).message == "This field is required."


def test_result_follows_form_order_and_has_only_given_keys() -> None:
    form = [FieldDef("b", "B", "text"), FieldDef("a", "A", "number"), FieldDef("c", "C", "text")]
    result = clean(form, {"a": 3, "b": " x "})
    assert list(result.items()) == [("b", "x"), ("a", 3)]


def test_first_bad_field_in_form_order_wins() -> None:
    form = [FieldDef("b", "B", "number"), FieldDef("a", "A", "number")]
    assert refusal(lambda: clean(form, {"a": "x", "b": "y"})).field == "b"


# --- values: text, phone, email, member ---------------------------------------------------


def test_text_is_trimmed() -> None:
    assert cleaned(FieldDef("t", "T", "text"), "  hello  ") == "hello"


@pytest.mark.parametrize("value", [5, ["a"], {"a": 1}, True])
def test_text_must_be_a_string(value: object) -> None:
    error = value_refusal(FieldDef("t", "T", "text"), value)
    assert (error.field, error.message) == ("t", "Enter text.")


def test_single_line_text_refuses_line_breaks() -> None:
    assert (
        value_refusal(FieldDef("t", "T", "text"), "a\nb").message == "Enter a single line of text."
    )


def test_textarea_keeps_line_breaks_and_normalises_them() -> None:
    assert cleaned(FieldDef("t", "T", "textarea"), "a\r\nb\rc\n\td") == "a\nb\nc\n\td"


@pytest.mark.parametrize("kind", ["text", "textarea"])
def test_text_refuses_control_characters(kind: str) -> None:
    assert value_refusal(FieldDef("t", "T", kind), "a\x00b").field == "t"


@pytest.mark.parametrize(
    ("field", "longest"),
    [
        (FieldDef("t", "T", "text"), 200),
        (FieldDef("t", "T", "textarea"), 5000),
        (FieldDef("t", "T", "text", max_length=5), 5),
    ],
)
def test_text_length_limit(field: FieldDef, longest: int) -> None:
    assert cleaned(field, "x" * longest) == "x" * longest
    error = value_refusal(field, "x" * (longest + 1))
    assert (error.field, error.message) == ("t", f"Must be at most {longest} characters.")


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("+86 138-0013-8000", "+86 138-0013-8000"),
        ("(010) 1234  5678", "(010) 1234 5678"),
        ("112", "112"),
        (" 555-0100 ", "555-0100"),
    ],
)
def test_phone_accepts_common_shapes(value: str, stored: str) -> None:
    assert cleaned(FieldDef("p", "P", "phone"), value) == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("call me", "Enter a valid phone number."),
        ("12", "Enter a valid phone number."),
        ("1" * 16, "Enter a valid phone number."),
        ("555 0100 ext 2", "Enter a valid phone number."),
        ("1+555", "Enter a valid phone number."),
        (5550100, "Enter a phone number."),
    ],
)
def test_phone_refusals(value: object, message: str) -> None:
    error = value_refusal(FieldDef("p", "P", "phone"), value)
    assert (error.field, error.message) == ("p", message)


def test_email_lowercases_the_domain_only() -> None:
    assert cleaned(FieldDef("e", "E", "email"), " Ann.Lee@Example.COM ") == "Ann.Lee@example.com"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nope", "Enter a valid email address."),
        ("a@", "Enter a valid email address."),
        ("a b@example.com", "Enter a valid email address."),
        ("a@" + ("b" * 63 + ".") * 4 + "com", "Must be at most 254 characters."),
        (42, "Enter an email address."),
    ],
)
def test_email_refusals(value: object, message: str) -> None:
    error = value_refusal(FieldDef("e", "E", "email"), value)
    assert (error.field, error.message) == ("e", message)


def test_member_is_checked_with_the_context() -> None:
    assert cleaned(FieldDef("m", "M", "member"), " alice ") == "alice"


@pytest.mark.parametrize(
    ("value", "message"), [("mallory", "Unknown user."), (7, "Enter a username.")]
)
def test_member_refusals(value: object, message: str) -> None:
    error = value_refusal(FieldDef("m", "M", "member"), value)
    assert (error.field, error.message) == ("m", message)


# --- values: numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, 1e6])
def test_number_accepts_ints_and_floats(value: float) -> None:
    assert cleaned(FieldDef("n", "N", "number"), value) == value


@pytest.mark.parametrize(
    "value", [True, False, "5", [5], float("nan"), float("inf"), 10**16, -(10**400)]
)
def test_number_refusals(value: object) -> None:
    assert value_refusal(FieldDef("n", "N", "number"), value).field == "n"


def test_number_wrong_type_message() -> None:
    assert value_refusal(FieldDef("n", "N", "number"), "5").message == "Enter a number."


def test_number_beyond_fifteen_digits_is_refused() -> None:
    field = FieldDef("n", "N", "number")
    assert cleaned(field, 10**15) == 10**15
    assert value_refusal(field, 10**15 + 1).message == "Enter a number of at most 15 digits."


def test_number_bounds_are_inclusive_and_named_in_the_message() -> None:
    field = FieldDef("n", "N", "number", min=1, max=10.0)
    assert cleaned(field, 1) == 1
    assert cleaned(field, 10) == 10
    assert value_refusal(field, 0.5).message == "Must be at least 1."
    assert value_refusal(field, 11).message == "Must be at most 10."


def test_fractional_bound_is_quoted_as_is() -> None:
    assert (
        value_refusal(FieldDef("n", "N", "amount", min=0.5), 0).message == "Must be at least 0.5."
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [(12.34, 12.34), (0.1, 0.1), (10.0, 10), (7, 7), (-2.5, -2.5), (1e6, 1000000)],
)
def test_amount_is_stored_as_a_number_with_at_most_two_decimals(
    value: float, stored: float
) -> None:
    result = cleaned(FieldDef("a", "A", "amount"), value)
    assert result == stored
    assert type(result) is type(stored)


@pytest.mark.parametrize("value", [12.345, 0.001, 1e-7])
def test_amount_refuses_more_than_two_decimals(value: float) -> None:
    error = value_refusal(FieldDef("a", "A", "amount"), value)
    assert (error.field, error.message) == ("a", "Enter an amount with at most 2 decimal places.")


@pytest.mark.parametrize("value", ["12.34", True, None])
def test_amount_refuses_non_numbers(value: object) -> None:
    field = FieldDef("a", "A", "amount", required=True)
    assert value_refusal(field, value).field == "a"


def test_amount_bounds_apply() -> None:
    assert value_refusal(FieldDef("a", "A", "amount", max=100), 100.01).message == (
        "Must be at most 100."
    )


# --- values: dates ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-01-31", "2024-02-29", " 2023-12-01 "])
def test_date_accepts_calendar_dates(value: str) -> None:
    assert cleaned(FieldDef("d", "D", "date"), value) == value.strip()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20240101", "Enter a date as YYYY-MM-DD."),
        ("2024-1-1", "Enter a date as YYYY-MM-DD."),
        ("2024-01-01T00:00", "Enter a date as YYYY-MM-DD."),
        ("01/02/2024", "Enter a date as YYYY-MM-DD."),
        (20240101, "Enter a date as YYYY-MM-DD."),
        ("2023-02-29", "Enter a valid date."),
        ("2024-13-01", "Enter a valid date."),
    ],
)
def test_date_refusals(value: object, message: str) -> None:
    error = value_refusal(FieldDef("d", "D", "date"), value)
    assert (error.field, error.message) == ("d", message)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2024-03-01T09:30:00+08:00", "2024-03-01T09:30:00+08:00"),
        ("2024-03-01T09:30Z", "2024-03-01T09:30:00+00:00"),
        ("2024-03-01 09:30:15.5-05:00", "2024-03-01T09:30:15.500000-05:00"),
    ],
)
def test_datetime_with_offset_keeps_it(value: str, stored: str) -> None:
    assert cleaned(FieldDef("w", "W", "datetime"), value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2024-01-15T09:30", "2024-01-15T09:30:00+01:00"),
        ("2024-07-15T09:30:00", "2024-07-15T09:30:00+02:00"),
    ],
)
def test_naive_datetime_is_read_in_the_current_time_zone(value: str, stored: str) -> None:
    with timezone.override(ZoneInfo("Europe/Berlin")):
        assert cleaned(FieldDef("w", "W", "datetime"), value) == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-03-01", "Enter a date and time in ISO 8601 format."),
        ("20240301T0930", "Enter a date and time in ISO 8601 format."),
        ("tomorrow at nine", "Enter a date and time in ISO 8601 format."),
        (1709285400, "Enter a date and time in ISO 8601 format."),
        ("2024-13-01T09:30", "Enter a valid date and time."),
        ("2024-03-01T25:00", "Enter a valid date and time."),
    ],
)
def test_datetime_refusals(value: object, message: str) -> None:
    error = value_refusal(FieldDef("w", "W", "datetime"), value)
    assert (error.field, error.message) == ("w", message)


@pytest.mark.parametrize("value", [["2024-01-01", "2024-01-03"], ["2024-01-01", "2024-01-01"]])
def test_daterange_accepts_start_and_end(value: list[str]) -> None:
    assert cleaned(FieldDef("r", "R", "daterange"), value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["2024-01-03", "2024-01-01"], "The end must not be before the start."),
        ("2024-01-01", "Enter a date range as [start, end]."),
        (["2024-01-01"], "Enter a date range as [start, end]."),
        (["2024-01-01", "2024-01-02", "2024-01-03"], "Enter a date range as [start, end]."),
        (["2024-01-01", "soon"], "Enter a date as YYYY-MM-DD."),
        (["2024-02-30", "2024-03-01"], "Enter a valid date."),
        (["2024-01-01", ""], "Enter a date as YYYY-MM-DD."),
    ],
)
def test_daterange_refusals(value: object, message: str) -> None:
    error = value_refusal(FieldDef("r", "R", "daterange"), value)
    assert (error.field, error.message) == ("r", message)


# --- values: choices ----------------------------------------------------------------------


def test_select_accepts_an_option() -> None:
    assert cleaned(SELECT, " M ") == "M"


@pytest.mark.parametrize("value", ["XL", "s", ["S"], 1])
def test_select_refuses_anything_but_an_option(value: object) -> None:
    error = value_refusal(SELECT, value)
    assert (error.field, error.message) == ("size", "Choose one of the options.")


def test_multiselect_is_stored_in_option_order() -> None:
    assert cleaned(MULTI, ["blue", "red"]) == ["red", "blue"]


def test_multiselect_wraps_a_single_string() -> None:
    assert cleaned(MULTI, "green") == ["green"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["red", "red"], "Choose each option at most once."),
        (["red", "pink"], "Choose one of the options."),
        (["red", 3], "Choose one of the options."),
        (5, "Choose from the options."),
        ({"red": True}, "Choose from the options."),
    ],
)
def test_multiselect_refusals(value: object, message: str) -> None:
    error = value_refusal(MULTI, value)
    assert (error.field, error.message) == ("tags", message)


# --- values: uploads ----------------------------------------------------------------------


def test_uploads_are_checked_with_the_context_images_only_for_image_fields() -> None:
    context = FakeContext()
    form = [FieldDef("photos", "Photos", "image"), FieldDef("docs", "Docs", "file")]
    result = clean(form, {"photos": ["u1", "u2"], "docs": ["doc1"]}, context)
    assert result == {"photos": ["u1", "u2"], "docs": ["doc1"]}
    assert context.upload_calls == [(["u1", "u2"], True), (["doc1"], False)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (FieldDef("f", "F", "image"), ["doc1"], "Only images can be attached here."),
        (FieldDef("f", "F", "file"), ["nope"], "Unknown upload."),
    ],
)
def test_upload_problem_from_the_context_is_passed_on(
    field: FieldDef, value: list[str], message: str
) -> None:
    error = value_refusal(field, value)
    assert (error.field, error.message) == ("f", message)


@pytest.mark.parametrize("value", ["u1", [1], ["u1", ""], [None], {"id": "u1"}])
def test_uploads_must_be_a_list_of_ids(value: object) -> None:
    error = value_refusal(FieldDef("f", "F", "file"), value)
    assert (error.field, error.message) == ("f", "Enter a list of upload ids.")


def test_same_upload_twice_is_refused() -> None:
    assert value_refusal(FieldDef("f", "F", "file"), ["u1", "u1"]).message == (
        "Attach each file only once."
    )


@pytest.mark.parametrize(
    ("field", "most"),
    [
        (FieldDef("f", "F", "image"), 9),
        (FieldDef("f", "F", "file"), 5),
        (FieldDef("f", "F", "file", max_files=2), 2),
    ],
)
def test_max_files(field: FieldDef, most: int) -> None:
    ids = [f"u{n}" for n in range(most + 1)]
    context = FakeContext(uploads=tuple(ids), images=tuple(ids))
    assert cleaned(field, ids[:most], context) == ids[:most]
    error = value_refusal(field, ids, context)
    assert (error.field, error.message) == ("f", f"Attach at most {most} files.")


def test_upload_ids_collects_every_upload_once_in_form_order() -> None:
    form = [
        FieldDef("photos", "Photos", "image"),
        FieldDef("title", "Title", "text"),
        FieldDef("docs", "Docs", "file"),
        FieldDef("more", "More", "file"),
    ]
    data = {"title": "x", "photos": ["u2", "u1"], "docs": ["doc1", "u1"]}
    assert upload_ids(form, data) == ["u2", "u1", "doc1"]


# --- values: tables -----------------------------------------------------------------------


def test_table_rows_are_cleaned_like_small_forms() -> None:
    rows = [{"name": " bolt ", "count": 4, "owner": "bob"}, {"name": "nut", "owner": None}]
    assert cleaned(PARTS, rows) == [{"name": "bolt", "count": 4, "owner": "bob"}, {"name": "nut"}]


def test_table_cell_error_names_row_and_column() -> None:
    rows = [{"name": "bolt", "count": 0}]
    error = value_refusal(PARTS, rows)
    assert (error.field, error.message) == ("parts[0].count", "Must be at least 1.")


def test_table_error_in_a_later_row_names_that_row() -> None:
    rows = [{"name": "bolt"}, {"name": "nut"}, {"name": "gear", "owner": "mallory"}]
    assert value_refusal(PARTS, rows).field == "parts[2].owner"


def test_table_required_column_missing_names_the_cell() -> None:
    error = value_refusal(PARTS, [{"name": "bolt"}, {"count": 2}])
    assert (error.field, error.message) == ("parts[1].name", "This field is required.")


def test_table_unknown_column_names_the_cell() -> None:
    error = value_refusal(PARTS, [{"name": "bolt", "colour": "red"}])
    assert (error.field, error.message) == ("parts[0].colour", "Unknown field.")


def test_table_row_that_is_not_an_object_names_the_row() -> None:
    error = value_refusal(PARTS, [{"name": "bolt"}, ["nut"]])
    assert (error.field, error.message) == ("parts[1]", "Each row must be an object.")


@pytest.mark.parametrize("value", [{"name": "bolt"}, "bolt"])
def test_table_must_be_a_list_of_rows(value: object) -> None:
    error = value_refusal(PARTS, value)
    assert (error.field, error.message) == ("parts", "Enter a list of rows.")


def test_table_has_at_most_200_rows() -> None:
    assert len(cleaned(PARTS, [{"name": "n"}] * 200)) == 200
    error = value_refusal(PARTS, [{"name": "n"}] * 201)
    assert (error.field, error.message) == ("parts", "Add at most 200 rows.")


def test_required_table_needs_a_row() -> None:
    table = FieldDef("parts", "Parts", "table", required=True, columns=PARTS.columns)
    error = value_refusal(table, [])
    assert (error.field, error.message) == ("parts", "This field is required.")
