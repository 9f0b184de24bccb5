"""Hypothesis strategies for invalid action inputs: a valid payload with one rule broken.

Each ``InvalidInput`` says which rule it breaks (one of ``RULES``) and where, so a test can
check that the hub refuses it with 400 naming that place. The breakable rules are read from
the wire types, as the valid inputs in ``nexigon_fake.testing.strategies`` are; that module
re-exports this one's public names.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec.inspect as mi

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors.tooling import (
    missing_extra,
)
from nexigon_fake.hub import Hub
from nexigon_fake.ids import FLAT_TAGS
from nexigon_fake.testing._builder import (
    _CHARS,
    _OMIT,
    IdSource,
    _Builder,
    _fresh_id,
    _input_info,
    _int_bounds,
    _pool,
    _strip_none,
    id_tag,
)
from nexigon_fake.wire.common import MAX_BOUND

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # hypothesis comes with [testing]
    raise missing_extra(error, __name__, "testing") from None

__all__ = [
    "RULES",
    "InvalidInput",
    "any_invalid_action",
    "breakable_rules",
    "invalid_input",
]

RULES = (
    "wrong_type",
    "missing_field",
    "too_short",
    "too_long",
    "pattern",
    "malformed_id",
    "out_of_range",
    "not_in_enum",
    "not_an_object",
)
"""The validation rules ``invalid_input`` breaks, one per generated input."""


@dataclass(frozen=True, slots=True)
class InvalidInput:
    """A payload that breaks exactly the named rule at ``path``; the hub must answer 400."""

    action: str
    payload: Any
    rule: str
    path: str  # JSON path of the broken (or missing) value, as the hub's messages write it
    detail: str
    kind: str = "Invalid"
    status: int = 400

    @property
    def field(self) -> str:
        """The last key of ``path`` (the missing field's name for ``missing_field``)."""
        return re.split(r"[.\[]", self.path)[-1].rstrip("]")


@dataclass(frozen=True, slots=True)
class _Breakage:
    rule: str
    path: tuple[str | int, ...]
    detail: str
    broken: st.SearchStrategy[Any]  # the new value; _OMIT removes the key


def _render(path: tuple[str | int, ...], dict_keys: frozenset[int]) -> str:
    text = "$"
    for index, part in enumerate(path):
        if isinstance(part, int):
            text += f"[{part}]"
        elif index in dict_keys:
            text += "[...]"  # msgspec does not name map keys in its paths
        else:
            text += f".{part}"
    return text


def _json_kinds(info: mi.Type) -> set[type]:
    """The JSON kinds (as Python types) a wire type accepts."""
    while isinstance(info, mi.Metadata):
        info = info.type
    if isinstance(info, mi.UnionType):
        return set().union(*(_json_kinds(t) for t in info.types))
    kinds: dict[type, set[type]] = {
        mi.StrType: {str},
        mi.IntType: {int},
        mi.FloatType: {int, float},
        mi.BoolType: {bool},
        mi.NoneType: {type(None)},
        mi.ListType: {list},
        mi.DictType: {dict},
        mi.StructType: {dict},
    }
    if isinstance(info, mi.AnyType):
        return {str, int, float, bool, type(None), list, dict}
    if isinstance(info, mi.LiteralType):
        return {type(value) for value in info.values}
    return kinds.get(type(info), set())


_WRONG_VALUES: list[Any] = [None, True, 7, 1.5, "x", [], {}]


def _too_long(valid: str, high: int, pattern: str | None) -> str:
    """Past ``high`` while keeping the pattern where repetition can (names, hostnames)."""
    valid = valid or "a"
    repeats = high // len(valid) + 1
    candidates = [valid * repeats, valid + valid[-1] * (high + 1 - len(valid))]
    for candidate in candidates:
        if pattern is None or re.search(pattern, candidate):
            return candidate
    return candidates[0]


def _malformed_ids(tag: str, dated: bool, pattern: str) -> st.SearchStrategy[str]:
    fresh = _fresh_id(tag, dated)
    others = sorted(t for t in FLAT_TAGS if t != tag)
    variants = st.one_of(
        st.sampled_from(others).flatmap(lambda other: _fresh_id(other, False)),
        fresh.map(lambda text: text[:-1]),
        fresh.map(lambda text: text + "1"),
        st.tuples(fresh, st.sampled_from("0OIl_ ")).map(lambda pair: pair[0][:-1] + pair[1]),
        fresh.map(lambda text: text + "\n"),
        fresh.map(lambda text: text.split("_")[-1]),
        st.just(""),
    )
    return variants.filter(lambda text: re.search(pattern, text) is None)


def _value_breakages(
    info: mi.Type, nullable: bool, path: tuple[str | int, ...], builder: _Builder
) -> Iterator[_Breakage]:
    maximum = None  # a u64's bound, which msgspec cannot hold (wire/common.py MAX_BOUND)
    while isinstance(info, mi.Metadata):
        maximum = (info.extra or {}).get(MAX_BOUND, maximum)
        info = info.type
    accepted = _json_kinds(info) | ({type(None)} if nullable else set())
    wrong = [v for v in _WRONG_VALUES if type(v) not in accepted]
    if wrong:
        yield _Breakage(
            "wrong_type", path, "a JSON value of the wrong type", st.sampled_from(wrong)
        )
    tagged = id_tag(info)
    if isinstance(info, mi.StrType):
        valid = builder.value(info)
        pattern = info.pattern
        if info.min_length:
            low = info.min_length
            yield _Breakage(
                "too_short", path, f"fewer than {low} characters", valid.map(lambda t: t[: low - 1])
            )
        if info.max_length is not None:
            high = info.max_length
            yield _Breakage(
                "too_long",
                path,
                f"more than {high} characters",
                valid.map(lambda t: _too_long(t, high, pattern)),
            )
        if tagged is not None and pattern is not None:
            yield _Breakage(
                "malformed_id", path, f"not a `{tagged[0]}_` id", _malformed_ids(*tagged, pattern)
            )
        elif pattern is not None:
            size = st.text(_CHARS, min_size=max(info.min_length or 0, 1), max_size=16)
            mismatch = (valid.map(lambda t: t + "\n") | size).filter(
                lambda t: (
                    re.search(pattern, t) is None
                    and (info.max_length is None or len(t) <= info.max_length)
                )
            )
            yield _Breakage("pattern", path, f"does not match {pattern}", mismatch)
    elif isinstance(info, mi.IntType):
        floor, ceiling = _int_bounds(info)
        ceiling = maximum if ceiling is None else ceiling
        outside = []
        if floor is not None:
            outside.append(st.integers(floor - 2**64, floor - 1))
        if ceiling is not None:
            outside.append(st.integers(ceiling + 1, ceiling + 2**64))
        if outside:
            yield _Breakage(
                "out_of_range", path, f"outside [{floor}, {ceiling}]", st.one_of(outside)
            )
    elif isinstance(info, mi.LiteralType):
        values = info.values
        near = [str(v).lower() for v in values] + [str(v).upper() for v in values] + ["", "x"]
        yield _Breakage(
            "not_in_enum",
            path,
            f"not one of {list(values)}",
            st.sampled_from([v for v in near if v not in values]),
        )


def _breakages(
    value: Any, info: mi.Type, path: tuple[str | int, ...], keys: frozenset[int], b: _Builder
) -> Iterator[tuple[_Breakage, frozenset[int]]]:
    """Every rule that can be broken in ``value`` (a valid payload part) and below it."""
    while isinstance(info, mi.Metadata):
        info = info.type
    info = _strip_none(info)[0]
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        for f in info.fields:
            inner, nullable = _strip_none(f.type)
            here = (*path, f.encode_name)
            for breakage in _value_breakages(inner, nullable or not f.required, here, b):
                yield breakage, keys
            if f.required:
                yield _Breakage("missing_field", here, "absent", st.just(_OMIT)), keys
            if value.get(f.encode_name) is not None:
                yield from _breakages(value[f.encode_name], inner, here, keys, b)
    elif isinstance(info, mi.ListType) and isinstance(value, list):
        for index, item in enumerate(value):
            here = (*path, index)
            for breakage in _value_breakages(info.item_type, False, here, b):
                yield breakage, keys
            yield from _breakages(item, info.item_type, here, keys, b)
    elif isinstance(info, mi.DictType) and isinstance(value, dict):
        for key, item in value.items():
            here = (*path, key)
            marked = keys | {len(path)}
            for breakage in _value_breakages(info.value_type, False, here, b):
                yield breakage, marked
            yield from _breakages(item, info.value_type, here, marked, b)


def _replace(payload: Any, path: tuple[str | int, ...], new: Any) -> Any:
    result = copy.deepcopy(payload)
    parent = result
    for part in path[:-1]:
        parent = parent[part]
    if new is _OMIT:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return result


def _skeleton(info: mi.Type) -> Any:
    """The fullest shape of a value: every field present, one item in every list and map."""
    while isinstance(info, mi.Metadata):
        info = info.type
    info = _strip_none(info)[0]
    if isinstance(info, mi.StructType):
        return {f.encode_name: _skeleton(f.type) for f in info.fields}
    if isinstance(info, mi.ListType):
        return [_skeleton(info.item_type)]
    if isinstance(info, mi.DictType):
        return {"key": _skeleton(info.value_type)}
    return 0


@functools.cache
def breakable_rules(action: str) -> frozenset[str]:
    """The ``RULES`` some input of ``action`` can break."""
    info = _input_info(action)
    found = _breakages(_skeleton(info), info, (), frozenset(), _Builder(None))
    return frozenset({breakage.rule for breakage, _ in found} | {"not_an_object"})


def invalid_input(
    action: str,
    *,
    hub: Hub | None = None,
    ids: IdSource | None = None,
    rules: Sequence[str] | None = None,
) -> st.SearchStrategy[InvalidInput]:
    """Payloads of ``action`` that break one rule of ``rules`` (default: any of ``RULES``)."""
    unknown = set(rules or ()) - set(RULES)
    if unknown:
        raise ValueError(f"unknown rules {sorted(unknown)}; known: {', '.join(RULES)}")
    allowed = breakable_rules(action) & set(RULES if rules is None else rules)
    if not allowed:
        raise ValueError(f"no input of {action} can break {', '.join(rules or ())}")
    builder = _Builder(_pool(hub, ids))
    info = _input_info(action)
    valid = builder.struct(info)
    # No `null`: ``hub.invoke(action, None)`` means "no payload", which is `{}`.
    not_objects: st.SearchStrategy[Any] = st.sampled_from([[], "{}", 1, True])

    @st.composite
    def build(draw: st.DrawFn) -> InvalidInput:
        payload = draw(valid)
        options = [
            (breakage, keys)
            for breakage, keys in _breakages(payload, info, (), frozenset(), builder)
            if breakage.rule in allowed
        ]
        if "not_an_object" in allowed:
            options.append(
                (_Breakage("not_an_object", (), "not a JSON object", not_objects), frozenset())
            )
        assume(bool(options))
        breakage, keys = draw(st.sampled_from(options))
        new = draw(breakage.broken)
        broken = new if not breakage.path else _replace(payload, breakage.path, new)
        path = _render(breakage.path, keys)
        return InvalidInput(action, broken, breakage.rule, path, breakage.detail)

    return build()


def any_invalid_action(
    *,
    hub: Hub | None = None,
    ids: IdSource | None = None,
    rules: Sequence[str] | None = None,
    actions: Sequence[str] | None = None,
) -> st.SearchStrategy[InvalidInput]:
    """An invalid input of any action (or one of ``actions``)."""
    wanted = set(RULES if rules is None else rules)
    names = [
        n for n in (sorted(ACTIONS) if actions is None else actions) if breakable_rules(n) & wanted
    ]
    if not names:
        raise ValueError(f"no action can break {', '.join(sorted(wanted))}")
    by_name = {name: invalid_input(name, hub=hub, ids=ids, rules=rules) for name in names}
    return st.sampled_from(names).flatmap(lambda name: by_name[name])
