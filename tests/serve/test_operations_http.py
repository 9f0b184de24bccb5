"""Device operations over HTTP: the wire shapes of Appendix C, errors as ActionErrors, and a
clock moved through the control plane driving deadlines (D19)."""

from __future__ import annotations

import httpx
import pytest

from nexigon_fake import Hub
from tests.serve.http_helpers import (
    ID_PATTERNS,
    TIMESTAMP,
    assert_action_error,
    call,
    make_device,
    ok,
)

pytestmark = pytest.mark.asyncio

STEPS = [
    {
        "kind": "UpdateDeviceProperty",
        "name": "com.example.app.config",
        "protected": True,
        "mutation": {
            "mutation": "MergePatch",
            "path": [],
            "expr": {"kind": "Literal", "value": {"logLevel": "debug"}},
        },
    },
    {"kind": "DeviceCommand", "command": "restart-app", "input": {"unit": "a"}, "timeoutSecs": 120},
    {
        "kind": "WaitForDeviceProperty",
        "timeoutSecs": 600,
        "predicate": {
            "kind": "Equals",
            "left": {"kind": "NamedValue", "name": "health"},
            "right": {"kind": "Literal", "value": "healthy"},
        },
    },
]


async def test_an_operation_end_to_end(client: httpx.AsyncClient, hub: Hub) -> None:
    fixture = await make_device(client, hub.default_organization_id)
    device = fixture.device_id
    created = await ok(
        client, "devices_CreateOperation", {"deviceId": device, "name": "Rotate", "steps": STEPS}
    )
    operation = created["deviceOperationId"]
    assert set(created) == {"deviceOperationId"}
    assert operation.startswith("d_op_") and len(operation) == 27
    assert await ok(client, "devices_StartOperation", {"deviceOperationId": operation}) == {}
    found = await ok(client, "devices_GetOperation", {"deviceOperationId": operation})
    assert found["result"] == "Found"
    assert list(found) == ["result", "summary", "steps", "stepStates"]
    assert found["steps"] == STEPS
    summary = found["summary"]
    assert ID_PATTERNS["project"].match(summary["projectId"])
    assert (summary["status"], summary["stepIndex"], summary["stepCount"]) == ("Running", 1, 3)
    for key in ("createdAt", "startedAt", "updatedAt"):
        assert TIMESTAMP.match(summary[key])
    work = await ok(
        client,
        "devices_ClaimOperationWork",
        {"deviceId": device, "limit": 1, "kinds": ["DeviceCommand"]},
    )
    (item,) = work["work"]
    assert list(item) == ["deviceOperationId", "claimId", "operationName", "stepIndex", "step"]
    assert item["step"] == STEPS[1]
    report = {
        "deviceId": device,
        "deviceOperationId": operation,
        "stepIndex": 1,
        "claimId": item["claimId"],
        "report": {"status": "Succeeded", "output": {"restarted": True}},
    }
    assert await ok(client, "devices_ReportOperationStep", report) == {}
    await ok(
        client,
        "devices_SetProperty",
        {"deviceId": device, "name": "health", "value": "healthy"},
    )
    found = await ok(client, "devices_GetOperation", {"deviceOperationId": operation})
    assert found["summary"]["status"] == "Succeeded"
    assert [s["status"] for s in found["stepStates"]] == ["Succeeded"] * 3
    assert found["stepStates"][1]["output"] == {"restarted": True}
    prop = await ok(
        client, "devices_GetProperty", {"deviceId": device, "name": "com.example.app.config"}
    )
    assert (prop["value"], prop["protected"]) == ({"logLevel": "debug"}, True)
    listed = await ok(client, "devices_QueryOperations", {"deviceId": device})
    assert listed == {"operations": [found["summary"]]}


async def test_errors_are_action_errors(client: httpx.AsyncClient, hub: Hub) -> None:
    fixture = await make_device(client, hub.default_organization_id)
    unknown = "d_op_" + "1" * 22
    response = await call(client, "devices_StartOperation", {"deviceOperationId": unknown})
    assert_action_error(response, 404, "Forbidden", f"Device operation {unknown} does not exist")
    response = await call(client, "devices_GetOperation", {"deviceOperationId": unknown})
    assert response.json() == {"result": "NotFound"}
    response = await call(
        client,
        "devices_CreateOperation",
        {"deviceId": fixture.device_id, "name": "x", "steps": [{"kind": "DeviceTask"}]},
    )
    assert_action_error(response, 400, "Invalid")
    response = await call(
        client, "devices_ClaimOperationWork", {"deviceId": fixture.device_id, "limit": 21}
    )
    assert_action_error(response, 400, "Invalid", "Claim limit must be between 1 and 20.")
    body = (
        b'{"deviceId": "%s", "name": "x", "steps": '
        b'[{"kind": "DeviceCommand", "command": "c", "input": 1, "timeoutSecs": 0}]}'
    )
    response = await call(
        client, "devices_CreateOperation", content=body % fixture.device_id.encode()
    )
    assert_action_error(
        response, 400, "Invalid", "Command timeout must be between 1 second and 1 day."
    )


async def test_the_control_plane_clock_drives_deadlines(
    client: httpx.AsyncClient, hub: Hub
) -> None:
    fixture = await make_device(client, hub.default_organization_id)
    step = {"kind": "DeviceCommand", "command": "c", "input": None, "timeoutSecs": 30}
    operation = (
        await ok(
            client,
            "devices_CreateOperation",
            {"deviceId": fixture.device_id, "name": "x", "steps": [step]},
        )
    )["deviceOperationId"]
    await ok(client, "devices_StartOperation", {"deviceOperationId": operation})
    response = await client.post("/_fake/clock", json={"advanceSecs": 30})
    assert response.status_code == 200, response.text
    with hub.lock:
        record = hub.store.operations.operations[operation]
        assert record.status == "TimedOut"  # driven by the move itself, before any call
    found = await ok(client, "devices_GetOperation", {"deviceOperationId": operation})
    assert found["summary"]["lastError"] == "Step timed out after 30s."
