"""Decode errors carry their rule and JSON path as data; the message is formatted from them."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from nexigon_fake.errors import (
    MSG_BODY_NOT_JSON,
    MSG_DUPLICATE_KEY,
    MSG_INVALID_AT,
    MSG_JSON_DUPLICATE_KEY,
    MSG_UNKNOWN_FIELD,
    DuplicateKeyError,
    InvalidError,
    InvalidJsonError,
)
from nexigon_fake.wire.common import Action, Empty
from nexigon_fake.wire.decoding import decode_body, parse_json, parse_json_body
from nexigon_fake.wire.devices import PublishDeviceEventsAction, SetDeviceNameAction
from nexigon_fake.wire.json import JsonExpr, JsonNotExpr

DEVICE = "d_MASi45ub7Qe4ZE36UT5G6c"
EVENT = (
    '{"eventId": "d_ev_20260504-0700-abcdefgh", "severity": %s, "body": null, '
    '"attributes": {}, "emittedAt": "2026-05-04T07:03:00Z"}'
)


def events_body(*severities: str) -> bytes:
    events = ", ".join(EVENT % severity for severity in severities)
    return f'{{"deviceId": "{DEVICE}", "events": [{events}]}}'.encode()


def name_body(members: str) -> bytes:
    return f'{{"deviceId": "{DEVICE}", {members}}}'.encode()


def refusal(input_type: type[Any], body: bytes, *, strict: bool = False) -> InvalidError:
    with pytest.raises(InvalidError) as caught:
        decode_body(input_type, body, strict=strict)
    return caught.value


@pytest.mark.parametrize("strict", [False, True])
def test_type_mismatch_in_a_nested_list_names_rule_and_path(strict: bool) -> None:
    error = refusal(PublishDeviceEventsAction, events_body('"Info"', "5"), strict=strict)
    assert type(error) is InvalidError
    assert (error.rule, error.path) == ("Expected `str`, got `int`", "$.events[1].severity")
    assert error.message == MSG_INVALID_AT.format(rule=error.rule, path=error.path)
    assert error.to_wire() == {"kind": "Invalid", "message": error.message}


def test_a_length_rule_carries_its_upstream_message() -> None:
    error = refusal(SetDeviceNameAction, name_body('"name": ""'))
    assert (error.rule, error.path) == (
        "Device name must be between 1 and 128 characters.",
        "$.name",
    )
    assert error.message == "Device name must be between 1 and 128 characters. (at `$.name`)"


def test_unknown_field_in_strict_mode_names_the_object_it_is_in() -> None:
    body = events_body('"Info"').replace(b'"body"', b'"x": 1, "body"')
    error = refusal(PublishDeviceEventsAction, body, strict=True)
    assert (error.rule, error.path) == (
        "Unknown field `x` (the hub runs in strict mode).",
        "$.events[0]",
    )
    assert error.message == MSG_INVALID_AT.format(rule=error.rule, path=error.path)
    decode_body(PublishDeviceEventsAction, body, strict=False)  # not strict: accepted


@pytest.mark.parametrize(
    ("body", "key", "path"),
    [
        (name_body('"name": "a", "name": "b"'), "name", "$.name"),
        (events_body('"Info", "severity": "Error"'), "severity", "$.events[0].severity"),
        (b'{"a": {"b": 1, "b": 2}, "a": 3}', "b", "$.a.b"),  # the first in document order
    ],
)
def test_duplicate_key_names_the_key_and_where_it_repeats(body: bytes, key: str, path: str) -> None:
    with pytest.raises(DuplicateKeyError) as caught:
        parse_json_body(body)
    error = caught.value
    assert isinstance(error, InvalidJsonError)
    assert (error.key, error.rule, error.path) == (
        key,
        MSG_JSON_DUPLICATE_KEY.format(key=key),
        path,
    )
    assert error.message == MSG_DUPLICATE_KEY.format(key=key)  # the wire message of D2


@pytest.mark.parametrize(
    ("body", "rule", "path"),
    [
        (name_body('"name": NaN'), "NaN is not JSON", "$.name"),
        (b'{"a": [1, {"b": -Infinity}]}', "-Infinity is not JSON", "$.a[1].b"),
        (b"NaN", "NaN is not JSON", "$"),
        (b"[0, 1e400]", "number out of range: 1e400", "$[1]"),
    ],
)
def test_refused_values_name_rule_and_path(body: bytes, rule: str, path: str) -> None:
    with pytest.raises(InvalidJsonError) as caught:
        parse_json(body)
    error = caught.value
    assert (error.rule, error.path) == (rule, path)
    assert error.message == MSG_BODY_NOT_JSON.format(detail=rule)


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (b"{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (b"\xff", "not UTF-8"),
        (b"{} {}", "Extra data: line 1 column 4 (char 3)"),
    ],
)
def test_malformed_json_has_a_rule_but_no_path(body: bytes, rule: str) -> None:
    with pytest.raises(InvalidJsonError) as caught:
        parse_json(body)
    assert (caught.value.rule, caught.value.path) == (rule, None)
    assert caught.value.message == MSG_BODY_NOT_JSON.format(detail=rule)


def test_parse_json_takes_any_document_and_parse_json_body_an_object() -> None:
    assert parse_json(b"[1, 2]") == [1, 2]
    assert parse_json(b'{"a": "\\u00e9"}') == {"a": "\u00e9"}
    with pytest.raises(InvalidError) as caught:
        parse_json_body(b"[1, 2]")
    assert caught.value.message == "Request body must be a JSON object, got an array."


def test_an_invalid_error_is_formatted_from_rule_and_path() -> None:
    assert InvalidError(rule="r", path="$.a").message == "r (at `$.a`)"
    assert InvalidError(rule="r").message == "r"
    given = InvalidError("message", rule="r", path="$")
    assert (given.message, given.rule, given.path) == ("message", "r", "$")
    plain = InvalidError("message")
    assert (plain.rule, plain.path, plain.status) == (None, None, 400)
    with pytest.raises(TypeError):
        InvalidError()


class _Conditioned(Action[Empty]):
    when: JsonExpr


def test_a_strict_hub_checks_a_tagged_union_against_the_member_its_tag_names() -> None:
    valid = b'{"when":{"kind":"Not","expr":{"kind":"Get","expr":{"kind":"Current"},"path":[]}}}'
    decoded = decode_body(_Conditioned, valid, strict=True)
    assert isinstance(decoded.when, JsonNotExpr)
    stray = b'{"when":{"kind":"Not","expr":{"kind":"Literal","value":1,"extra":2}}}'
    with pytest.raises(InvalidError) as caught:
        decode_body(_Conditioned, stray, strict=True)
    assert (caught.value.rule, caught.value.path) == (
        MSG_UNKNOWN_FIELD.format(field="extra"),
        "$.when.expr",
    )


def test_a_length_rule_and_a_bound_in_one_union_each_report_their_own_message() -> None:
    too_long = {"when": {"kind": "Get", "expr": {"kind": "Current"}, "path": ["k" * 257]}}
    with pytest.raises(InvalidError) as caught:
        decode_body(_Conditioned, msgspec.json.encode(too_long), strict=False)
    assert caught.value.rule == "JSON path key segment must be at most 256 characters."
    negative = {"when": {"kind": "Get", "expr": {"kind": "Current"}, "path": [-1]}}
    with pytest.raises(InvalidError) as caught:
        decode_body(_Conditioned, msgspec.json.encode(negative), strict=False)
    assert caught.value.rule == "JSON path index segment must be between 0 and 4294967295."
