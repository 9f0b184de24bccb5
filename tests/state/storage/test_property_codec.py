"""A device's properties against a plain dict: every read agrees, both ways of keeping them.

The state machine sets and removes properties on a device, crossing ``SHARED_LIMIT`` (where
the device switches from one encoded map to one row per name), reads them every way the hub
does and round-trips the device through pickle, deepcopy and a snapshot's JSON. The tests
after it pin down behaviours by example.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from nexigon_fake.state.model import Device
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.storage.property_codec import SHARED_LIMIT, Property

from .strategies import START, instants, json_values

NAMES = [f"app.setting-{index}" for index in range(SHARED_LIMIT + 6)] + ["", "ü"]
names = st.sampled_from(NAMES)
properties = st.builds(
    Property,
    name=names,
    value=json_values,
    protected=st.booleans(),
    version=st.integers(1, 2**40),
    last_updated=instants,
)


def device() -> Device:
    return Device(
        device_id="d_" + "D" * 22,
        project_id="p_" + "P" * 22,
        fingerprint="d_sk_" + "F" * 44,
        name=None,
        created_at=START,
    )


def restored(target: Device) -> Device:
    """What a snapshot does: properties to JSON and back, written to a new device in order."""
    read = list(property_codec.read_all(target))
    again = device()
    for prop in msgspec.json.decode(msgspec.json.encode(read), type=list[Property]):
        property_codec.write(again, prop)
    return again


class PropertyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.device = device()
        self.reference: dict[str, Property] = {}

    @rule(prop=properties)
    def write(self, prop: Property) -> None:
        property_codec.write(self.device, prop)
        self.reference[prop.name] = prop

    @rule(batch=st.lists(properties, min_size=4, max_size=SHARED_LIMIT))
    def write_many(self, batch: list[Property]) -> None:
        for prop in batch:
            self.write(prop)

    @precondition(lambda self: self.reference)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.reference)))
        property_codec.remove(self.device, name)
        del self.reference[name]

    @rule(name=names)
    def read(self, name: str) -> None:
        assert property_codec.read(self.device, name) == self.reference.get(name)

    @rule()
    def pickle_round_trip(self) -> None:
        self.device = pickle.loads(pickle.dumps(self.device, pickle.HIGHEST_PROTOCOL))

    @rule()
    def deepcopy_round_trip(self) -> None:
        self.device = copy.deepcopy(self.device)

    @rule()
    def snapshot_round_trip(self) -> None:
        self.device = restored(self.device)

    @invariant()
    def every_property_reads_back_in_the_order_first_set(self) -> None:
        assert list(property_codec.read_all(self.device)) == list(self.reference.values())


PropertyMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestProperties = PropertyMachine.TestCase


def prop(name: str, value: object, *, version: int = 1, seconds: float = 0) -> Property:
    return Property(
        name=name,
        value=value,
        protected=version % 2 == 0,
        version=version,
        last_updated=START + dt.timedelta(seconds=seconds),
    )


def names_of(target: Device) -> list[str]:
    return [read.name for read in property_codec.read_all(target)]


def test_an_update_keeps_its_place_and_a_missing_name_reads_none() -> None:
    target = device()
    written = [prop(f"p{index}", {"index": index, "list": [index]}) for index in range(5)]
    for each in written:
        property_codec.write(target, each)
    updated = prop("p2", "changed", version=2, seconds=90.5)
    property_codec.write(target, updated)
    assert list(property_codec.read_all(target)) == [*written[:2], updated, *written[3:]]
    assert property_codec.read(target, "p2") == updated
    assert property_codec.read(target, "missing") is None


def test_past_the_shared_limit_the_order_and_values_are_kept() -> None:
    target = device()
    for index in range(SHARED_LIMIT + 1):
        property_codec.write(target, prop(f"p{index}", index))
    assert isinstance(target.properties, dict)  # one row per name now
    assert names_of(target) == [f"p{index}" for index in range(SHARED_LIMIT + 1)]
    property_codec.write(target, prop("p0", "again", version=2))
    property_codec.remove(target, "p1")
    assert names_of(target)[:2] == ["p0", "p2"]
    assert property_codec.read(target, "p0") == prop("p0", "again", version=2)
    assert property_codec.read(target, "p1") is None


def test_removing_the_last_property_leaves_none() -> None:
    target = device()
    property_codec.write(target, prop("only", 1))
    property_codec.write(target, prop("other", 2))
    property_codec.remove(target, "only")
    assert names_of(target) == ["other"]
    property_codec.remove(target, "other")
    assert list(property_codec.read_all(target)) == []
    assert property_codec.read(target, "other") is None


def test_a_time_before_the_device_was_created_reads_back_exactly() -> None:
    """The clock can be set back: the time's distance from creation is then negative."""
    target = device()
    early = prop("early", True, seconds=-86_400.000_001)
    property_codec.write(target, early)
    assert property_codec.read(target, "early") == early


def test_values_beyond_msgpack_read_back_exactly_both_ways_of_keeping() -> None:
    huge = {"big": 2**70, "negative": -(2**65), "nested": [2**64], "max": 2**64 - 1}
    shared, many = device(), device()
    property_codec.write(shared, prop("huge", huge))
    for index in range(SHARED_LIMIT + 1):
        property_codec.write(many, prop(f"p{index}", index))
    property_codec.write(many, prop("huge", huge))
    for target in (shared, many):
        read = property_codec.read(target, "huge")
        assert read is not None
        assert read.value == huge
