"""Shared helpers of the simulation tests: operations to hand a fleet, journal reading."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub
from nexigon_fake.clock import format_timestamp

REBOOT = {"kind": "DeviceCommand", "command": "reboot", "input": None}


def start_operation(hub: Hub, device_id: str, steps: list[dict[str, Any]] | None = None) -> str:
    created = hub.invoke(
        "devices_CreateOperation",
        {"deviceId": device_id, "name": "test", "steps": steps or [REBOOT]},
    )
    operation_id: str = created["deviceOperationId"]
    hub.invoke("devices_StartOperation", {"deviceOperationId": operation_id})
    return operation_id


def operation(hub: Hub, operation_id: str) -> dict[str, Any]:
    return hub.invoke("devices_GetOperation", {"deviceOperationId": operation_id})


def agent_calls(hub: Hub, device_id: str) -> list[tuple[str, str]]:
    """(time, action) of every journaled call the device's agent made, and of its cluster
    node registering its connections, in order."""
    found = []
    for entry in hub.journal:
        by_device = getattr(entry.actor, "device_id", None) == device_id
        registered = (
            entry.action == "devices_RegisterConnection" and entry.input["deviceId"] == device_id
        )
        if by_device or registered:
            found.append((format_timestamp(entry.time)[11:19], entry.action))
    return found


def property_names(hub: Hub, device_id: str) -> list[str]:
    """The names of the device's SetProperty calls, in order."""
    return [
        entry.input["name"]
        for entry in hub.journal.calls("devices_SetProperty")
        if entry.input["deviceId"] == device_id
    ]


def end_lease(hub: Hub, operation_id: str) -> None:
    """The step's lease ends now while the step still runs, as across a fleet pause (C11):
    outside pauses a command lease always outlives the step's deadline."""
    with hub.lock:
        record = hub.store.operations.operations[operation_id]
        record.lease_expires_at = hub.clock.now()
        hub.store.work_claimable(record.device_id, hub.clock.now())
    hub.drive()
