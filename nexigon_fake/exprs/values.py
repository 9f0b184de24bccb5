"""JSON values as the expression language sees them: type names, equality, order, paths.

Values are what the strict JSON parser produces (``None``, ``bool``, ``int``, ``float``,
``str``, ``list``, ``dict``). Python's own ``==`` is wrong for JSON twice over (``True == 1``,
``[True] == [1]``), so equality is written out here; Python's int/float comparison is exact
(CPython compares the mathematical values, it does not round the int), which is what D27 asks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from nexigon_fake.wire.json import JsonPathSegment


def json_type(value: Any) -> str:
    """The JSON type name used in messages: null, boolean, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_equals(left: Any, right: Any) -> bool:
    """Recursive JSON equality: numbers by value (``1 == 1.0``), booleans never numbers."""
    kind = json_type(left)
    if kind != json_type(right):
        return False
    if kind == "array":
        return len(left) == len(right) and all(map(json_equals, left, right))
    if kind == "object":
        return left.keys() == right.keys() and all(
            json_equals(v, right[k]) for k, v in left.items()
        )
    return bool(left == right)  # null, boolean, number (exact), string (code points)


def json_in(item: Any, array: Sequence[Any]) -> bool:
    return any(json_equals(item, element) for element in array)


def path_text(path: Sequence[JsonPathSegment]) -> str:
    """A path as compact JSON, non-ASCII left as is (C18): ``["app",0]``."""
    return json.dumps(list(path), separators=(",", ":"), ensure_ascii=False)


class _Unresolved:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED: Final = _Unresolved()
"""What ``resolve`` answers for a path that does not apply (distinct from a ``null`` value)."""


def step(value: Any, segment: JsonPathSegment) -> Any:
    """One segment applied to a value, or ``UNRESOLVED`` (D27: never a type error)."""
    if isinstance(segment, str):
        if isinstance(value, dict) and segment in value:
            return value[segment]
        return UNRESOLVED
    if isinstance(value, list) and segment < len(value):
        return value[segment]
    return UNRESOLVED


def resolve(value: Any, path: Sequence[JsonPathSegment]) -> Any:
    """The value at ``path`` inside ``value``, or ``UNRESOLVED``."""
    for segment in path:
        value = step(value, segment)
        if value is UNRESOLVED:
            break
    return value
