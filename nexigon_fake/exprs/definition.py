"""Definition-time rules for one expression or mutation root (D17, D29, C3, C5).

Field rules (name patterns, lengths) were enforced when the wire Struct was decoded; these are
the rules the schema only documents. They are checked in the order of D17's table (C3), each
over the whole root in pre-order (a node's own fields in declaration order, then its children),
and the first violation is raised as ``InvalidError(rule=..., path=...)``. Every root is counted
on its own (C5): its top expression is at level 1, each sub-expression one level deeper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from nexigon_fake.errors import (
    MSG_NEEDS_OPERAND,
    MSG_NESTED_TOO_DEEPLY,
    MSG_PATH_TOO_LONG,
    MSG_REMOVE_EMPTY_PATH,
    MSG_REQUIREMENT_INVALID,
    InvalidError,
)
from nexigon_fake.exprs.evaluate import kind_of
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

Root = JsonExpr | JsonMutation
# A rule's verdict on one node: the broken rule and the field it names ("" for the node).
Verdict = tuple[str, str] | None

MAX_PATH_SEGMENTS = 32  # D17
MAX_NESTING = 64  # C5: how deep an expression may nest


class Node:
    """A node of the walk and where it sits. The JSON path is built only for the node that
    is reported, so a deep tree costs linear, not quadratic, memory."""

    __slots__ = ("level", "node", "parent", "segment")

    def __init__(self, node: Root, level: int, parent: Node | str, segment: str) -> None:
        self.node = node
        self.level = level  # a mutation is level 0: its `expr` is the root expression (C5)
        self.parent = parent  # the root's parent is the caller's path
        self.segment = segment

    def path(self, field: str = "") -> str:
        segments = [field, self.segment]
        at: Node | str = self.parent
        while isinstance(at, Node):
            segments.append(at.segment)
            at = at.parent
        segments.append(at)
        return "".join(reversed(segments))


def check_definition(root: Root, path: str) -> None:
    """Raise the first D17 violation of ``root`` (found at ``path``, e.g. ``$.steps[0].when``)."""
    nodes = list(walk(root, path))
    for rule in _RULES:
        for node in nodes:
            verdict = rule(node.node, node.level)
            if verdict is not None:
                message, field = verdict
                raise InvalidError(rule=message, path=node.path(field))


def walk(root: Root, path: str) -> Iterator[Node]:
    """Every node in pre-order, children in field declaration order; iterative, so no depth
    of input can exhaust the interpreter's stack."""
    is_mutation = isinstance(root, JsonSetMutation | JsonMergePatchMutation | JsonRemoveMutation)
    stack = [Node(root, 0 if is_mutation else 1, path, "")]
    while stack:
        node = stack.pop()
        yield node
        below = node.level + 1
        children = [Node(child, below, node, segment) for child, segment in _children(node.node)]
        stack.extend(reversed(children))


def _children(node: Root) -> Iterator[tuple[JsonExpr, str]]:
    if isinstance(node, JsonSetMutation | JsonMergePatchMutation):
        yield node.expr, ".expr"
    elif isinstance(node, JsonNamedValueExpr):
        if node.default is not None:
            yield node.default, ".default"
    elif isinstance(node, JsonGetExpr):
        yield node.expr, ".expr"
        if node.default is not None:
            yield node.default, ".default"
    elif isinstance(node, JsonBinaryExpr):
        yield node.left, ".left"
        yield node.right, ".right"
    elif isinstance(node, JsonVariadicExpr):
        for index, operand in enumerate(node.exprs):
            yield operand, f".exprs[{index}]"
    elif isinstance(node, JsonUnaryExpr | JsonExistsExpr | JsonVersionRequirementExpr):
        yield node.expr, ".expr"


def _operands(node: Root, level: int) -> Verdict:
    if isinstance(node, JsonVariadicExpr) and not node.exprs:
        return MSG_NEEDS_OPERAND.format(kind=kind_of(node)), ".exprs"
    return None


_WITH_PATH = (
    JsonGetExpr,
    JsonExistsExpr,
    JsonSetMutation,
    JsonMergePatchMutation,
    JsonRemoveMutation,
)


def _path_length(node: Root, level: int) -> Verdict:
    if isinstance(node, _WITH_PATH) and len(node.path) > MAX_PATH_SEGMENTS:
        return MSG_PATH_TOO_LONG, ".path"
    return None


def _remove_path(node: Root, level: int) -> Verdict:
    if isinstance(node, JsonRemoveMutation) and not node.path:
        return MSG_REMOVE_EMPTY_PATH, ".path"
    return None


def _requirement(node: Root, level: int) -> Verdict:
    if isinstance(node, JsonVersionRequirementExpr):
        try:
            parse_requirement(node.requirement)
        except VersionParseError as error:
            return MSG_REQUIREMENT_INVALID.format(detail=error.message), ".requirement"
    return None


def _nesting(node: Root, level: int) -> Verdict:
    if level > MAX_NESTING:
        return MSG_NESTED_TOO_DEEPLY, ""
    return None


_RULES: tuple[Callable[[Root, int], Verdict], ...] = (
    _operands,
    _path_length,
    _remove_path,
    _requirement,
    _nesting,
)
