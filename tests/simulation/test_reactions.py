"""Reactions: a watched property written by the hub makes the device report another."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

OTA: dict[str, Any] = {
    "reactions": [
        {
            "watch": "dev.nexigon.ota.config",
            "update": "dev.nexigon.ota.status",
            "delaySecs": 300,
            "mutations": [
                {
                    "mutation": "Set",
                    "path": ["currentVersion"],
                    "expr": {
                        "kind": "Get",
                        "expr": {"kind": "NamedValue", "name": "dev.nexigon.ota.config"},
                        "path": ["version"],
                    },
                },
                {
                    "mutation": "Set",
                    "path": ["state"],
                    "expr": {"kind": "Literal", "value": "completed"},
                },
            ],
        }
    ]
}


def get(hub: Hub, device_id: str, name: str) -> Any:
    return hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": name}).get("value")


def set_config(hub: Hub, device_id: str, version: str) -> None:
    hub.invoke(
        "devices_SetProperty",
        {"deviceId": device_id, "name": "dev.nexigon.ota.config", "value": {"version": version}},
    )


def test_a_watched_write_is_answered_after_the_delay() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=OTA, journaled=True).devices[0]
    set_config(hub, device.device_id, "2.0")
    hub.clock.advance(299)
    assert get(hub, device.device_id, "dev.nexigon.ota.status") is None
    hub.clock.advance(1)
    status = get(hub, device.device_id, "dev.nexigon.ota.status")
    assert status == {"currentVersion": "2.0", "state": "completed"}
    written = [
        entry
        for entry in hub.journal.calls("devices_SetProperty")
        if entry.input["name"] == "dev.nexigon.ota.status"
    ]
    assert [entry.actor.device_id for entry in written] == [device.device_id]  # type: ignore[union-attr]
    assert device.fleet.counters.reactions == 1


def test_each_write_is_answered_and_unwatched_writes_are_not() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=OTA).devices[0]
    set_config(hub, device.device_id, "2.0")
    hub.clock.advance(600)
    hub.invoke("devices_SetProperty", {"deviceId": device.device_id, "name": "other", "value": 1})
    set_config(hub, device.device_id, "3.0")
    hub.clock.advance(600)
    assert get(hub, device.device_id, "dev.nexigon.ota.status")["currentVersion"] == "3.0"
    assert device.fleet.counters.reactions == 2


def test_a_write_while_offline_is_answered_after_reconnecting() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=OTA).devices[0]
    device.go_offline(for_secs=3600)
    set_config(hub, device.device_id, "2.0")
    hub.clock.advance(1800)
    assert get(hub, device.device_id, "dev.nexigon.ota.status") is None
    hub.clock.advance(1800 + 300)
    assert get(hub, device.device_id, "dev.nexigon.ota.status")["currentVersion"] == "2.0"


def test_a_silent_device_never_answers() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=OTA).devices[0]
    device.never_report()
    set_config(hub, device.device_id, "2.0")
    hub.clock.advance(3600)
    assert get(hub, device.device_id, "dev.nexigon.ota.status") is None


def test_a_literal_answer_and_an_answer_that_cannot_be_computed() -> None:
    hub = Hub()
    profile = {
        "reactions": [
            {"watch": "a", "update": "a.ack", "delaySecs": 0, "value": "seen"},
            {
                "watch": "b",
                "update": "b.ack",
                "delaySecs": 0,
                "mutations": [
                    {"mutation": "Set", "path": [], "expr": {"kind": "NamedValue", "name": "nope"}}
                ],
            },
        ]
    }
    device = hub.simulate(count=1, profile=profile).devices[0]
    for name in ("a", "b"):
        hub.invoke("devices_SetProperty", {"deviceId": device.device_id, "name": name, "value": 1})
    assert get(hub, device.device_id, "a.ack") == "seen"  # delay 0: answered after the call
    assert get(hub, device.device_id, "b.ack") is None


def test_an_operation_write_is_seen_as_well() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=OTA).devices[0]
    steps = [
        {
            "kind": "SetDeviceProperty",
            "name": "dev.nexigon.ota.config",
            "value": {"version": "2.0"},
        },
        {
            "kind": "WaitForDeviceProperty",
            "predicate": {
                "kind": "Equals",
                "left": {
                    "kind": "Get",
                    "expr": {"kind": "NamedValue", "name": "dev.nexigon.ota.status"},
                    "path": ["currentVersion"],
                },
                "right": {"kind": "Literal", "value": "2.0"},
            },
            "timeoutSecs": 600,
        },
    ]
    created = hub.invoke(
        "devices_CreateOperation", {"deviceId": device.device_id, "name": "ota", "steps": steps}
    )
    target = {"deviceOperationId": created["deviceOperationId"]}
    hub.invoke("devices_StartOperation", target)
    hub.clock.advance(300)
    assert hub.invoke("devices_GetOperation", target)["summary"]["status"] == "Succeeded"
