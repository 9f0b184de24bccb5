"""Builders for the device-operation tests: steps, operations, claims and reports."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

from .helpers import fingerprint, make_device, make_project, make_token


def literal(value: Any) -> dict[str, Any]:
    return {"kind": "Literal", "value": value}


def named(name: str) -> dict[str, Any]:
    return {"kind": "NamedValue", "name": name}


def equals(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Equals", "left": left, "right": right}


def set_step(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {"kind": "SetDeviceProperty", "name": name, "value": value, **extra}


def update_step(name: str, mutation: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"kind": "UpdateDeviceProperty", "name": name, "mutation": mutation, **extra}


def remove_step(name: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "RemoveDeviceProperty", "name": name, **extra}


def command_step(command: str = "restart", input: Any = None, **extra: Any) -> dict[str, Any]:
    return {"kind": "DeviceCommand", "command": command, "input": input, **extra}


def task_step(task: str = "download", input: Any = None, **extra: Any) -> dict[str, Any]:
    return {"kind": "DeviceTask", "task": task, "input": input, **extra}


def wait_step(predicate: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"kind": "WaitForDeviceProperty", "predicate": predicate, **extra}


def wait_for(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    """A wait until property ``name`` equals ``value``."""
    return wait_step(equals(named(name), literal(value)), **extra)


def setup(hub: Hub) -> tuple[str, str]:
    project = make_project(hub)
    return project, make_device(hub, project)


def create(hub: Hub, device_id: str, steps: list[dict[str, Any]], **extra: Any) -> str:
    payload = {"deviceId": device_id, "name": "op", "steps": steps, **extra}
    return hub.invoke("devices_CreateOperation", payload)["deviceOperationId"]


def start(hub: Hub, operation_id: str, token: str | None = None, **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_StartOperation", {"deviceOperationId": operation_id}, token, **kw)


def cancel(hub: Hub, operation_id: str, token: str | None = None, **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_CancelOperation", {"deviceOperationId": operation_id}, token, **kw)


def started(hub: Hub, device_id: str, steps: list[dict[str, Any]]) -> str:
    operation_id = create(hub, device_id, steps)
    start(hub, operation_id)
    return operation_id


def get(hub: Hub, operation_id: str, token: str | None = None, **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_GetOperation", {"deviceOperationId": operation_id}, token, **kw)


def summary(hub: Hub, operation_id: str) -> dict[str, Any]:
    found = get(hub, operation_id)
    assert found["result"] == "Found", found
    return found["summary"]


def states(hub: Hub, operation_id: str) -> list[dict[str, Any]]:
    return get(hub, operation_id)["stepStates"]


Creds = dict[str, str] | None  # {"token": …, "device_fingerprint": …}: act as a device


def _as(creds: Creds) -> dict[str, Any]:
    return {} if creds is None else dict(creds)


def claim(hub: Hub, device_id: str, creds: Creds = None, **extra: Any) -> list[dict[str, Any]]:
    payload = {"deviceId": device_id, **extra}
    return hub.invoke("devices_ClaimOperationWork", payload, **_as(creds))["work"]


def report(
    hub: Hub,
    device_id: str,
    item: dict[str, Any],
    status: str = "Succeeded",
    creds: Creds = None,
    **fields: Any,
) -> dict[str, Any]:
    payload = {
        "deviceId": device_id,
        "deviceOperationId": item["deviceOperationId"],
        "stepIndex": item["stepIndex"],
        "claimId": item["claimId"],
        "report": {"status": status, **fields},
    }
    return hub.invoke("devices_ReportOperationStep", payload, **_as(creds))


def device_session(hub: Hub, project_id: str) -> tuple[str, dict[str, str]]:
    """A device admitted through a deployment token: (device id, its credentials)."""
    _, secret = make_token(hub, project_id)
    fp = fingerprint()
    actor = hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp)["actor"]
    return actor["deviceId"], {"token": secret, "device_fingerprint": fp}


def property_value(hub: Hub, device_id: str, name: str) -> dict[str, Any]:
    return hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": name})
