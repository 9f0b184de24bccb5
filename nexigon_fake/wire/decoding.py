"""Turning a request body into an action's input struct, with errors that name field and rule.

``parse_json`` is the one strict JSON parser (of action bodies, the control plane and fixture
files): duplicate keys (the Hub's deserializer refuses them, D2), NaN and Infinity, numbers
beyond double range and lone surrogates are refused. The object is then converted by msgspec
against the action's input type; unknown keys are ignored unless the hub is strict. Every
refusal is an ``InvalidError`` carrying its ``rule`` and JSON ``path`` as data (the message is
formatted from them in ``errors.py``); rules use the upstream wording where one carries it.
msgspec's integer bounds stop at int64, so a ``u64``'s upper bound (``MAX_BOUND``) is checked
after conversion, on both the fast and the careful path (``check_bounds``, C6).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import msgspec
import msgspec.inspect as mi

from nexigon_fake.errors import (
    MSG_BODY_NOT_OBJECT,
    MSG_JSON_CONSTANT,
    MSG_JSON_NOT_UTF8,
    MSG_JSON_OUT_OF_RANGE,
    MSG_UNKNOWN_FIELD,
    DuplicateKeyError,
    InvalidError,
    InvalidJsonError,
)
from nexigon_fake.wire.common import MAX_BOUND


class _Refused:
    """A value the parser refuses (NaN, Infinity, a number beyond double range) or a repeated
    ``key``, left in place so that the document's first refusal is found with its path once
    parsing is done."""

    __slots__ = ("key", "rule")

    def __init__(self, rule: str = "", *, key: str | None = None) -> None:
        self.rule = rule
        self.key = key


class _Repeated:
    """An object that repeats a key, as its members were written (see ``_Refused``)."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


class _StrictHooks:
    """``json.loads`` hooks of one parse; ``refused`` tells whether it left a marker."""

    __slots__ = ("refused",)

    def __init__(self) -> None:
        self.refused = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> Any:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        self.refused = True
        return _Repeated(pairs)

    def constant(self, name: str) -> Any:
        self.refused = True
        return _Refused(MSG_JSON_CONSTANT.format(name=name))

    def number(self, text: str) -> Any:
        """Numbers beyond double range are refused, as serde_json does, not stored as infinity."""
        value = float(text)
        if value in (float("inf"), float("-inf")):
            self.refused = True
            return _Refused(MSG_JSON_OUT_OF_RANGE.format(text=text))
        return value


def _members(value: Any) -> Iterator[tuple[str, Any]] | None:
    """A container's members in document order, each with its path segment."""
    if isinstance(value, dict):
        return ((f".{key}", item) for key, item in value.items())
    if isinstance(value, list):
        return ((f"[{index}]", item) for index, item in enumerate(value))
    if isinstance(value, _Repeated):
        return _repeated_members(value.pairs)
    return None


def _repeated_members(pairs: list[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for key, item in pairs:
        if key in seen:
            yield f".{key}", _Refused(key=key)
            return
        seen.add(key)
        yield f".{key}", item


def _first_refusal(document: Any) -> InvalidJsonError:
    """The first refused value or repeated key in document order, at its path."""
    path = ["$"]
    stack: list[Iterator[tuple[str, Any]]] = [iter([("", document)])]
    while stack:
        member = next(stack[-1], None)
        if member is None:
            stack.pop()
            path.pop()
            continue
        segment, value = member
        if isinstance(value, _Refused):
            at = "".join([*path, segment])
            if value.key is not None:
                return DuplicateKeyError(value.key, path=at)
            return InvalidJsonError(rule=value.rule, path=at)
        members = _members(value)
        if members is not None:
            path.append(segment)
            stack.append(members)
    raise AssertionError("a parse flagged a refusal that is not in its document")


# A string literal, and whether it is an object key (followed by `:`); valid only where the
# body has no backslash, so no literal can contain an escaped quote.
FAST_PATH_MAX_CONTAINERS = 64  # deeper or bigger documents take the careful path
_STRING_LITERAL = re.compile(rb'"([^"]*)"(\s*:)?')


def _keys_distinct(body: bytes) -> bool:
    """No key is written twice anywhere in an escape-free body (a sufficient, cheap test)."""
    keys = [literal for literal, colon in _STRING_LITERAL.findall(body) if colon]
    return len(keys) == len(set(keys))


def _plain(body: bytes) -> bool:
    """Small, escape-free and without a repeated key: msgspec's strict parser accepts such a
    body exactly when the careful path below does."""
    nested = body.count(b"{") + body.count(b"[")
    return nested <= FAST_PATH_MAX_CONTAINERS and b"\\" not in body and _keys_distinct(body)


def decode_body(input_type: type[Any], body: bytes, *, strict: bool) -> Any:
    """A raw body straight to the validated input struct, or Invalid naming field and rule.

    A plain body is decoded into the struct in one step; whatever that refuses, and every
    body of a strict hub, takes the careful path, which finds the message.
    """
    if not strict and _plain(body):
        try:
            value = msgspec.json.decode(body, type=input_type)
        except msgspec.DecodeError:  # validation errors included
            pass
        else:
            return check_bounds(input_type, value)
    return decode_input(input_type, parse_json_body(body), strict=strict)


def parse_json_body(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or Invalid (``parse_json``, then an object required)."""
    return require_object(parse_json(body))


def parse_json(data: bytes) -> Any:
    """The one strict JSON parser: any JSON document, or ``InvalidJsonError`` (rule, path)."""
    if _plain(data):
        # Fast path: without escapes and repeated keys, msgspec's strict parser accepts exactly
        # what the careful path below accepts. Anything it refuses goes there for the error.
        try:
            return msgspec.json.decode(data)
        except msgspec.DecodeError:
            pass
    hooks = _StrictHooks()
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=hooks.pairs,
            parse_constant=hooks.constant,
            parse_float=hooks.number,
        )
    except UnicodeDecodeError:
        raise InvalidJsonError(rule=MSG_JSON_NOT_UTF8) from None
    except (json.JSONDecodeError, ValueError, RecursionError) as error:
        raise InvalidJsonError(rule=str(error)) from None
    if hooks.refused:
        raise _first_refusal(value)
    if b"\\u" in data:
        require_json(value)  # an escaped lone surrogate is not a valid JSON string
    return value


def require_json(value: Any) -> bytes:
    """Refuse what cannot be written back as JSON (lone surrogates, non-JSON Python objects);
    the JSON it writes, for whoever needs it next."""
    try:
        return msgspec.json.encode(value)
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        raise InvalidJsonError(rule=str(error)) from None


def require_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidError(MSG_BODY_NOT_OBJECT.format(got=_json_kind(value)))
    return value


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


_TYPE_INFO: dict[Any, mi.Type] = {}


def _type_info(input_type: Any) -> mi.Type:
    info = _TYPE_INFO.get(input_type)
    if info is None:
        info = _TYPE_INFO[input_type] = mi.type_info(input_type)
    return info


def _unwrap(info: mi.Type) -> mi.Type:
    while isinstance(info, mi.Metadata):
        info = info.type
    return info


def _struct_options(info: mi.Type) -> list[mi.StructType]:
    info = _unwrap(info)
    if isinstance(info, mi.StructType):
        return [info]
    if isinstance(info, mi.UnionType):
        return [t for t in (_unwrap(t) for t in info.types) if isinstance(t, mi.StructType)]
    return []


def check_unknown_fields(
    input_type: type[Any], payload: Any, template: str = MSG_UNKNOWN_FIELD
) -> None:
    """Refuse keys ``input_type``'s schema does not know, at any depth (``template`` names
    the key as ``{field}``)."""
    _check_unknown(_type_info(input_type), payload, "$", template)


def _check_unknown(info: mi.Type, value: Any, path: str, template: str = MSG_UNKNOWN_FIELD) -> None:
    """Strict mode: refuse keys the action's schema does not know, at any depth."""
    info = _unwrap(info)
    if isinstance(info, mi.UnionType):
        structs = _struct_options(info)
        if isinstance(value, dict) and structs and structs[0].tag_field is not None:
            # A tagged union: only the member the value's tag names (an unknown tag is
            # msgspec's to refuse).
            tag = value.get(structs[0].tag_field)
            for member in structs:
                if member.tag == tag:
                    _check_unknown(member, value, path, template)
            return
        for option in info.types:
            if not isinstance(_unwrap(option), mi.NoneType):
                _check_unknown(option, value, path, template)
        return
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f for f in info.fields}
        for key, item in value.items():
            if key == info.tag_field:
                continue
            field = fields.get(key)
            if field is None:
                raise InvalidError(rule=template.format(field=key), path=path)
            _check_unknown(field.type, item, f"{path}.{key}", template)
    elif isinstance(info, mi.ListType) and isinstance(value, list):
        for index, item in enumerate(value):
            _check_unknown(info.item_type, item, f"{path}[{index}]", template)
    elif isinstance(info, mi.DictType) and isinstance(value, dict):
        for item in value.values():
            _check_unknown(info.value_type, item, f"{path}[...]", template)


# msgspec's ValidationError has only its text, "<rule> - at `<path>`": the one message read
# apart, at the boundary, so that ours carry both as data.
_ERROR = re.compile(r"^(?P<rule>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.([A-Za-z0-9_]+)|\[([^\]]*)\]")


def _tagged(candidates: list[mi.StructType], value: Any) -> list[mi.StructType]:
    """The variant of a tagged union the payload names, when it names one (the variants of
    ``DeviceOperationStep`` share field names but not their rules)."""
    if isinstance(value, dict):
        named = [
            c for c in candidates if c.tag_field is not None and value.get(c.tag_field) == c.tag
        ]
        if named:
            return named
    return candidates


def _extra_at(input_type: Any, path: str, payload: Any, bound: bool) -> dict[str, Any]:
    """The ``Meta.extra`` of the value at a msgspec error path, if any."""
    info: mi.Type = _type_info(input_type)
    extra: dict[str, Any] = {}
    value = payload
    for match in _PATH_PART.finditer(path[1:]):
        extra = {}
        key = match.group(1)
        while isinstance(info, mi.Metadata):
            info = info.type
        if key is not None:
            candidates = _tagged(_struct_options(info), value)
            field = next((f for s in candidates for f in s.fields if f.encode_name == key), None)
            if field is None:
                return {}
            info = field.type
            value = value.get(key) if isinstance(value, dict) else None
        else:
            index = match.group(2)
            is_index = isinstance(value, list) and index.isdigit() and int(index) < len(value)
            value = value[int(index)] if is_index else None
            info = _unwrap(info)
            if isinstance(info, mi.UnionType):
                info = next(t for t in info.types if not isinstance(_unwrap(t), mi.NoneType))
                info = _unwrap(info)
            if isinstance(info, mi.ListType):
                info = info.item_type
            elif isinstance(info, mi.DictType):
                info = info.value_type
            else:
                return {}
    # Metadata may sit directly on the field or inside an Optional or another union: the
    # member whose kind of rule msgspec reports (a length is a string's, a bound a number's).
    candidates_info = [info]
    base = _unwrap(info) if not isinstance(info, mi.Metadata) else info
    if isinstance(base, mi.UnionType):
        candidates_info.extend(base.types)
    wanted = mi.IntType if bound else mi.StrType
    for candidate in candidates_info:
        fits = not isinstance(base, mi.UnionType) or isinstance(_unwrap(candidate), wanted)
        if isinstance(candidate, mi.Metadata) and candidate.extra and fits:
            extra = dict(candidate.extra)
    return extra


def _invalid(input_type: Any, error: msgspec.ValidationError, payload: Any = None) -> InvalidError:
    """msgspec's refusal as rule and path, with the upstream rule where the field has one."""
    match = _ERROR.match(str(error))
    assert match is not None
    rule, path = match.group("rule"), match.group("path") or "$"
    bound = "length" not in rule and (">=" in rule or "<=" in rule)
    extra = _extra_at(input_type, path, payload, bound) if path != "$" else {}
    if "matching regex" in rule and "rule" in extra:
        rule = extra["rule"]
    elif ("length" in rule or ">=" in rule or "<=" in rule) and "message" in extra:
        rule = extra["message"]
    return InvalidError(rule=rule, path=path)


def decode_input(input_type: type[Any], payload: dict[str, Any], *, strict: bool) -> Any:
    """The validated input struct, or Invalid naming the field and the rule it breaks."""
    if strict:
        _check_unknown(_type_info(input_type), payload, "$")
    try:
        value = msgspec.convert(payload, input_type)
    except msgspec.ValidationError as error:
        raise _invalid(input_type, error, payload) from None
    return check_bounds(input_type, value)


_BOUNDED: dict[Any, bool] = {}


def _bounded(info: mi.Type, seen: set[int]) -> bool:
    """Whether a value of this type may hold an integer with a ``MAX_BOUND`` (a ``u64``)."""
    if id(info) in seen:
        return False
    seen.add(id(info))
    if isinstance(info, mi.Metadata):
        return MAX_BOUND in (info.extra or {}) or _bounded(info.type, seen)
    if isinstance(info, mi.StructType):
        return any(_bounded(f.type, seen) for f in info.fields)
    if isinstance(info, mi.UnionType):
        return any(_bounded(t, seen) for t in info.types)
    if isinstance(info, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        return _bounded(info.item_type, seen)
    if isinstance(info, mi.DictType):
        return _bounded(info.value_type, seen)
    return False


def check_bounds(input_type: Any, value: Any) -> Any:
    """Enforce the upper bounds msgspec cannot (beyond int64: ``u64``), at the field's path;
    types without such a field (nearly all) cost one dict lookup."""
    bounded = _BOUNDED.get(input_type)
    if bounded is None:
        bounded = _BOUNDED[input_type] = _bounded(_type_info(input_type), set())
    if bounded:
        _check_bounds(_type_info(input_type), value, "$")
    return value


def _check_bounds(info: mi.Type, value: Any, path: str) -> None:
    if isinstance(info, mi.Metadata):
        extra = info.extra or {}
        maximum = extra.get(MAX_BOUND)
        if maximum is not None and isinstance(value, int) and value > maximum:
            raise InvalidError(rule=extra["message"], path=path)
        _check_bounds(info.type, value, path)
    elif isinstance(info, mi.StructType):
        if isinstance(value, info.cls):
            for f in info.fields:
                _check_bounds(f.type, getattr(value, f.name), f"{path}.{f.encode_name}")
    elif isinstance(info, mi.UnionType):
        for option in info.types:
            _check_bounds(option, value, path)
    elif isinstance(info, mi.ListType | mi.VarTupleType) and isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_bounds(info.item_type, item, f"{path}[{index}]")
    elif isinstance(info, mi.DictType) and isinstance(value, dict):
        for key, item in value.items():
            _check_bounds(info.value_type, item, f"{path}.{key}")
