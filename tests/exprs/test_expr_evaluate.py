"""Evaluation of every expression kind (SEMANTICS-HEAD §III.5.4, D27, C17, C18)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from expr_builders import (
    ORDERED,
    SAMPLES,
    and_,
    canonical,
    cur,
    eq,
    exists,
    get,
    in_,
    json_values,
    lit,
    lt,
    named,
    ne,
    not_,
    numbers,
    or_,
    version,
)
from hypothesis import given
from hypothesis import strategies as st

from nexigon_fake.exprs import (
    NO_CURRENT,
    EvaluationError,
    Missing,
    evaluate,
    evaluate_condition,
)
from nexigon_fake.wire.json import JsonExpr

BOOM = cur()  # fails with an EvaluationError wherever it is evaluated outside a mutation
CURRENT_ERROR = "`Current` is only valid inside a mutation."


def missing(expr: JsonExpr, names: dict[str, Any] | None = None) -> str:
    with pytest.raises(Missing) as caught:
        evaluate(expr, names or {})
    return caught.value.message


def error(expr: JsonExpr, names: dict[str, Any] | None = None) -> str:
    with pytest.raises(EvaluationError) as caught:
        evaluate(expr, names or {})
    return caught.value.message


def test_the_two_failure_classes_are_distinct() -> None:
    assert not issubclass(Missing, EvaluationError)
    assert not issubclass(EvaluationError, Missing)
    assert repr(NO_CURRENT) == "NO_CURRENT"


# Literal, NamedValue, Current


@given(json_values)
def test_a_literal_is_its_value(value: Any) -> None:
    assert evaluate(lit(value), {}) == value


def test_a_named_value_present_with_null_is_not_missing() -> None:
    assert evaluate(named("a"), {"a": None}) is None
    assert evaluate(named("a", default=lit(1)), {"a": None}) is None


def test_a_missing_named_value_is_missing_with_its_name() -> None:
    assert missing(named("app.version")) == "Named value `app.version` is missing."


def test_a_default_is_used_only_when_the_name_is_missing() -> None:
    assert evaluate(named("a", default=lit(2)), {}) == 2
    assert evaluate(named("a", default=BOOM), {"a": 1}) == 1  # not evaluated
    assert error(named("a", default=BOOM)) == CURRENT_ERROR
    assert missing(named("a", default=named("b"))) == "Named value `b` is missing."


def test_current_fails_outside_a_mutation_and_reads_the_value_inside() -> None:
    assert error(cur()) == CURRENT_ERROR
    assert evaluate(cur(), {}, current=None) is None
    assert evaluate(get(cur(), "a"), {}, current={"a": [1]}) == [1]


# Get and path resolution


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": 1}, ["b"]),  # member absent
        ([1, 2], [2]),  # index out of range
        ({"0": 1}, [0]),  # an index on an object
        ([1], ["0"]),  # a key on an array
        ("text", ["a"]),
        ("text", [0]),
        (None, ["a"]),
        (5, [0]),
        ({"a": {"b": None}}, ["a", "b", "c"]),
    ],
)
def test_a_path_that_does_not_apply_is_missing_not_an_error(value: Any, path: list[Any]) -> None:
    assert missing(get(lit(value), *path)).endswith("does not resolve.")
    assert evaluate(exists(lit(value), *path), {}) is False


def test_path_resolution_reads_members_and_elements() -> None:
    value = {"a": [{"b": None}, {"c": [0, 1]}], "": 7}
    assert evaluate(get(lit(value), "a", 1, "c", 1), {}) == 1
    assert evaluate(get(lit(value), "a", 0, "b"), {}) is None
    assert evaluate(get(lit(value), ""), {}) == 7
    assert evaluate(get(lit(value)), {}) == value  # the empty path is the value itself


def test_the_missing_path_message_is_compact_json_with_non_ascii_kept() -> None:
    message = missing(get(named("x"), "app", 0, "café", 'q"t'), {"x": {}})
    assert message == 'Path ["app",0,"café","q\\"t"] does not resolve.'


def test_get_default_covers_a_missing_expression_and_a_missing_path_only() -> None:
    assert evaluate(get(named("x"), "a", default=lit("d")), {}) == "d"
    assert evaluate(get(named("x"), "a", default=lit("d")), {"x": {}}) == "d"
    assert evaluate(get(named("x"), "a", default=BOOM), {"x": {"a": 1}}) == 1
    assert error(get(lt(lit(1), lit("a")), default=lit(0))) == (
        "`LessThan` expects two numbers or two strings, got number and string."
    )
    assert error(get(BOOM, default=lit(0))) == CURRENT_ERROR


def test_get_without_default_propagates_a_missing_name() -> None:
    assert missing(get(named("x"), "a")) == "Named value `x` is missing."


# Equality


@given(json_values, json_values)
def test_equality_is_json_equality(left: Any, right: Any) -> None:
    expected = canonical(left) == canonical(right)
    assert evaluate(eq(lit(left), lit(right)), {}) is expected
    assert evaluate(eq(lit(right), lit(left)), {}) is expected  # symmetric
    assert evaluate(ne(lit(left), lit(right)), {}) is (not expected)


@given(json_values)
def test_equality_is_reflexive(value: Any) -> None:
    assert evaluate(eq(lit(value), lit(value)), {}) is True


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (1, 1.0, True),
        (0, -0.0, True),
        (2**53, float(2**53), True),
        (2**53 + 1, float(2**53), False),  # the float the int would round to
        (10**20, 1e20, True),
        (10**20 + 1, 1e20, False),
        (True, 1, False),
        (False, 0, False),
        (True, 1.0, False),
        ([True], [1], False),
        ({"a": False}, {"a": 0}, False),
        ({"a": 1, "b": [1.0]}, {"b": [1], "a": 1.0}, True),
        ({"a": 1}, {"a": 1, "b": None}, False),
        ([1, 2], [2, 1], False),
        ([1], [1, 1], False),
        (None, None, True),
        (None, False, False),
        ("e\u0301", "\u00e9", False),  # code points, not normalization
        ([], {}, False),
    ],
)
def test_equality_cases(left: Any, right: Any, expected: bool) -> None:
    assert evaluate(eq(lit(left), lit(right)), {}) is expected
    assert evaluate(eq(lit(right), lit(left)), {}) is expected


# Ordered comparison


@pytest.mark.parametrize("kind", ORDERED)
@given(left=numbers, right=numbers)
def test_numbers_compare_exactly(kind: str, left: Any, right: Any) -> None:
    exact = {
        "LessThan": Fraction(left) < Fraction(right),
        "LessThanOrEquals": Fraction(left) <= Fraction(right),
        "GreaterThan": Fraction(left) > Fraction(right),
        "GreaterThanOrEquals": Fraction(left) >= Fraction(right),
    }[kind]
    assert evaluate(ORDERED[kind](left=lit(left), right=lit(right)), {}) is exact


@pytest.mark.parametrize("kind", ORDERED)
@given(left=st.text(), right=st.text())
def test_strings_compare_by_code_point(kind: str, left: str, right: str) -> None:
    a, b = [ord(c) for c in left], [ord(c) for c in right]
    expected = {
        "LessThan": a < b,
        "LessThanOrEquals": a <= b,
        "GreaterThan": a > b,
        "GreaterThanOrEquals": a >= b,
    }[kind]
    assert evaluate(ORDERED[kind](left=lit(left), right=lit(right)), {}) is expected


def test_huge_ints_against_the_float_they_round_to() -> None:
    assert evaluate(lt(lit(float(2**53)), lit(2**53 + 1)), {}) is True
    assert evaluate(lt(lit(2**53 + 1), lit(float(2**53))), {}) is False
    assert evaluate(lt(lit("\U0001f600"), lit("\uffff")), {}) is False  # not UTF-16 order


@pytest.mark.parametrize("kind", ORDERED)
@pytest.mark.parametrize("left", SAMPLES)
@pytest.mark.parametrize("right", SAMPLES)
def test_ordered_comparison_refuses_other_type_pairs(kind: str, left: str, right: str) -> None:
    if (left, right) in {("number", "number"), ("string", "string")}:
        return
    expr = ORDERED[kind](left=lit(SAMPLES[left]), right=lit(SAMPLES[right]))
    assert error(expr) == (f"`{kind}` expects two numbers or two strings, got {left} and {right}.")


def test_booleans_are_not_ordered_as_numbers() -> None:
    assert error(lt(lit(False), lit(1))) == (
        "`LessThan` expects two numbers or two strings, got boolean and number."
    )


def test_operands_are_evaluated_left_to_right() -> None:
    assert missing(eq(named("a"), BOOM)) == "Named value `a` is missing."
    assert error(eq(BOOM, named("a"))) == CURRENT_ERROR


# In


def test_in_uses_json_equality() -> None:
    assert evaluate(in_(lit(1), lit([0, 1.0])), {}) is True
    assert evaluate(in_(lit(True), lit([1, 0])), {}) is False
    assert evaluate(in_(lit({"a": [1]}), lit([{"a": [1.0]}])), {}) is True
    assert evaluate(in_(lit(None), lit([])), {}) is False


@pytest.mark.parametrize("kind", [k for k in SAMPLES if k != "array"])
def test_in_needs_an_array_on_the_right(kind: str) -> None:
    assert error(in_(lit(1), lit(SAMPLES[kind]))) == (
        f"`In` expects an array on the right, got {kind}."
    )


# And, Or, Not


@given(st.lists(st.booleans(), min_size=1, max_size=6))
def test_and_or_over_booleans(values: list[bool]) -> None:
    assert evaluate(and_(*map(lit, values)), {}) is all(values)
    assert evaluate(or_(*map(lit, values)), {}) is any(values)


def test_and_or_short_circuit_past_failing_operands() -> None:
    assert evaluate(and_(lit(False), BOOM), {}) is False
    assert evaluate(and_(lit(False), named("gone")), {}) is False
    assert evaluate(and_(lit(False), lit(3)), {}) is False
    assert evaluate(or_(lit(True), BOOM), {}) is True
    assert evaluate(or_(lit(True), named("gone")), {}) is True
    assert error(and_(lit(True), BOOM)) == CURRENT_ERROR
    assert missing(or_(lit(False), named("gone"))) == "Named value `gone` is missing."


@pytest.mark.parametrize("kind", [k for k in SAMPLES if k != "boolean"])
def test_boolean_operators_need_boolean_operands(kind: str) -> None:
    value = lit(SAMPLES[kind])
    assert error(and_(lit(True), value)) == f"`And` expects a boolean operand, got {kind}."
    assert error(or_(value, lit(True))) == f"`Or` expects a boolean operand, got {kind}."
    assert error(not_(value)) == f"`Not` expects a boolean operand, got {kind}."


def test_not_negates() -> None:
    assert evaluate(not_(lit(True)), {}) is False
    assert evaluate(not_(not_(lit(True))), {}) is True


def test_empty_and_or_are_their_identities_when_evaluated() -> None:
    assert evaluate(and_(), {}) is True
    assert evaluate(or_(), {}) is False


# Exists


def test_exists_turns_missing_into_false_and_keeps_other_errors() -> None:
    assert evaluate(exists(named("a")), {}) is False
    assert evaluate(exists(named("a")), {"a": None}) is True
    assert evaluate(exists(named("a"), "b", 0), {"a": {"b": [None]}}) is True
    assert evaluate(exists(get(named("a"), "b")), {"a": {}}) is False
    assert error(exists(BOOM)) == CURRENT_ERROR
    assert error(exists(not_(lit(1)), "a")) == "`Not` expects a boolean operand, got number."


# VersionRequirement


def test_version_requirement_matches() -> None:
    assert evaluate(version(named("v"), ">=1.2.0, <2.0.0"), {"v": "1.4"}) is True
    assert evaluate(version(named("v"), ">=1.2.0, <2.0.0"), {"v": "2.0.0"}) is False
    assert evaluate(version(lit(" 2024.6.25 "), ">=2024.6,<2025"), {}) is True


@pytest.mark.parametrize("kind", [k for k in SAMPLES if k != "string"])
def test_version_requirement_needs_a_string(kind: str) -> None:
    assert error(version(lit(SAMPLES[kind]), "*")) == (
        f"`VersionRequirement` expects a string, got {kind}."
    )


def test_an_unparseable_version_is_an_error_not_missing() -> None:
    assert error(version(lit("1.x"), "*")) == (
        "`1.x` is not a valid version: release components must be numeric"
    )
    assert error(version(lit("v1.0"), ">=1")) == (
        "`v1.0` is not a valid version: release components must be numeric"
    )
    assert error(version(lit(""), ">=1")) == "`` is not a valid version: version must not be empty"


def test_an_unchecked_bad_requirement_fails_at_evaluation() -> None:
    assert error(version(lit("1"), ">=1,")) == (
        "Version requirement is not valid: version requirement contains an empty comparator"
    )


def test_a_missing_version_stays_missing() -> None:
    assert missing(version(named("v"), "*")) == "Named value `v` is missing."


# Conditions (C17)


def test_a_condition_is_a_boolean() -> None:
    assert evaluate_condition(eq(named("a"), lit(1)), {"a": 1.0}) is True
    assert evaluate_condition(lit(False), {}) is False


@pytest.mark.parametrize("kind", [k for k in SAMPLES if k != "boolean"])
def test_a_condition_refuses_other_values(kind: str) -> None:
    with pytest.raises(EvaluationError) as caught:
        evaluate_condition(lit(SAMPLES[kind]), {})
    assert caught.value.message == f"Condition must evaluate to a boolean, got {kind}."


def test_a_missing_condition_is_missing() -> None:
    with pytest.raises(Missing) as caught:
        evaluate_condition(named("a"), {})
    assert caught.value.message == "Named value `a` is missing."
    with pytest.raises(EvaluationError):
        evaluate_condition(cur(), {})  # no current value in a condition
