"""Definition-time rules for one expression or mutation root (D17, D29, C3, C5).

Field rules (name patterns, lengths) were enforced when the wire Struct was decoded; these are
the rules the schema only documents. They are checked in the order of D17's table (C3), each
over the whole root in pre-order (a node's own fields in declaration order, then its children),
and the first violation is raised as ``InvalidError(rule=..., path=...)``. Every root is counted
on its own (C5): its top expression is at level 1, each sub-expression one level deeper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from nexigon_fake.errors import InvalidError
from nexigon_fake.exprs.evaluate import kind_of
from nexigon_fake.exprs.messages import (
    MAX_NESTING,
    MAX_PATH_SEGMENTS,
    MSG_NEEDS_OPERAND,
    MSG_NESTED_TOO_DEEPLY,
    MSG_PATH_TOO_LONG,
    MSG_REMOVE_EMPTY_PATH,
    MSG_REQUIREMENT_INVALID,
)
from nexigon_fake.exprs.versions import VersionParseError, parse_requirement
from nexigon_fake.wire.json import (
    JsonBinaryExpr,
    JsonExistsExpr,
    JsonExpr,
    JsonGetExpr,
    JsonMergePatchMutation,
    JsonMutation,
    JsonNamedValueExpr,
    JsonRemoveMutation,
    JsonSetMutation,
    JsonUnaryExpr,
    JsonVariadicExpr,
    JsonVersionRequirementExpr,
)

# A node of the walk: the expression or mutation, its JSON path and its nesting level
# (a mutation is level 0: its `expr` is the root expression, C5).
Node = tuple[JsonExpr | JsonMutation, str, int]
Rule = Callable[[JsonExpr | JsonMutation, str, int], InvalidError | None]


def check_definition(root: JsonExpr | JsonMutation, path: str) -> None:
    """Raise the first D17 violation of ``root`` (found at ``path``, e.g. ``$.steps[0].when``)."""
    nodes = list(walk(root, path))
    for rule in _RULES:
        for node, at, level in nodes:
            error = rule(node, at, level)
            if error is not None:
                raise error


def walk(root: JsonExpr | JsonMutation, path: str) -> Iterator[Node]:
    """Every node in pre-order, children in field declaration order; iterative, so no depth
    of input can exhaust the interpreter's stack."""
    level = (
        0 if isinstance(root, JsonSetMutation | JsonMergePatchMutation | JsonRemoveMutation) else 1
    )
    stack: list[Node] = [(root, path, level)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(_children(*node))))


def _children(node: JsonExpr | JsonMutation, path: str, level: int) -> Iterator[Node]:
    below = level + 1
    if isinstance(node, JsonSetMutation | JsonMergePatchMutation):
        yield node.expr, f"{path}.expr", below
    elif isinstance(node, JsonNamedValueExpr):
        if node.default is not None:
            yield node.default, f"{path}.default", below
    elif isinstance(node, JsonGetExpr):
        yield node.expr, f"{path}.expr", below
        if node.default is not None:
            yield node.default, f"{path}.default", below
    elif isinstance(node, JsonBinaryExpr):
        yield node.left, f"{path}.left", below
        yield node.right, f"{path}.right", below
    elif isinstance(node, JsonVariadicExpr):
        for index, operand in enumerate(node.exprs):
            yield operand, f"{path}.exprs[{index}]", below
    elif isinstance(node, JsonUnaryExpr | JsonExistsExpr | JsonVersionRequirementExpr):
        yield node.expr, f"{path}.expr", below


def _operands(node: Any, path: str, level: int) -> InvalidError | None:
    if isinstance(node, JsonVariadicExpr) and not node.exprs:
        return InvalidError(rule=MSG_NEEDS_OPERAND.format(kind=kind_of(node)), path=f"{path}.exprs")
    return None


def _path_length(node: Any, path: str, level: int) -> InvalidError | None:
    has_path = isinstance(
        node,
        JsonGetExpr
        | JsonExistsExpr
        | JsonSetMutation
        | JsonMergePatchMutation
        | JsonRemoveMutation,
    )
    if has_path and len(node.path) > MAX_PATH_SEGMENTS:
        return InvalidError(rule=MSG_PATH_TOO_LONG, path=f"{path}.path")
    return None


def _remove_path(node: Any, path: str, level: int) -> InvalidError | None:
    if isinstance(node, JsonRemoveMutation) and not node.path:
        return InvalidError(rule=MSG_REMOVE_EMPTY_PATH, path=f"{path}.path")
    return None


def _requirement(node: Any, path: str, level: int) -> InvalidError | None:
    if isinstance(node, JsonVersionRequirementExpr):
        try:
            parse_requirement(node.requirement)
        except VersionParseError as error:
            rule = MSG_REQUIREMENT_INVALID.format(detail=error.message)
            return InvalidError(rule=rule, path=f"{path}.requirement")
    return None


def _nesting(node: Any, path: str, level: int) -> InvalidError | None:
    if level > MAX_NESTING:
        return InvalidError(rule=MSG_NESTED_TOO_DEEPLY, path=path)
    return None


_RULES: tuple[Rule, ...] = (_operands, _path_length, _remove_path, _requirement, _nesting)
