"""Unroll the recursive schemas of an OpenAPI document to a fixed depth.

Expressions nest (a ``JsonEqualsExpr`` holds two expressions), and schemathesis' generator
does not finish drawing from a recursive schema. Unrolled, the document still describes every
variant the hub accepts, only no deeper than ``depth`` levels, so schemathesis can cover the
operation bodies that hold expressions instead of leaving them out.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

PREFIX = "#/components/schemas/"
REF = re.compile(re.escape(PREFIX) + r'([^"]+)')


def recursive_components(schemas: dict[str, Any]) -> set[str]:
    """The components that can reach themselves through references."""
    edges = {name: set(REF.findall(json.dumps(body))) for name, body in schemas.items()}
    recursive = set()
    for start in schemas:
        seen: set[str] = set()
        pending = list(edges[start])
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending.extend(edges.get(name, ()))
        if start in seen:
            recursive.add(start)
    return recursive


def _name(component: str, level: int) -> str:
    return component if level == 1 else f"{component}__depth{level}"


def _rewrite(node: Any, level: int, recursive: set[str], depth: int) -> Any:
    """References to recursive components from a schema at ``level`` go one level deeper."""
    if isinstance(node, list):
        return [_rewrite(item, level, recursive, depth) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("oneOf", "anyOf") and isinstance(value, list):
            kept = [item for item in value if not _too_deep(item, level, recursive, depth)]
            if not kept:
                raise ValueError("a union whose every member is recursive cannot be bounded")
            out[key] = [_rewrite(item, level, recursive, depth) for item in kept]
        elif key == "$ref" and isinstance(value, str):
            out[key] = _deeper(value, level, recursive, depth)
        elif key == "mapping" and isinstance(value, dict):
            # A discriminator's mapping names the members too: it follows the union.
            out[key] = {
                tag: _deeper(ref, level, recursive, depth)
                for tag, ref in value.items()
                if not _too_deep({"$ref": ref}, level, recursive, depth)
            }
        else:
            out[key] = _rewrite(value, level, recursive, depth)
    return out


def _deeper(ref: str, level: int, recursive: set[str], depth: int) -> str:
    target = ref[len(PREFIX) :] if ref.startswith(PREFIX) else None
    if target is None or target not in recursive:
        return ref
    if level + 1 > depth:
        raise ValueError(f"a reference to {target} outside a union cannot be bounded")
    return PREFIX + _name(target, level + 1)


def _too_deep(member: Any, level: int, recursive: set[str], depth: int) -> bool:
    ref = member.get("$ref") if isinstance(member, dict) else None
    return isinstance(ref, str) and ref[len(PREFIX) :] in recursive and level + 1 > depth


def bound_recursion(document: dict[str, Any], depth: int) -> dict[str, Any]:
    """A copy of ``document`` whose recursive components nest at most ``depth`` levels."""
    bounded = copy.deepcopy(document)
    schemas: dict[str, Any] = bounded["components"]["schemas"]
    recursive = recursive_components(schemas)
    originals = {name: schemas[name] for name in recursive}
    # Outside the recursive components, a reference enters the recursion at level 1.
    for name in list(schemas):
        if name not in recursive:
            schemas[name] = _rewrite(schemas[name], 0, recursive, depth)
    bounded["paths"] = _rewrite(bounded["paths"], 0, recursive, depth)
    for level in range(1, depth + 1):
        for name, body in originals.items():
            schemas[_name(name, level)] = _rewrite(body, level, recursive, depth)
    return bounded
