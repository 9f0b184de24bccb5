"""Short constructors for expressions and mutations, and Hypothesis strategies for JSON values,
shared by the tests of ``nexigon_fake.exprs``."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from nexigon_fake.wire.json import (
    JsonAndExpr,
    JsonCurrentExpr,
    JsonEqualsExpr,
    JsonExistsExpr,
    JsonExpr,
    JsonGetExpr,
    JsonGreaterThanExpr,
    JsonGreaterThanOrEqualsExpr,
    JsonInExpr,
    JsonLessThanExpr,
    JsonLessThanOrEqualsExpr,
    JsonLiteralExpr,
    JsonMergePatchMutation,
    JsonNamedValueExpr,
    JsonNotEqualsExpr,
    JsonNotExpr,
    JsonOrExpr,
    JsonPathSegment,
    JsonRemoveMutation,
    JsonSetMutation,
    JsonVersionRequirementExpr,
)


def lit(value: Any) -> JsonLiteralExpr:
    return JsonLiteralExpr(value=value)


def cur() -> JsonCurrentExpr:
    return JsonCurrentExpr()


def named(name: str, default: JsonExpr | None = None) -> JsonNamedValueExpr:
    return JsonNamedValueExpr(name=name, default=default)


def get(expr: JsonExpr, *path: JsonPathSegment, default: JsonExpr | None = None) -> JsonGetExpr:
    return JsonGetExpr(expr=expr, path=list(path), default=default)


def exists(expr: JsonExpr, *path: JsonPathSegment) -> JsonExistsExpr:
    return JsonExistsExpr(expr=expr, path=list(path))


def eq(left: JsonExpr, right: JsonExpr) -> JsonEqualsExpr:
    return JsonEqualsExpr(left=left, right=right)


def ne(left: JsonExpr, right: JsonExpr) -> JsonNotEqualsExpr:
    return JsonNotEqualsExpr(left=left, right=right)


def lt(left: JsonExpr, right: JsonExpr) -> JsonLessThanExpr:
    return JsonLessThanExpr(left=left, right=right)


def in_(left: JsonExpr, right: JsonExpr) -> JsonInExpr:
    return JsonInExpr(left=left, right=right)


def and_(*exprs: JsonExpr) -> JsonAndExpr:
    return JsonAndExpr(exprs=list(exprs))


def or_(*exprs: JsonExpr) -> JsonOrExpr:
    return JsonOrExpr(exprs=list(exprs))


def not_(expr: JsonExpr) -> JsonNotExpr:
    return JsonNotExpr(expr=expr)


def version(expr: JsonExpr, requirement: str) -> JsonVersionRequirementExpr:
    return JsonVersionRequirementExpr(expr=expr, requirement=requirement)


def set_(path: list[JsonPathSegment], expr: JsonExpr) -> JsonSetMutation:
    return JsonSetMutation(path=path, expr=expr)


def merge(path: list[JsonPathSegment], expr: JsonExpr) -> JsonMergePatchMutation:
    return JsonMergePatchMutation(path=path, expr=expr)


def remove(*path: JsonPathSegment) -> JsonRemoveMutation:
    return JsonRemoveMutation(path=list(path))


ORDERED = {
    "LessThan": JsonLessThanExpr,
    "LessThanOrEquals": JsonLessThanOrEqualsExpr,
    "GreaterThan": JsonGreaterThanExpr,
    "GreaterThanOrEquals": JsonGreaterThanOrEqualsExpr,
}

# One value of every JSON type, by the type name messages use.
SAMPLES: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "number": 1.5,
    "string": "x",
    "array": [1],
    "object": {"a": 1},
}

# Numbers that collide in interesting ways: ints equal to floats, floats next to huge ints,
# booleans that Python would call 0 and 1.
_TRICKY_NUMBERS = st.sampled_from(
    [0, 1, -1, 0.0, -0.0, 1.0, 0.5, 2**53, 2**53 + 1, float(2**53), 2**64, float(2**64), 10**20]
)
numbers = st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _TRICKY_NUMBERS
scalars = st.none() | st.booleans() | numbers | st.text(max_size=4)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=8,
)


def canonical(value: Any) -> Any:
    """A reference form for JSON equality: exact numbers, booleans apart from numbers, objects
    as key sets; plain Python ``==`` on it is JSON equality."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", Fraction(value))
    if isinstance(value, list):
        return ("array", tuple(canonical(item) for item in value))
    return ("object", frozenset((key, canonical(item)) for key, item in value.items()))
