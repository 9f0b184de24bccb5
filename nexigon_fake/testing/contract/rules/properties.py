"""Rules of device properties and events: compare-and-swap, derived status, deduplication."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.records import HEALTH_PROPERTY, SYSTEM_INFO_PROPERTY
from nexigon_fake.testing.contract.settings import DEVICE


class PropertyRules(MachineBase):
    """Set, update, remove and read properties; publish events."""

    def _property_payload(self, data: st.DataObject, action: str) -> dict[str, Any]:
        """A payload of ``action`` naming a device and a property: one it has, one the hub
        derives status or hostname from, or the strategy's fresh name."""
        payload = self._payload_for(data, action, DEVICE)
        device = self.model.devices[payload["deviceId"]]
        names = [*device.properties, HEALTH_PROPERTY, SYSTEM_INFO_PROPERTY, payload["name"]]
        payload["name"] = data.draw(st.sampled_from(names), label="property")
        return payload

    def first_property(self, data: st.DataObject) -> None:
        """A property on a device, then a stale write to it: every example meets a
        version conflict, however few property rules it runs."""
        payload = self._payload_for(data, "devices_SetProperty", DEVICE)
        payload.pop("expectedVersion", None)
        self._compare_and_swap(payload)
        self._stale_write(data, payload["deviceId"], payload["name"])

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def set_property(self, data: st.DataObject) -> None:
        """Any name: new ones, existing ones, and those the hub derives status and hostname from."""
        payload = self._property_payload(data, "devices_SetProperty")
        name = payload["name"]
        derived = {
            HEALTH_PROPERTY: st.fixed_dictionaries(
                {"status": st.sampled_from(["healthy", "degraded", "error", "unknown"])}
            ),
            SYSTEM_INFO_PROPERTY: st.fixed_dictionaries({"hostname": st.text(max_size=8)}),
        }
        if name in derived:
            payload["value"] = data.draw(derived[name] | st.just(payload["value"]), label="value")
        self._set_property(data, payload, [None, None, payload.get("expectedVersion")])

    @precondition(lambda self: any(d.properties for d in self.model.devices.values()))
    @rule(data=st.data())
    def update_property(self, data: st.DataObject) -> None:
        """An existing property, mostly compare-and-swap: right, stale and future versions."""
        holders = [d for d in self.model.devices.values() if d.properties]
        device = self.pick(data, holders, "device")
        payload = self.payload(data, "devices_SetProperty")
        payload["deviceId"] = device.device_id
        payload["name"] = self.pick(data, device.properties, "property")
        self._set_property(data, payload, [None])

    def _set_property(
        self, data: st.DataObject, payload: dict[str, Any], versions: list[Any]
    ) -> None:
        device_id, name = payload["deviceId"], payload["name"]
        current = self.model.devices[device_id].properties.get(name)
        if current is not None:
            versions = [*versions, current.version, current.version + 1, current.version - 1]
        payload["expectedVersion"] = data.draw(st.sampled_from(versions), label="expectedVersion")
        self._compare_and_swap(payload)

    def _compare_and_swap(self, payload: dict[str, Any]) -> None:
        device_id, name = payload["deviceId"], payload["name"]
        value, protected = payload["value"], payload.get("protected")
        expected_version = payload.get("expectedVersion")
        expected = self.model.set_property(device_id, name, value, protected, expected_version)
        what = f"compare-and-swap of {name} on {device_id}"
        self._call_expecting("devices_SetProperty", payload, expected, what)

    @precondition(lambda self: any(d.properties for d in self.model.devices.values()))
    @rule(data=st.data())
    def stale_compare_and_swap(self, data: st.DataObject) -> None:
        """A write that lost a race must answer ``VersionConflict`` and change nothing: a
        client that turns the conflict into success silently overwrites another writer."""
        holders = [d for d in self.model.devices.values() if d.properties]
        device = self.pick(data, holders, "device")
        self._stale_write(data, device.device_id, self.pick(data, device.properties, "property"))

    def _stale_write(self, data: st.DataObject, device_id: str, name: str) -> None:
        payload = self.payload(data, "devices_SetProperty")
        payload["deviceId"], payload["name"] = device_id, name
        current = self.model.devices[device_id].properties[name].version
        older = st.integers(0, current - 1)
        payload["expectedVersion"] = data.draw(older | st.just(current + 1), label="stale")
        self._compare_and_swap(payload)
        expected = {"result": "Found", **(self.model.property_view(device_id, name) or {})}
        read = self.model.normalize(self.call("devices_GetProperty", payload))
        self.agree(read, expected, f"{name} after a conflict")

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def remove_property(self, data: st.DataObject) -> None:
        payload = self._property_payload(data, "devices_RemoveProperty")
        device_id, name = payload["deviceId"], payload["name"]
        expected = self.model.remove_property(device_id, name)
        what = f"removing {name} from {device_id}"
        self._call_expecting("devices_RemoveProperty", payload, expected, what)
        self.version_floor.pop((device_id, name), None)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def get_property(self, data: st.DataObject) -> None:
        payload = self._property_payload(data, "devices_GetProperty")
        device_id, name = payload["deviceId"], payload["name"]
        output = self.model.normalize(self.call("devices_GetProperty", payload))
        view = self.model.property_view(device_id, name)
        expected = {"result": "NotFound"} if view is None else {"result": "Found", **view}
        self.agree(output, expected, f"property {name} of {device_id}")
        if view is not None:
            self._version_grows(device_id, name, output["version"])

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def publish_events(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_PublishEvents", DEVICE)
        device_id, events = payload["deviceId"], payload["events"]
        known = list(self.model.devices[device_id].events)
        if events and known and data.draw(st.booleans(), label="resend a known event id"):
            events[0]["eventId"] = self.pick(data, known, "event")
        if len(events) > 1 and data.draw(st.booleans(), label="repeat an id in the batch"):
            events[-1]["eventId"] = events[0]["eventId"]
        self.call_empty("devices_PublishEvents", payload)
        self.model.publish_events(device_id, events)
