"""What strategies and invalid inputs share: the walk from wire types to valid JSON values.

Private to ``testing``: import ``nexigon_fake.testing.strategies`` (which imports hypothesis
first, so its entry point finds the strategies module) rather than this one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import msgspec.inspect as mi

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors.tooling import (
    missing_extra,
)
from nexigon_fake.hub import Hub
from nexigon_fake.ids import (
    BASE58_ALPHABET,
    FLAT_LENGTH,
    FLAT_TAGS,
    dated_pattern,
    flat_pattern,
)
from nexigon_fake.testing._expressions import (
    EXPR_TYPES,
    MUTATION_TYPES,
    json_exprs,
    json_mutations,
)
from nexigon_fake.wire.common import MAX_BOUND

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # hypothesis comes with [testing]
    raise missing_extra(error, __name__, "testing") from None

InputT = TypeVar("InputT")
KnownIds = Mapping[str, Sequence[str]]
IdSource = Hub | KnownIds | Callable[[], KnownIds]
"""Where ids come from: a hub (its entities), a mapping tag -> ids, or a callable giving one."""

_CHARS = st.characters(codec="utf-8")  # anything JSON can carry: no lone surrogates
_I64 = (-(2**63), 2**63 - 1)
_JSON_INT = (-(2**63), 2**64 - 1)  # the hub writes back any integer serde_json reads
_MAX_ITEMS = 4


# Ids: recognised by the pattern of their wire type.


def _dated_tag(pattern: str) -> str | None:
    match = re.match(r"\^([a-z_]+)_\[0-9\]", pattern)
    if match is not None and dated_pattern(match.group(1)) == pattern:
        return match.group(1)
    return None


_FLAT_BY_PATTERN = {flat_pattern(tag): tag for tag in FLAT_TAGS}


def id_tag(info: mi.Type) -> tuple[str, bool] | None:
    """``(tag, dated)`` when a wire type is an id (``d_…``, ``d_ev_YYYYMMDD-…``), else None."""
    while isinstance(info, mi.Metadata):
        info = info.type
    if not isinstance(info, mi.StrType) or info.pattern is None:
        return None
    if info.pattern in _FLAT_BY_PATTERN:
        return _FLAT_BY_PATTERN[info.pattern], False
    tag = _dated_tag(info.pattern)
    return None if tag is None else (tag, True)


def _is_secret(tag: str) -> bool:
    """Secrets (fingerprints, tokens) are longer than public ids and are never reused."""
    return FLAT_TAGS.get(tag, FLAT_LENGTH) != FLAT_LENGTH


def known_ids(hub: Hub) -> dict[str, list[str]]:
    """The public ids a hub holds now, by tag (``"d"`` -> device ids, …)."""
    with hub.lock:
        store = hub.store
        return {
            "org": list(store.organizations),
            "u": list(store.users),
            "u_pk": list(store.user_tokens),
            "p": list(store.projects),
            "deployment_id": list(store.deployment_tokens),
            "d": list(store.devices),
            "d_c": list(store.certificates),
            "d_conn": list(store.connections),
            "repo": list(store.repositories),
            "d_pairing": list(store.pairing_keys),
            "flt_op": list(store.fleet_operations.fleets),
        }


def _pool(hub: Hub | None, ids: IdSource | None) -> Callable[[], KnownIds] | None:
    source = hub if ids is None else ids
    if source is None:
        return None
    if isinstance(source, Hub):
        held = source
        return lambda: known_ids(held)
    if callable(source):
        return source
    fixed = source
    return lambda: fixed


@functools.cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, alphabet=_CHARS)


def _fresh_id(tag: str, dated: bool) -> st.SearchStrategy[str]:
    if dated:
        return _regex(dated_pattern(tag))
    length = FLAT_TAGS[tag]
    numbers = st.integers(0, 58**length - 1)

    @st.composite
    def flat(draw: st.DrawFn) -> str:  # a composite, so failing examples show the id itself
        return f"{tag}_{_base58(draw(numbers), length)}"

    return flat()


def _base58(number: int, length: int) -> str:
    """One integer draw per id, not one per character: small examples, quick shrinking."""
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 58)
        digits.append(BASE58_ALPHABET[digit])
    return "".join(reversed(digits))


def _id(tag: str, dated: bool, pool: Callable[[], KnownIds] | None) -> st.SearchStrategy[str]:
    fresh = _fresh_id(tag, dated)
    if pool is None or dated or _is_secret(tag):
        return fresh

    @st.composite
    def pooled(draw: st.DrawFn) -> str:
        known = list(pool().get(tag, ()))
        return draw(st.one_of(st.sampled_from(known), fresh) if known else fresh)

    return pooled()


# Plain JSON and timestamps.


@functools.cache  # one strategy object: hypothesis labels each new one by reading its source
def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value the hub stores and writes back unchanged (properties, bodies, claims)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(*_JSON_INT)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(_CHARS, max_size=16)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=_MAX_ITEMS)
            | st.dictionaries(st.text(_CHARS, max_size=8), children, max_size=_MAX_ITEMS)
        ),
        max_leaves=8,
    )


_OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)


def _rfc3339(instant: dt.datetime) -> str:
    text = instant.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.cache
def timestamps() -> st.SearchStrategy[str]:
    """RFC 3339 with an offset (``Z`` or ``±hh:mm``): what a ``date-time`` field accepts."""
    return st.datetimes(
        min_value=dt.datetime(1971, 1, 1),  # noqa: DTZ001 - bounds of local times; zone drawn below
        max_value=dt.datetime(2100, 12, 31),  # noqa: DTZ001
        timezones=_OFFSETS,
    ).map(_rfc3339)


# Valid values from type info.


def _strip_none(info: mi.Type) -> tuple[mi.Type, bool]:
    """The type without ``| None``, and whether null was allowed."""
    if isinstance(info, mi.UnionType):
        kept = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(kept) < len(info.types):
            return (kept[0] if len(kept) == 1 else mi.UnionType(types=tuple(kept))), True
    return info, False


def _int_bounds(info: mi.IntType) -> tuple[int | None, int | None]:
    low = info.ge if info.ge is not None else None if info.gt is None else info.gt + 1
    high = info.le if info.le is not None else None if info.lt is None else info.lt - 1
    return low, high


def _string(info: mi.StrType) -> st.SearchStrategy[str]:
    low, high = info.min_length or 0, info.max_length
    if info.pattern is None:
        return st.text(_CHARS, min_size=low, max_size=high)
    pattern = info.pattern

    def fits(text: str) -> bool:
        size_ok = low <= len(text) and (high is None or len(text) <= high)
        return size_ok and re.search(pattern, text) is not None

    return _regex(pattern).filter(fits)


_OMIT = object()


class _Builder:
    """Valid JSON values for wire types; ids come from ``pool`` when one is given."""

    def __init__(self, pool: Callable[[], KnownIds] | None) -> None:
        self.pool = pool
        self._structs: dict[type, st.SearchStrategy[dict[str, Any]]] = {}

    def value(self, info: mi.Type) -> st.SearchStrategy[Any]:
        if isinstance(info, mi.Metadata):
            if (info.extra_json_schema or {}).get("format") == "date-time":
                return timestamps()
            maximum = (info.extra or {}).get(MAX_BOUND)
            if maximum is not None and isinstance(info.type, mi.IntType):
                return st.integers(info.type.ge or 0, maximum)  # a u64, beyond msgspec's le
            return self.value(info.type)
        tagged = id_tag(info)
        if tagged is not None:
            return _id(*tagged, self.pool)
        if isinstance(info, mi.StrType):
            return _string(info)
        if isinstance(info, mi.IntType):
            low, high = _int_bounds(info)
            return st.integers(_I64[0] if low is None else low, _I64[1] if high is None else high)
        if isinstance(info, mi.BoolType):
            return st.booleans()
        if isinstance(info, mi.NoneType):
            return st.none()
        if isinstance(info, mi.AnyType):
            return json_values()
        if isinstance(info, mi.LiteralType):
            return st.sampled_from(info.values)
        if isinstance(info, mi.ListType):
            high = _MAX_ITEMS if info.max_length is None else info.max_length
            return st.lists(
                self.value(info.item_type), min_size=info.min_length or 0, max_size=high
            )
        if isinstance(info, mi.DictType):
            return st.dictionaries(
                self.value(info.key_type), self.value(info.value_type), max_size=_MAX_ITEMS
            )
        if isinstance(info, mi.StructType):
            return self.struct(info)
        if isinstance(info, mi.UnionType):
            classes = {t.cls for t in info.types if isinstance(t, mi.StructType)}
            if classes & EXPR_TYPES:
                return json_exprs(json_values())
            if classes & MUTATION_TYPES:
                return json_mutations(json_values())
            return st.one_of([self.value(t) for t in info.types])
        raise TypeError(f"no strategy for wire type {info!r}")

    def struct(self, info: mi.StructType) -> st.SearchStrategy[dict[str, Any]]:
        """One strategy per struct type, deferred while it is built: recursive types (an
        expression inside an expression) refer to themselves instead of recursing forever."""
        known = self._structs.get(info.cls)
        if known is not None:
            return known
        built: list[st.SearchStrategy[dict[str, Any]]] = []
        self._structs[info.cls] = st.deferred(lambda: built[0])
        built.append(self._struct_now(info))
        self._structs[info.cls] = built[0]
        return built[0]

    def _struct_now(self, info: mi.StructType) -> st.SearchStrategy[dict[str, Any]]:
        """Required fields always; optional ones absent, ``null`` (the same, D2) or a value."""
        fields = [
            (f.encode_name, f.required, self.value(_strip_none(f.type)[0])) for f in info.fields
        ]
        tag = None if info.tag_field is None else (info.tag_field, info.tag)
        optional = st.sampled_from([_OMIT, None, True])
        # Optional fields of which a valid input sends exactly one (a struct's EXACTLY_ONE_OF).
        exclusive = [
            f.encode_name for f in info.fields if f.name in getattr(info.cls, "EXACTLY_ONE_OF", ())
        ]
        chosen = st.sampled_from(exclusive) if exclusive else st.none()

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            result: dict[str, Any] = {} if tag is None else {tag[0]: tag[1]}
            one = draw(chosen)
            for name, required, strategy in fields:
                if name in exclusive:
                    choice: object = True if name == one else _OMIT
                else:
                    choice = True if required else draw(optional)
                if choice is True:
                    result[name] = draw(strategy)
                elif choice is None:
                    result[name] = None
            return result

        return build()


def _input_info(action: str) -> mi.StructType:
    info = mi.type_info(ACTIONS[action].input_type)
    assert isinstance(info, mi.StructType)
    return info
