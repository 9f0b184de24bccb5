"""Fixture operations (``devices[].operations``): created, started and cancelled on the
loader's timeline, so each ends in the status its steps and times give it."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

COMMAND = {"kind": "DeviceCommand", "command": "reboot", "input": None, "timeoutSecs": 60}
SET = {"kind": "SetDeviceProperty", "name": "app.mode", "value": "on"}
BROKEN = {
    "kind": "UpdateDeviceProperty",
    "name": "app.mode",
    "mutation": {"mutation": "Set", "path": [0], "expr": {"kind": "Literal", "value": 1}},
}


def _fixture(operations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "nexigon-fake-fixture/1",
        "projects": [
            {"key": "p", "name": "P", "devices": [{"key": "d", "operations": operations}]}
        ],
    }


def test_fixture_operations_end_in_the_status_their_steps_and_times_give() -> None:
    hub = Hub()
    operations: list[dict[str, Any]] = [
        {"key": "pending", "name": "not started", "steps": [SET]},
        {
            "key": "running",
            "name": "waits for the device",
            "steps": [COMMAND],
            "startedSecsAgo": 30,
        },
        {"key": "succeeded", "name": "hub-side", "steps": [SET], "startedSecsAgo": 600},
        {"key": "failed", "name": "bad mutation", "steps": [SET, BROKEN], "startedSecsAgo": 500},
        {"key": "timed-out", "name": "old command", "steps": [COMMAND], "startedSecsAgo": 7200},
        {"key": "cancelled", "name": "cancelled", "steps": [COMMAND], "cancelled": True},
    ]
    loaded = hub.load_fixture(_fixture(operations))
    statuses = {
        key: hub.invoke("devices_GetOperation", {"deviceOperationId": operation_id})["summary"][
            "status"
        ]
        for key, operation_id in loaded.operations.items()
    }
    assert statuses == {
        "pending": "Pending",
        "running": "Running",
        "succeeded": "Succeeded",
        "failed": "Failed",
        "timed-out": "TimedOut",
        "cancelled": "Cancelled",
    }
    summary = hub.invoke(
        "devices_GetOperation", {"deviceOperationId": loaded.operations["timed-out"]}
    )["summary"]
    assert summary["lastError"] == "Step timed out after 60s."


def test_a_fixture_operation_with_a_bad_step_names_its_path() -> None:
    hub = Hub()
    bad = [{"key": "x", "name": "x", "steps": [{"kind": "DeviceCommand", "command": ""}]}]
    try:
        hub.load_fixture(_fixture(bad))
    except Exception as error:
        assert "$.projects[0].devices[0].operations[0].steps[0]" in str(error)
    else:
        raise AssertionError("a bad step was loaded")
