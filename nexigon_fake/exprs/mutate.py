"""Applying a ``JsonMutation`` to a whole value (SEMANTICS-HEAD §III.5.5, D28, C22-C24).

The result is a new value; neither ``current`` nor anything the expression returned is
changed or shared with it, so a stored property never aliases a definition's literal.
``MergePatch`` is RFC 7396 via ``json-merge-patch`` (it follows the RFC's pseudo-code: a
non-object patch replaces, ``null`` members delete, a non-object target becomes ``{}`` before
an object patch); its in-place merging is why both sides are copied first.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import json_merge_patch  # type: ignore[import-untyped]

from nexigon_fake.errors import (
    MSG_CANNOT_ADDRESS_INDEX,
    MSG_CANNOT_ADDRESS_MEMBER,
    MSG_INDEX_OUT_OF_RANGE,
    MSG_REMOVE_EMPTY_PATH,
)
from nexigon_fake.exprs.evaluate import evaluate
from nexigon_fake.exprs.failures import EvaluationError, Missing
from nexigon_fake.exprs.values import UNRESOLVED, json_type, resolve
from nexigon_fake.wire.json import (
    JsonMergePatchMutation,
    JsonMutation,
    JsonPathSegment,
    JsonRemoveMutation,
    JsonSetMutation,
)


def apply_mutation(mutation: JsonMutation, current: Any, names: Mapping[str, Any]) -> Any:
    """The new whole value; ``current`` is the whole current value (``null`` when absent).

    Raises ``EvaluationError`` only: a missing value inside the expression fails the
    mutation with the same message.
    """
    if isinstance(mutation, JsonRemoveMutation):
        return remove_at(copy.deepcopy(current), mutation.path)
    try:
        value = copy.deepcopy(evaluate(mutation.expr, names, current=current))
    except Missing as missing:
        raise EvaluationError(missing.message) from None
    if isinstance(mutation, JsonMergePatchMutation):
        target = resolve(current, mutation.path)
        target = None if target is UNRESOLVED else copy.deepcopy(target)
        value = merge_patch(target, value)
    elif not isinstance(mutation, JsonSetMutation):
        raise TypeError(f"not a JsonMutation: {type(mutation).__name__}")
    return set_at(copy.deepcopy(current), mutation.path, value)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 ``MergePatch(target, patch)``; may change ``target`` in place."""
    return json_merge_patch.merge(target, patch)


def set_at(root: Any, path: Sequence[JsonPathSegment], value: Any) -> Any:
    """``root`` with ``value`` written at ``path``, changing ``root`` in place where it can.

    Missing or ``null`` object parents become ``{}``; array indexes must exist (D28).
    """
    if not path:
        return value
    root = _container_for(root, path[0])
    parent = root
    for segment, following in itertools.pairwise(path):
        child = _child(parent, segment)
        child = _container_for(child, following)
        _write(parent, segment, child)
        parent = child
    _write(parent, path[-1], value)
    return root


def _container_for(value: Any, segment: JsonPathSegment) -> Any:
    """A value that ``segment`` can address, or the D28 error; ``None`` (absent or ``null``)
    becomes ``{}`` before a key."""
    if isinstance(segment, str):
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise EvaluationError(
                MSG_CANNOT_ADDRESS_MEMBER.format(key=segment, got=json_type(value))
            )
        return value
    if not isinstance(value, list):
        raise EvaluationError(MSG_CANNOT_ADDRESS_INDEX.format(index=segment, got=json_type(value)))
    if segment >= len(value):
        raise EvaluationError(MSG_INDEX_OUT_OF_RANGE.format(index=segment, length=len(value)))
    return value


def _child(parent: Any, segment: JsonPathSegment) -> Any:
    """The member or element, ``None`` for an absent member (the index was checked)."""
    if isinstance(segment, str):
        return parent.get(segment)
    return parent[segment]


def _write(parent: Any, segment: JsonPathSegment, value: Any) -> None:
    parent[segment] = value


def remove_at(root: Any, path: Sequence[JsonPathSegment]) -> Any:
    """``root`` without the member or element at ``path``; a no-op wherever the path does not
    apply (missing or non-container parent, absent member, index out of range: C23)."""
    if not path:
        raise EvaluationError(MSG_REMOVE_EMPTY_PATH)
    parent = resolve(root, path[:-1])
    last = path[-1]
    if isinstance(last, str):
        if isinstance(parent, dict):
            parent.pop(last, None)
    elif isinstance(parent, list) and last < len(parent):
        del parent[last]  # later elements shift left
    return root
