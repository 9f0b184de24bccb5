"""Property versions are ``u64`` (C6): the whole range on the wire, in state and in storage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.state.storage import property_codec
from nexigon_fake.wire.common import U64_MAX
from nexigon_fake.wire.devices import SetDevicePropertyVersionConflict

from .helpers import make_device, make_project, raises


def set_property(hub: Hub, device: str, **fields: Any) -> dict[str, Any]:
    return hub.invoke("devices_SetProperty", {"deviceId": device, "name": "n", **fields})


def get_property(hub: Hub, device: str) -> dict[str, Any]:
    return hub.invoke("devices_GetProperty", {"deviceId": device, "name": "n"})


def at_version(version: int) -> tuple[Hub, str]:
    """A hub whose device has property ``n`` at ``version`` (only a snapshot gets there)."""
    hub = Hub(seed=0)
    device = make_device(hub, make_project(hub))
    set_property(hub, device, value="v")
    data = hub.snapshot()
    data["devices"][0]["properties"]["n"]["version"] = version
    hub.restore(data)
    return hub, device


def test_expected_version_takes_the_largest_u64(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    assert set_property(hub, device, value=1, expectedVersion=U64_MAX) == {"result": "Deleted"}
    set_property(hub, device, value=1)
    assert set_property(hub, device, value=2, expectedVersion=U64_MAX) == {
        "result": "VersionConflict",
        "currentVersion": 1,
    }


@pytest.mark.parametrize("value", [U64_MAX + 1, -1, 1.0, True, "1", 2**63 + 0.5])
def test_expected_version_outside_u64_is_invalid_and_changes_nothing(hub: Hub, value: Any) -> None:
    device = make_device(hub, make_project(hub))
    set_property(hub, device, value=1)
    before = hub.snapshot_json()
    error = raises("Invalid", 400, set_property, hub, device, value=2, expectedVersion=value)
    assert "`$.expectedVersion`" in error.message
    assert hub.snapshot_json() == before


def test_a_property_at_the_largest_version_reads_and_compares() -> None:
    hub, device = at_version(U64_MAX)
    assert get_property(hub, device)["version"] == U64_MAX
    listed = hub.invoke("devices_QueryProperties", {"deviceId": device})["properties"]
    assert listed["n"]["version"] == U64_MAX
    conflict = hub.devices.set_property(
        device_id=device, name="n", value="w", expected_version=U64_MAX - 1
    )
    assert conflict == SetDevicePropertyVersionConflict(current_version=U64_MAX)


@pytest.mark.parametrize("expected", [None, U64_MAX])
def test_a_property_at_the_largest_version_cannot_be_set_again(expected: int | None) -> None:
    """Nothing follows 2^64-1 in a u64: a clear Invalid, not an overflow (fake's choice)."""
    hub, device = at_version(U64_MAX)
    before = hub.snapshot_json()
    fields: dict[str, Any] = {"value": "w"}
    if expected is not None:
        fields["expectedVersion"] = expected
    error = raises("Invalid", 400, set_property, hub, device, **fields)
    assert f"highest version ({U64_MAX})" in error.message
    assert hub.snapshot_json() == before
    hub.invoke("devices_RemoveProperty", {"deviceId": device, "name": "n"})
    assert set_property(hub, device, value="again") == {"result": "Set"}
    assert get_property(hub, device)["version"] == 1


def test_one_below_the_largest_version_reaches_it() -> None:
    hub, device = at_version(U64_MAX - 1)
    assert set_property(hub, device, value="w", expectedVersion=U64_MAX - 1) == {"result": "Set"}
    assert get_property(hub, device)["version"] == U64_MAX
    restored = Hub(seed=5)
    restored.restore(hub.snapshot_json())
    assert get_property(restored, device)["version"] == U64_MAX


@pytest.mark.parametrize("version", [U64_MAX + 1, 0, -1])
def test_a_snapshot_with_a_version_outside_u64_is_refused(hub: Hub, version: int) -> None:
    device = make_device(hub, make_project(hub))
    set_property(hub, device, value="v")
    data = hub.snapshot()
    data["devices"][0]["properties"]["n"]["version"] = version
    before = hub.snapshot_json()
    raises("Invalid", 400, hub.restore, data)
    assert hub.snapshot_json() == before


class _Owner:
    """A minimal property owner for the storage layer."""

    def __init__(self) -> None:
        self.created_at = dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC)
        self.properties: property_codec.StoredProperties = b""


@pytest.mark.parametrize("count", [1, property_codec.SHARED_LIMIT + 1])  # both layouts
def test_storage_rows_round_trip_the_largest_u64(count: int) -> None:
    owner = _Owner()
    for index in range(count):
        property_codec.write(
            owner,
            property_codec.Property(
                name=f"p{index}",
                value={"n": U64_MAX},
                protected=False,
                version=U64_MAX - index,
                last_updated=owner.created_at,
            ),
        )
    read = {p.name: p for p in property_codec.read_all(owner)}
    assert [read[f"p{i}"].version for i in range(count)] == [U64_MAX - i for i in range(count)]
    assert read["p0"].value == {"n": U64_MAX}
