"""Builders for the fleet-operation tests: fleets of devices, definitions, calls."""

from __future__ import annotations

import hashlib
from typing import Any

from nexigon_fake import Hub

from .helpers import make_device, make_project
from .operation_helpers import command_step, equals, literal, named, set_step

__all__ = ["command_step", "equals", "literal", "named", "set_step"]


def expected_bucket(fleet_operation_id: str, device_id: str) -> int:
    """D35 computed independently: first 8 bytes of SHA-256, big-endian, mod 100."""
    digest = hashlib.sha256(f"{fleet_operation_id}:{device_id}".encode()).digest()
    value = 0
    for byte in digest[:8]:
        value = value * 256 + byte
    return value % 100


def fleet(hub: Hub, count: int) -> tuple[str, list[str]]:
    """A project with ``count`` devices, in creation order."""
    project = make_project(hub)
    return project, [make_device(hub, project) for _ in range(count)]


def stage(name: str = "all", **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra}


def guard(gates: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"gates": gates or [], **extra}


def property_gate(predicate: dict[str, Any], min_match: int) -> dict[str, Any]:
    return {"kind": "DeviceProperty", "predicate": predicate, "minMatchPercent": min_match}


def not_before(at: str) -> dict[str, Any]:
    return {"kind": "NotBefore", "notBefore": at}


def definition(project: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "projectId": project,
        "name": "rollout",
        "selector": {"predicates": []},
        "stages": [stage()],
        "steps": [set_step("app.target", "1.4.0")],
    }
    body.update(extra)
    return body


def create(hub: Hub, project: str, token: str | None = None, **extra: Any) -> str:
    output = hub.invoke("fleet_CreateOperation", definition(project, **extra), token)
    return output["fleetOperationId"]


def call(hub: Hub, action: str, fleet_id: str, token: str | None = None) -> dict[str, Any]:
    return hub.invoke(f"fleet_{action}", {"fleetOperationId": fleet_id}, token)


def start(hub: Hub, fleet_id: str, token: str | None = None) -> dict[str, Any]:
    return call(hub, "StartOperation", fleet_id, token)


def started(hub: Hub, project: str, **extra: Any) -> str:
    fleet_id = create(hub, project, **extra)
    start(hub, fleet_id)
    return fleet_id


def summary(hub: Hub, fleet_id: str) -> dict[str, Any]:
    found = call(hub, "GetOperation", fleet_id)
    assert found["result"] == "Found"
    return found["summary"]


def targets(hub: Hub, fleet_id: str) -> list[dict[str, Any]]:
    return call(hub, "QueryOperationTargets", fleet_id)["targets"]


def errors(hub: Hub, fleet_id: str) -> list[dict[str, Any]]:
    return call(hub, "QueryOperationSelectionErrors", fleet_id)["errors"]


def advance(hub: Hub, fleet_id: str) -> dict[str, Any]:
    return call(hub, "AdvanceOperationStage", fleet_id)


def flag_is(name: str, value: Any) -> dict[str, Any]:
    return equals(named(name), literal(value))
