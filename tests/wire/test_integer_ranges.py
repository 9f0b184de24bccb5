"""Integer fields take exactly their upstream type's range (C6), on every decoding path."""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec
import msgspec.inspect as mi
import pytest

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors import InvalidError
from nexigon_fake.wire.common import U16, U32, U64, U64_MAX, Action, WireStruct
from nexigon_fake.wire.decoding import decode_body, decode_input
from nexigon_fake.wire.devices import SetDevicePropertyAction

DEVICE = "d_MASi45ub7Qe4ZE36UT5G6c"


class _Item(WireStruct):
    big: U64


class _Nested(Action[None]):
    """U64 values inside lists, dicts and optionals, with the paths an error must name."""

    items: list[_Item]
    by_key: dict[str, U64]
    maybe: Annotated[int, msgspec.Meta(ge=0)] | U64 | None = None


def set_property(expected: str) -> bytes:
    return (
        f'{{"deviceId": "{DEVICE}", "name": "n", "value": 1, "expectedVersion": {expected}}}'
    ).encode()


def refusal(input_type: type[Any], body: bytes, *, strict: bool) -> InvalidError:
    with pytest.raises(InvalidError) as caught:
        decode_body(input_type, body, strict=strict)
    return caught.value


@pytest.mark.parametrize("strict", [False, True])  # the fast path and the careful path
@pytest.mark.parametrize("value", ["0", "1", "9223372036854775808", str(U64_MAX)])
def test_u64_accepts_its_whole_range(value: str, strict: bool) -> None:
    decoded = decode_body(SetDevicePropertyAction, set_property(value), strict=strict)
    assert decoded.expected_version == int(value)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (str(U64_MAX + 1), "Expected an unsigned 64-bit integer (0 to 18446744073709551615)."),
        ("100000000000000000000000000000", "unsigned 64-bit integer"),
        ("-1", "Expected an unsigned 64-bit integer (0 to 18446744073709551615)."),
        ("-9223372036854775809", "unsigned 64-bit integer"),
        ("1.0", "got `float`"),
        ("1.5", "got `float`"),
        ("1e3", "got `float`"),
        ("true", "got `bool`"),
        ('"1"', "got `str`"),
    ],
)
def test_u64_refuses_everything_else_naming_the_field(value: str, rule: str, strict: bool) -> None:
    error = refusal(SetDevicePropertyAction, set_property(value), strict=strict)
    assert rule in error.message
    assert error.path == "$.expectedVersion"
    assert "`$.expectedVersion`" in error.message


def test_u64_bounds_hold_inside_containers() -> None:
    ok = {"items": [{"big": U64_MAX}], "byKey": {"a": U64_MAX}, "maybe": U64_MAX}
    assert decode_input(_Nested, ok, strict=False).items[0].big == U64_MAX
    cases = [
        ({**ok, "items": [{"big": 1}, {"big": U64_MAX + 1}]}, "$.items[1].big"),
        ({**ok, "byKey": {"a": 1, "b": U64_MAX + 1}}, "$.byKey.b"),
        ({**ok, "maybe": U64_MAX + 1}, "$.maybe"),
    ]
    for payload, path in cases:
        with pytest.raises(InvalidError) as caught:
            decode_input(_Nested, payload, strict=False)
        assert caught.value.path == path
        with pytest.raises(InvalidError) as again:
            decode_body(_Nested, json.dumps(payload).encode(), strict=False)
        assert again.value.path == path


class _Holds16(Action[None]):
    value: U16


class _Holds32(Action[None]):
    value: U32


class _Holds64(Action[None]):
    value: U64


@pytest.mark.parametrize(
    ("holder", "bits", "maximum"),
    [(_Holds16, 16, 2**16 - 1), (_Holds32, 32, 2**32 - 1), (_Holds64, 64, U64_MAX)],
)
def test_each_unsigned_type_takes_exactly_its_range(
    holder: type[Action[None]], bits: int, maximum: int
) -> None:
    for accepted in (0, maximum):
        assert decode_input(holder, {"value": accepted}, strict=False).value == accepted
    for refused in (-1, maximum + 1):
        with pytest.raises(InvalidError) as caught:
            decode_input(holder, {"value": refused}, strict=False)
        message = caught.value.message
        assert f"Expected an unsigned {bits}-bit integer (0 to {maximum})." in message
        assert "`$.value`" in message


def _integer_fields(info: mi.Type, path: str, seen: set[int]) -> list[tuple[str, mi.Type]]:
    """Every integer-typed field reachable from an action input, with its Metadata wrapper."""
    if id(info) in seen:
        return []
    seen.add(id(info))
    found: list[tuple[str, mi.Type]] = []
    base = info
    while isinstance(base, mi.Metadata):
        base = base.type
    if isinstance(base, mi.IntType):
        return [(path, info)]
    if isinstance(base, mi.StructType):
        for field in base.fields:
            found += _integer_fields(field.type, f"{path}.{field.encode_name}", seen)
    elif isinstance(base, mi.UnionType):
        for option in base.types:
            found += _integer_fields(option, path, seen)
    elif isinstance(base, mi.ListType):
        found += _integer_fields(base.item_type, f"{path}[]", seen)
    elif isinstance(base, mi.DictType):
        found += _integer_fields(base.value_type, f"{path}{{}}", seen)
    return found


def test_no_seed_era_input_integer_is_signed_or_unbounded() -> None:
    """Every integer an action takes is unsigned and bounded, as its upstream type (C6)."""
    for spec in ACTIONS.values():
        for path, info in _integer_fields(mi.type_info(spec.input_type), spec.name, set()):
            extra = info.extra if isinstance(info, mi.Metadata) else None
            base = info.type if isinstance(info, mi.Metadata) else info
            assert isinstance(base, mi.IntType)
            assert base.ge is not None and base.ge >= 0, path
            assert base.le is not None or (extra or {}).get("max") == U64_MAX, path
