"""Evaluating a ``JsonExpr`` against named values (SEMANTICS-HEAD §III.5.4, D27).

Strictly left to right; ``And``/``Or`` short-circuit; *missing* (``Missing``) travels up until
a ``default`` or an ``Exists`` turns it into a value, every other failure is an
``EvaluationError``. A ``default`` is evaluated only when its value is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from nexigon_fake.errors import (
    MSG_BOOLEAN_OPERAND,
    MSG_CONDITION_NOT_BOOLEAN,
    MSG_CURRENT_OUTSIDE_MUTATION,
    MSG_IN_NOT_ARRAY,
    MSG_NAMED_VALUE_MISSING,
    MSG_ORDERED_OPERANDS,
    MSG_PATH_MISSING,
    MSG_REQUIREMENT_INVALID,
    MSG_VERSION_INVALID,
    MSG_VERSION_NOT_STRING,
)
from nexigon_fake.exprs.failures import NO_CURRENT, EvaluationError, Missing
from nexigon_fake.exprs.values import (
    UNRESOLVED,
    is_number,
    json_equals,
    json_in,
    json_type,
    path_text,
    resolve,
)
from nexigon_fake.exprs.versions import VersionParseError, parse_requirement, parse_version
from nexigon_fake.wire.json import (
    JsonAndExpr,
    JsonBinaryExpr,
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
    JsonNamedValueExpr,
    JsonNotEqualsExpr,
    JsonNotExpr,
    JsonOrExpr,
    JsonVersionRequirementExpr,
)

_ORDERED: dict[type[JsonBinaryExpr], Callable[[Any, Any], bool]] = {
    JsonLessThanExpr: lambda left, right: bool(left < right),
    JsonLessThanOrEqualsExpr: lambda left, right: bool(left <= right),
    JsonGreaterThanExpr: lambda left, right: bool(left > right),
    JsonGreaterThanOrEqualsExpr: lambda left, right: bool(left >= right),
}


def kind_of(expr: msgspec.Struct) -> str:
    """The wire tag of an expression, for messages."""
    return str(type(expr).__struct_config__.tag)


def evaluate(expr: JsonExpr, names: Mapping[str, Any], *, current: Any = NO_CURRENT) -> Any:
    """The JSON value of ``expr``; raises ``Missing`` or ``EvaluationError``.

    The value may share structure with ``names``, ``current`` and the expression's literals:
    copy it before storing it (``apply_mutation`` does).
    """
    return _Evaluation(names, current).run(expr)


def evaluate_condition(expr: JsonExpr, names: Mapping[str, Any]) -> bool:
    """``expr`` as a condition: its value must be a JSON boolean (C17)."""
    value = evaluate(expr, names)
    if not isinstance(value, bool):
        raise EvaluationError(MSG_CONDITION_NOT_BOOLEAN.format(got=json_type(value)))
    return value


class _Evaluation:
    """One evaluation's context: the named values and the value being mutated, if any."""

    __slots__ = ("current", "names")

    def __init__(self, names: Mapping[str, Any], current: Any) -> None:
        self.names = names
        self.current = current

    def run(self, expr: JsonExpr) -> Any:
        if isinstance(expr, JsonLiteralExpr):
            return expr.value
        if isinstance(expr, JsonNamedValueExpr):
            return self._named_value(expr)
        if isinstance(expr, JsonGetExpr):
            return self._get(expr)
        if isinstance(expr, JsonBinaryExpr):
            return self._binary(expr)
        if isinstance(expr, JsonAndExpr | JsonOrExpr):
            stop = isinstance(expr, JsonOrExpr)  # the value that ends the scan
            for operand in expr.exprs:
                if self._boolean(operand, expr) is stop:
                    return stop
            return not stop
        if isinstance(expr, JsonNotExpr):
            return not self._boolean(expr.expr, expr)
        if isinstance(expr, JsonExistsExpr):
            try:
                value = self.run(expr.expr)
            except Missing:
                return False
            return resolve(value, expr.path) is not UNRESOLVED
        if isinstance(expr, JsonVersionRequirementExpr):
            return self._version_requirement(expr)
        if isinstance(expr, JsonCurrentExpr):
            if self.current is NO_CURRENT:
                raise EvaluationError(MSG_CURRENT_OUTSIDE_MUTATION)
            return self.current
        raise TypeError(f"not a JsonExpr: {type(expr).__name__}")

    def _named_value(self, expr: JsonNamedValueExpr) -> Any:
        if expr.name in self.names:
            return self.names[expr.name]
        if expr.default is not None:
            return self.run(expr.default)
        raise Missing(MSG_NAMED_VALUE_MISSING.format(name=expr.name))

    def _get(self, expr: JsonGetExpr) -> Any:
        try:
            value = resolve(self.run(expr.expr), expr.path)
            if value is UNRESOLVED:
                raise Missing(MSG_PATH_MISSING.format(path=path_text(expr.path)))
        except Missing:
            if expr.default is None:
                raise
            return self.run(expr.default)
        return value

    def _binary(self, expr: JsonBinaryExpr) -> Any:
        left = self.run(expr.left)
        right = self.run(expr.right)
        if isinstance(expr, JsonEqualsExpr):
            return json_equals(left, right)
        if isinstance(expr, JsonNotEqualsExpr):
            return not json_equals(left, right)
        if isinstance(expr, JsonInExpr):
            if not isinstance(right, list):
                raise EvaluationError(MSG_IN_NOT_ARRAY.format(got=json_type(right)))
            return json_in(left, right)
        compare = _ORDERED[type(expr)]
        if (is_number(left) and is_number(right)) or (
            isinstance(left, str) and isinstance(right, str)
        ):
            # int against float is exact in Python; str order is code-point order.
            return compare(left, right)
        raise EvaluationError(
            MSG_ORDERED_OPERANDS.format(
                kind=kind_of(expr), left=json_type(left), right=json_type(right)
            )
        )

    def _boolean(self, operand: JsonExpr, parent: JsonExpr) -> bool:
        value = self.run(operand)
        if not isinstance(value, bool):
            raise EvaluationError(
                MSG_BOOLEAN_OPERAND.format(kind=kind_of(parent), got=json_type(value))
            )
        return value

    def _version_requirement(self, expr: JsonVersionRequirementExpr) -> bool:
        value = self.run(expr.expr)
        if not isinstance(value, str):
            raise EvaluationError(MSG_VERSION_NOT_STRING.format(got=json_type(value)))
        try:
            version = parse_version(value)
        except VersionParseError as error:
            raise EvaluationError(
                MSG_VERSION_INVALID.format(value=value, detail=error.message)
            ) from None
        try:
            requirement = parse_requirement(expr.requirement)
        except VersionParseError as error:  # only when the definition was not checked
            raise EvaluationError(MSG_REQUIREMENT_INVALID.format(detail=error.message)) from None
        return requirement.matches(version)
