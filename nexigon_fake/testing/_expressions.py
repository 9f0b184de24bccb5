"""Strategies for the recursive expression types (``JsonExpr``, ``JsonMutation``).

The generic walk in ``_builder`` would recurse without end on them, and most random trees
break a definition rule (an empty ``And``, an unparseable requirement, D17), so these build
bounded trees that every rule accepts: literals, named values, gets, comparisons and the
logical kinds with at least one operand.
"""

from __future__ import annotations

import functools
from typing import Any

from nexigon_fake.errors.tooling import (
    missing_extra,
)
from nexigon_fake.wire import json as wire_json

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # hypothesis comes with [testing]
    raise missing_extra(error, __name__, "testing") from None

_NAMES = st.from_regex(r"\A[a-z][a-z0-9._-]{0,11}\Z")
_KEYS = st.one_of(st.text(max_size=8), st.integers(0, 3))
_PATHS = st.lists(_KEYS, max_size=3)
_BINARY = ["Equals", "NotEquals", "LessThan", "LessThanOrEquals", "GreaterThan", "In"]

EXPR_TYPES = frozenset({wire_json.JsonLiteralExpr, wire_json.JsonNamedValueExpr})
MUTATION_TYPES = frozenset({wire_json.JsonSetMutation, wire_json.JsonRemoveMutation})


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    binary = st.builds(
        lambda kind, left, right: {"kind": kind, "left": left, "right": right},
        st.sampled_from(_BINARY),
        children,
        children,
    )
    variadic = st.builds(
        lambda kind, exprs: {"kind": kind, "exprs": exprs},
        st.sampled_from(["And", "Or"]),
        st.lists(children, min_size=1, max_size=3),
    )
    unary = children.map(lambda expr: {"kind": "Not", "expr": expr})
    get = st.builds(
        lambda expr, path: {"kind": "Get", "expr": expr, "path": path}, children, _PATHS
    )
    exists = get.map(lambda got: {**got, "kind": "Exists"})
    return binary | variadic | unary | get | exists


@functools.cache
def json_exprs(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Expressions every definition rule accepts, at most a few nodes deep."""
    leaves = (
        values.map(lambda value: {"kind": "Literal", "value": value})
        | _NAMES.map(lambda name: {"kind": "NamedValue", "name": name})
        | st.just({"kind": "Current"})
    )
    return st.recursive(leaves, _extend, max_leaves=6)


@functools.cache
def json_mutations(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    exprs = json_exprs(values)
    writes = st.builds(
        lambda kind, path, expr: {"mutation": kind, "path": path, "expr": expr},
        st.sampled_from(["Set", "MergePatch"]),
        _PATHS,
        exprs,
    )
    removes = st.lists(_KEYS, min_size=1, max_size=3).map(
        lambda path: {"mutation": "Remove", "path": path}
    )
    return writes | removes
