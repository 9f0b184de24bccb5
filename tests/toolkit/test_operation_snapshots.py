"""Operations in snapshots: every state, claims and leases kept, the due queue rebuilt, and
restoring does not drive (C31); two hubs with the same seed and calls answer byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import InvalidError

STEPS: dict[str, list[dict[str, Any]]] = {
    "pending": [{"kind": "DeviceCommand", "command": "c", "input": None}],
    "command": [{"kind": "DeviceCommand", "command": "c", "input": None, "timeoutSecs": 50}],
    "task": [{"kind": "DeviceTask", "task": "t", "input": 1, "timeoutSecs": 500}],
    "wait": [
        {
            "kind": "WaitForDeviceProperty",
            "predicate": {
                "kind": "Equals",
                "left": {"kind": "NamedValue", "name": "x"},
                "right": {"kind": "Literal", "value": 1},
            },
            "timeoutSecs": 100,
        }
    ],
    "done": [{"kind": "SetDeviceProperty", "name": "a", "value": 1}],
}


def populate(hub: Hub) -> tuple[str, dict[str, str]]:
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "p"}
    )["projectId"]
    device = hub.invoke(
        "devices_Create", {"projectId": project, "fingerprint": "d_sk_" + "a" * 44}
    )["deviceId"]
    operations = {}
    for key, steps in STEPS.items():
        operations[key] = hub.invoke(
            "devices_CreateOperation", {"deviceId": device, "name": key, "steps": steps}
        )["deviceOperationId"]
        if key != "pending":
            hub.invoke("devices_StartOperation", {"deviceOperationId": operations[key]})
    hub.invoke("devices_ClaimOperationWork", {"deviceId": device, "limit": 20})
    return device, operations


def status(hub: Hub, operation: str) -> str:
    found = hub.invoke("devices_GetOperation", {"deviceOperationId": operation})
    return found["summary"]["status"]


def test_a_restored_hub_continues_exactly(hub: Hub) -> None:
    device, operations = populate(hub)
    saved = hub.snapshot_json()
    copy = Hub(seed=5)
    copy.restore(saved)
    assert copy.snapshot_json() == saved
    for target in (hub, copy):
        target.clock.advance(50)
        assert status(target, operations["command"]) == "TimedOut"
        target.invoke("devices_SetProperty", {"deviceId": device, "name": "x", "value": 1})
        assert status(target, operations["wait"]) == "Succeeded"
        # The task's lease (300 s) is kept: not claimable again before it ends.
        assert target.invoke("devices_ClaimOperationWork", {"deviceId": device})["work"] == []
        target.clock.advance(250)
        (item,) = target.invoke("devices_ClaimOperationWork", {"deviceId": device})["work"]
        assert item["deviceOperationId"] == operations["task"]
        target.clock.advance(200)
        assert status(target, operations["task"]) == "TimedOut"
    assert copy.snapshot_json() == hub.snapshot_json()


def test_restoring_does_not_drive(hub: Hub) -> None:
    _, operations = populate(hub)
    data = hub.snapshot()
    data["clock"]["now"] = "2026-05-04T08:00:00Z"  # far past every deadline
    hub.restore(data)
    record = hub.store.operations.operations[operations["command"]]
    assert record.status == "Running"
    assert status(hub, operations["command"]) == "TimedOut"  # the next call drives
    assert record.completed_at is not None and record.completed_at.hour == 8


def test_a_baseline_reset_brings_operations_back(hub: Hub) -> None:
    _, operations = populate(hub)
    hub.set_baseline()
    hub.invoke("devices_CancelOperation", {"deviceOperationId": operations["pending"]})
    hub.reset()
    assert status(hub, operations["pending"]) == "Pending"
    hub.reset()
    hub.clock.advance(50)
    assert status(hub, operations["command"]) == "TimedOut"


def test_an_operation_of_an_unknown_device_is_refused(hub: Hub) -> None:
    populate(hub)
    data = hub.snapshot()
    data["operations"][0]["device_id"] = "d_" + "1" * 22
    before = hub.snapshot_json()
    with pytest.raises(InvalidError, match="not bound to a device"):
        hub.restore(data)
    assert hub.snapshot_json() == before


def test_an_operation_with_a_bad_step_index_is_refused(hub: Hub) -> None:
    populate(hub)
    data = hub.snapshot()
    data["operations"][1]["step_index"] = 7
    with pytest.raises(InvalidError, match="step index 7"):
        hub.restore(data)


def test_options_survive_a_snapshot() -> None:
    hub = Hub(seed=1, operation_tick_secs=30, task_lease_secs=20)
    copy = Hub()
    copy.restore(hub.snapshot_json())
    assert (copy.store.options.operation_tick_secs, copy.store.options.task_lease_secs) == (30, 20)
    assert copy.config.operation_tick_secs == 30


def _session(hub: Hub) -> list[bytes]:
    answers = []
    device, operations = populate(hub)
    answers.append(json.dumps(operations).encode())
    for seconds in (10, 40, 300):
        hub.clock.advance(seconds)
        for operation in operations.values():
            answer = hub.invoke_json(
                "devices_GetOperation",
                json.dumps({"deviceOperationId": operation}).encode(),
                hub._admin_credentials,
            )
            answers.append(answer.output_json)
        claimed = hub.invoke("devices_ClaimOperationWork", {"deviceId": device, "limit": 20})
        answers.append(json.dumps(claimed).encode())
    answers.append(hub.snapshot_json())
    return answers


def test_two_hubs_with_the_same_seed_answer_byte_for_byte() -> None:
    assert _session(Hub(seed=42)) == _session(Hub(seed=42))
    assert _session(Hub(seed=42)) != _session(Hub(seed=43))
