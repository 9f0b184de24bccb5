"""How a device keeps its properties: one shared map for a few, one record per name for many.

The services test properties through actions; these tests cover the switch between the two
ways of keeping them, times before the device was created, and values msgpack cannot hold.
"""

from __future__ import annotations

import datetime as dt

from nexigon_fake.state.model import Device, Property
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.storage.property_codec import SHARED_LIMIT

CREATED = dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC)


def device() -> Device:
    return Device(
        device_id="d_" + "D" * 22,
        project_id="p_" + "P" * 22,
        fingerprint="d_sk_" + "F" * 44,
        name=None,
        created_at=CREATED,
    )


def prop(name: str, value: object, *, version: int = 1, seconds: float = 0) -> Property:
    return Property(
        name=name,
        value=value,
        protected=version % 2 == 0,
        version=version,
        last_updated=CREATED + dt.timedelta(seconds=seconds),
    )


def names(target: Device) -> list[str]:
    return [read.name for read in property_codec.read_all(target)]


def test_properties_read_back_exactly_in_the_order_first_set() -> None:
    target = device()
    written = [prop(f"p{index}", {"index": index, "list": [index]}) for index in range(5)]
    for each in written:
        property_codec.write(target, each)
    updated = prop("p2", "changed", version=2, seconds=90.5)
    property_codec.write(target, updated)
    expected = [*written[:2], updated, *written[3:]]
    assert list(property_codec.read_all(target)) == expected
    assert property_codec.read(target, "p2") == updated
    assert property_codec.read(target, "missing") is None
    assert isinstance(target.properties, bytes)


def test_past_the_shared_limit_a_device_keeps_one_record_per_name_in_the_same_order() -> None:
    target = device()
    for index in range(SHARED_LIMIT):
        property_codec.write(target, prop(f"p{index}", index))
    assert isinstance(target.properties, bytes)
    property_codec.write(target, prop("last", "value"))
    assert isinstance(target.properties, dict)
    assert names(target) == [*(f"p{index}" for index in range(SHARED_LIMIT)), "last"]
    property_codec.write(target, prop("p0", "again", version=2))
    property_codec.remove(target, "p1")
    assert names(target)[:2] == ["p0", "p2"]
    assert property_codec.read(target, "p0") == prop("p0", "again", version=2)
    assert property_codec.read(target, "p1") is None


def test_removing_the_last_shared_property_leaves_none() -> None:
    target = device()
    property_codec.write(target, prop("only", 1))
    property_codec.write(target, prop("other", 2))
    property_codec.remove(target, "only")
    assert names(target) == ["other"]
    property_codec.remove(target, "other")
    assert target.properties == b""
    assert list(property_codec.read_all(target)) == []


def test_a_time_before_the_device_was_created_reads_back_exactly() -> None:
    """The clock can be set back: the time's distance from creation is then negative."""
    target = device()
    early = prop("early", True, seconds=-86_400.000_001)
    property_codec.write(target, early)
    assert property_codec.read(target, "early") == early


def test_values_beyond_msgpack_read_back_exactly_both_ways_of_keeping() -> None:
    huge = {"big": 2**70, "negative": -(2**65), "nested": [2**64]}
    shared, many = device(), device()
    property_codec.write(shared, prop("huge", huge))
    for index in range(SHARED_LIMIT + 1):
        property_codec.write(many, prop(f"p{index}", index))
    property_codec.write(many, prop("huge", huge))
    for target in (shared, many):
        read = property_codec.read(target, "huge")
        assert read is not None
        assert read.value == huge
