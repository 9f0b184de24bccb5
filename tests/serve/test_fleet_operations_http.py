"""Fleet operations over HTTP: the shapes of Appendix C, 400s that name the field and leave the
hub unchanged, never a 5xx, and the control-plane clock driving gates and enrolment (D19)."""

from __future__ import annotations

import hashlib
from typing import Any

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

HEALTH = {"kind": "Get", "expr": {"kind": "NamedValue", "name": "health"}, "path": ["status"]}
GATE = {
    "kind": "DeviceProperty",
    "minMatchPercent": 90,
    "predicate": {"kind": "Equals", "right": {"kind": "Literal", "value": "ok"}, "left": HEALTH},
}
STAGES: list[dict[str, Any]] = [
    {
        "name": "canary",
        "percentage": 1,
        "autoAdvance": True,
        "guard": {
            "minSuccessPercent": 90,
            "maxFailurePercent": 5,
            "gates": [GATE, {"kind": "NotBefore", "notBefore": "2026-05-04T09:00:00Z"}],
        },
    },
    {"name": "everyone"},
]
STEPS = [{"kind": "SetDeviceProperty", "name": "app.target", "value": "1.4.0"}]


def definition(project_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "projectId": project_id,
        "name": "App 1.4 rollout",
        "selector": {"predicates": []},
        "stages": STAGES,
        "steps": STEPS,
        **extra,
    }


async def test_a_rollout_end_to_end(client: httpx.AsyncClient, hub: Hub) -> None:
    fixture = await make_device(client, hub.default_organization_id)
    created = await ok(client, "fleet_CreateOperation", definition(fixture.project_id))
    fleet_id = created["fleetOperationId"]
    assert set(created) == {"fleetOperationId"}
    assert fleet_id.startswith("flt_op_") and len(fleet_id) == 29
    by_id = {"fleetOperationId": fleet_id}
    digest = hashlib.sha256(f"{fleet_id}:{fixture.device_id}".encode()).digest()
    assert int.from_bytes(digest[:8], "big") % 100 >= 1  # the device is not a canary
    assert await ok(client, "fleet_StartOperation", by_id) == {}
    pending = (await ok(client, "fleet_QueryOperationTargets", by_id))["targets"]
    assert [(t["stageIndex"], t["status"]) for t in pending] == [(1, "Pending")]
    blocked = await ok(client, "fleet_AdvanceOperationStage", by_id)
    assert blocked == {
        "result": "GuardBlocked",
        "minSuccessPercent": 90,
        "successPercent": 100,
        "maxFailurePercent": 5,
        "failurePercent": 0,
        "gates": [
            {
                "gateIndex": 0,
                "passed": True,
                "summary": "0 of 0 targets match (100%, 90% required)",
                "actualPercent": 100,
                "thresholdPercent": 90,
                "evaluationErrorCount": 0,
            },
            {
                "gateIndex": 1,
                "passed": False,
                "summary": "Not before 2026-05-04T09:00:00Z",
                "actualPercent": 0,
                "thresholdPercent": 100,
                "evaluationErrorCount": 0,
            },
        ],
    }
    response = await client.post("/_fake/clock", json={"advanceSecs": 7200})
    assert response.status_code == 200, response.text
    found = await ok(client, "fleet_GetOperation", by_id)
    assert list(found) == ["result", "summary", "selector", "stages", "steps"]
    assert (found["stages"], found["steps"]) == (STAGES, STEPS)
    summary = found["summary"]
    assert (summary["status"], summary["activeStageIndex"]) == ("Completed", 1)
    assert ID_PATTERNS["project"].match(summary["projectId"])
    for key in ("createdAt", "startedAt", "completedAt", "lastEnrollmentAt"):
        assert TIMESTAMP.match(summary[key])
    (target,) = (await ok(client, "fleet_QueryOperationTargets", by_id))["targets"]
    assert list(target) == [
        "deviceId",
        "deviceOperationId",
        "stageIndex",
        "stepIndex",
        "status",
        "updatedAt",
        "stepStates",
    ]
    assert (target["deviceId"], target["status"]) == (fixture.device_id, "Succeeded")
    listed = await ok(client, "fleet_QueryOperations", {"projectId": fixture.project_id})
    assert listed == {"operations": [summary]}
    assert await ok(client, "fleet_QueryOperationSelectionErrors", by_id) == {"errors": []}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "$.name", "Fleet operation name must be between 1 and 128 characters."),
        ({"stages": []}, "$.stages", "A fleet operation needs at least one stage."),
        ({"steps": []}, "$.steps", "An operation needs at least one step."),
        (
            {"stages": [{"name": "a", "percentage": 0}]},
            "$.stages[0].percentage",
            "Stage percentage must be between 1 and 100.",
        ),
        (
            {"stages": [{"name": "a", "guard": {"gates": [{**GATE, "minMatchPercent": 101}]}}]},
            "$.stages[0].guard.gates[0].minMatchPercent",
            "Match percentage must be between 0 and 100.",
        ),
        (
            {"enrollmentIntervalSecs": 0},
            "$.enrollmentIntervalSecs",
            "Enrollment interval must be at least one second.",
        ),
        (
            {"enrollmentIntervalSecs": 2**32},
            "$.enrollmentIntervalSecs",
            "Enrollment interval must be at least one second.",
        ),
        (
            {"closeWhenConverged": False},
            "$.closeWhenConverged",
            "closeWhenConverged can only be false when enrollmentIntervalSecs is set.",
        ),
        (
            {"selector": {"predicates": [{"kind": "Or", "exprs": []}]}},
            "$.selector.predicates[0].exprs",
            "`Or` needs at least one operand.",
        ),
        ({"selector": {"deviceIds": ["d_nope"], "predicates": []}}, "$.selector.deviceIds[0]", ""),
        ({"selector": {}}, "predicates", ""),
        ({"stages": [{"name": "a", "guard": {}}]}, "gates", ""),
        (
            {"stages": [{"name": "a", "guard": {"gates": [{"kind": "NotBefore"}]}}]},
            "notBefore",
            "",
        ),
    ],
)
async def test_bad_definitions_are_400s_naming_the_field(
    client: httpx.AsyncClient, hub: Hub, change: dict[str, Any], field: str, message: str
) -> None:
    fixture = await make_device(client, hub.default_organization_id)
    before = hub.snapshot_json()
    response = await call(client, "fleet_CreateOperation", definition(fixture.project_id, **change))
    text = assert_action_error(response, 400, "Invalid", message)
    assert field in text
    assert hub.snapshot_json() == before


@pytest.mark.parametrize(
    "action",
    [
        "fleet_GetOperation",
        "fleet_StartOperation",
        "fleet_AdvanceOperationStage",
        "fleet_QueryOperationTargets",
        "fleet_QueryOperationSelectionErrors",
        "fleet_PauseOperation",
        "fleet_CancelOperation",
    ],
)
async def test_malformed_and_unknown_ids(client: httpx.AsyncClient, action: str) -> None:
    response = await call(client, action, {"fleetOperationId": "d_op_" + "1" * 22})
    assert_action_error(response, 400, "Invalid", "fleet operation ID")
    response = await call(client, action, {})
    assert_action_error(response, 400, "Invalid", "fleetOperationId")
    unknown = "flt_op_" + "1" * 22
    response = await call(client, action, {"fleetOperationId": unknown})
    if action == "fleet_GetOperation":
        assert response.json() == {"result": "NotFound"}
    else:
        assert_action_error(response, 404, "Forbidden", f"Fleet operation {unknown} does not")


async def test_state_errors_and_anonymous_calls(client: httpx.AsyncClient, hub: Hub) -> None:
    fixture = await make_device(client, hub.default_organization_id)
    created = await ok(client, "fleet_CreateOperation", definition(fixture.project_id))
    by_id = {"fleetOperationId": created["fleetOperationId"]}
    response = await call(client, "fleet_PauseOperation", by_id)
    assert_action_error(response, 400, "Invalid", "Only running fleet operations can be paused.")
    response = await call(client, "fleet_AdvanceOperationStage", by_id)
    assert_action_error(response, 400, "Invalid", "Only running fleet operations can advance.")
    anonymous = await client.post(
        "/api/v1/actions/invoke/fleet_GetOperation",
        json=by_id,
        headers={"Authorization": ""},
    )
    assert anonymous.status_code in (400, 401), anonymous.text
    assert anonymous.status_code < 500
