"""Turning a request body into an action's input struct, with errors that name field and rule.

JSON is parsed with duplicate keys refused (the Hub's deserializer refuses them, D2), then
converted by msgspec against the action's input type. Unknown keys are ignored unless the hub
is strict. Error messages use the upstream wording where a rule carries one.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import msgspec.inspect as mi

from nexigon_fake.errors import (
    MSG_BODY_NOT_JSON,
    MSG_BODY_NOT_OBJECT,
    MSG_DUPLICATE_KEY,
    MSG_INVALID_AT,
    MSG_UNKNOWN_FIELD,
    InvalidError,
)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidError(MSG_DUPLICATE_KEY.format(key=key))
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    """Numbers beyond double range are refused, as serde_json does, not stored as infinity."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number out of range: {text}")
    return value


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
            return msgspec.json.decode(body, type=input_type)
        except msgspec.DecodeError:  # validation errors included
            pass
    return decode_input(input_type, parse_json_body(body), strict=strict)


def parse_json_body(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or Invalid."""
    if _plain(body):
        # Fast path: without escapes and repeated keys, msgspec's strict parser accepts exactly
        # what the careful path below accepts. Anything it refuses goes there for the message.
        try:
            return require_object(msgspec.json.decode(body))
        except msgspec.DecodeError:
            pass
    try:
        text = body.decode("utf-8")
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_no_constants, parse_float=_finite
        )
    except UnicodeDecodeError:
        raise InvalidError(MSG_BODY_NOT_JSON.format(detail="not UTF-8")) from None
    except (json.JSONDecodeError, ValueError, RecursionError) as error:
        raise InvalidError(MSG_BODY_NOT_JSON.format(detail=str(error))) from None
    if b"\\u" in body:
        require_json(value)  # an escaped lone surrogate is not a valid JSON string
    return require_object(value)


def require_json(value: Any) -> bytes:
    """Refuse what cannot be written back as JSON (lone surrogates, non-JSON Python objects);
    the JSON it writes, for whoever needs it next."""
    try:
        return msgspec.json.encode(value)
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        raise InvalidError(MSG_BODY_NOT_JSON.format(detail=str(error))) from None


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


def _check_unknown(info: mi.Type, value: Any, path: str) -> None:
    """Strict mode: refuse keys the action's schema does not know, at any depth."""
    info = _unwrap(info)
    if isinstance(info, mi.UnionType):
        for option in info.types:
            if not isinstance(_unwrap(option), mi.NoneType):
                _check_unknown(option, value, path)
        return
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f for f in info.fields}
        for key, item in value.items():
            if key == info.tag_field:
                continue
            field = fields.get(key)
            if field is None:
                raise InvalidError(
                    MSG_INVALID_AT.format(rule=MSG_UNKNOWN_FIELD.format(field=key), path=path)
                )
            _check_unknown(field.type, item, f"{path}.{key}")
    elif isinstance(info, mi.ListType) and isinstance(value, list):
        for index, item in enumerate(value):
            _check_unknown(info.item_type, item, f"{path}[{index}]")
    elif isinstance(info, mi.DictType) and isinstance(value, dict):
        for item in value.values():
            _check_unknown(info.value_type, item, f"{path}[...]")


_ERROR = re.compile(r"^(?P<rule>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_PATH_PART = re.compile(r"\.([A-Za-z0-9_]+)|\[([^\]]*)\]")


def _extra_at(input_type: Any, path: str) -> dict[str, Any]:
    """The ``Meta.extra`` of the value at a msgspec error path, if any."""
    info: mi.Type = _type_info(input_type)
    extra: dict[str, Any] = {}
    for match in _PATH_PART.finditer(path[1:]):
        extra = {}
        key = match.group(1)
        while isinstance(info, mi.Metadata):
            info = info.type
        if key is not None:
            candidates = _struct_options(info)
            field = next((f for s in candidates for f in s.fields if f.encode_name == key), None)
            if field is None:
                return {}
            info = field.type
        else:
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
    # Metadata may sit directly on the field or inside an Optional.
    candidates_info = [info]
    base = _unwrap(info) if not isinstance(info, mi.Metadata) else info
    if isinstance(base, mi.UnionType):
        candidates_info.extend(base.types)
    for candidate in candidates_info:
        if isinstance(candidate, mi.Metadata) and candidate.extra:
            extra = dict(candidate.extra)
    return extra


def _message(input_type: Any, error: msgspec.ValidationError) -> str:
    match = _ERROR.match(str(error))
    assert match is not None
    rule, path = match.group("rule"), match.group("path") or "$"
    extra = _extra_at(input_type, path) if path != "$" else {}
    if "matching regex" in rule and "rule" in extra:
        rule = extra["rule"]
    elif ("length" in rule or ">=" in rule or "<=" in rule) and "message" in extra:
        rule = extra["message"]
    return MSG_INVALID_AT.format(rule=rule, path=path)


def decode_input(input_type: type[Any], payload: dict[str, Any], *, strict: bool) -> Any:
    """The validated input struct, or Invalid naming the field and the rule it breaks."""
    if strict:
        _check_unknown(_type_info(input_type), payload, "$")
    try:
        return msgspec.convert(payload, input_type)
    except msgspec.ValidationError as error:
        raise InvalidError(_message(input_type, error)) from None
