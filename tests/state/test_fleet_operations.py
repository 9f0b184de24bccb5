"""Fleet operations: create, start, pause, cancel and advance as transitions (D37), their
shapes (D45), validation (D17), permissions (D18, C47), audit (D40, C25, C48) and ordering."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import ActionError

from .fleet_operation_helpers import (
    advance,
    call,
    command_step,
    create,
    definition,
    fleet,
    guard,
    not_before,
    property_gate,
    stage,
    start,
    started,
    summary,
    targets,
)
from .helpers import invoke_anonymous, make_device, make_project, project_audit, raises
from .operation_helpers import literal, named, set_step


def test_create_is_a_draft_without_targets(hub: Hub) -> None:
    project, _ = fleet(hub, 3)
    fleet_id = create(hub, project, description="d")
    found = call(hub, "GetOperation", fleet_id)
    assert found["result"] == "Found"
    assert found["summary"] == {
        "fleetOperationId": fleet_id,
        "projectId": project,
        "name": "rollout",
        "description": "d",
        "status": "Draft",
        "closeWhenConverged": True,
        "activeStageIndex": 0,
        "stageCount": 1,
        "progress": dict.fromkeys(
            ("total", "pending", "running", "succeeded", "failed", "timedOut", "cancelled"), 0
        ),
        "createdAt": "2026-05-04T07:00:00Z",
    }
    assert found["selector"] == {"predicates": []}
    assert found["stages"] == [{"name": "all"}]
    assert found["steps"] == [{"kind": "SetDeviceProperty", "name": "app.target", "value": "1.4.0"}]
    assert targets(hub, fleet_id) == []


def test_definitions_are_echoed_as_stored(hub: Hub) -> None:
    project, devices = fleet(hub, 2)
    gate = property_gate({"kind": "Equals", "left": named("h"), "right": literal(1)}, 90)
    stages = [
        stage("canary", percentage=10, autoAdvance=False, guard=guard([gate], maxFailurePercent=5)),
        stage("rest", guard=guard([not_before("2026-08-16T08:00:00+02:00")])),
    ]
    selector = {"deviceIds": [devices[1], devices[0], devices[1]], "predicates": []}
    fleet_id = create(hub, project, stages=stages, selector=selector, enrollmentIntervalSecs=5)
    found = call(hub, "GetOperation", fleet_id)
    assert found["selector"] == {"deviceIds": [devices[1], devices[0]], "predicates": []}  # C50
    assert found["stages"][0] == stages[0]
    assert found["stages"][1]["guard"]["gates"] == [
        {"kind": "NotBefore", "notBefore": "2026-08-16T06:00:00Z"}
    ]
    assert found["summary"]["enrollmentIntervalSecs"] == 5  # as requested, not clamped (D45)


def test_close_when_converged_is_effective(hub: Hub) -> None:
    project = make_project(hub)
    dynamic = create(hub, project, enrollmentIntervalSecs=60, closeWhenConverged=False)
    snapshot = create(hub, project, closeWhenConverged=True)
    assert summary(hub, dynamic)["closeWhenConverged"] is False
    assert summary(hub, snapshot)["closeWhenConverged"] is True


def test_start_enrols_runs_and_completes(hub: Hub) -> None:
    project, devices = fleet(hub, 4)
    fleet_id = started(hub, project)
    found = summary(hub, fleet_id)
    assert found["status"] == "Completed"
    assert found["startedAt"] == found["completedAt"] == found["lastEnrollmentAt"]
    assert found["progress"]["total"] == found["progress"]["succeeded"] == 4
    assert [t["deviceId"] for t in targets(hub, fleet_id)] == devices
    value = hub.invoke("devices_GetProperty", {"deviceId": devices[0], "name": "app.target"})
    assert value["value"] == "1.4.0"


def test_start_twice_is_a_no_op_and_terminal_start_is_invalid(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = create(hub, project, steps=[command_step()])
    start(hub, fleet_id)
    before = hub.snapshot_json()
    assert start(hub, fleet_id) == {}
    assert hub.snapshot_json() == before
    call(hub, "CancelOperation", fleet_id)
    error = raises("Invalid", 400, start, hub, fleet_id)
    assert error.message == f"Fleet operation {fleet_id} is Cancelled and cannot be started."


def test_pause_rules(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = create(hub, project, steps=[command_step()])
    error = raises("Invalid", 400, call, hub, "PauseOperation", fleet_id)
    assert error.message == "Only running fleet operations can be paused."
    start(hub, fleet_id)
    call(hub, "PauseOperation", fleet_id)
    assert summary(hub, fleet_id)["status"] == "Paused"
    before = hub.snapshot_json()
    assert call(hub, "PauseOperation", fleet_id) == {}
    assert hub.snapshot_json() == before


def test_cancel_rules(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    draft = create(hub, project)
    call(hub, "CancelOperation", draft)
    assert summary(hub, draft)["status"] == "Cancelled"
    assert summary(hub, draft)["completedAt"] == "2026-05-04T07:00:00Z"
    before = hub.snapshot_json()
    assert call(hub, "CancelOperation", draft) == {}
    assert hub.snapshot_json() == before
    done = started(hub, project)
    error = raises("Invalid", 400, call, hub, "CancelOperation", done)
    assert error.message == f"Fleet operation {done} is already Completed."


def test_advance_only_when_running(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = create(hub, project, stages=[stage("a"), stage("b")])
    error = raises("Invalid", 400, advance, hub, fleet_id)
    assert error.message == "Only running fleet operations can advance."


def test_advance_on_the_final_stage(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = started(hub, project, steps=[command_step()])
    assert advance(hub, fleet_id) == {"result": "AlreadyFinalStage"}


def test_query_operations_newest_first(hub: Hub) -> None:
    project = make_project(hub)
    first = create(hub, project)
    second = create(hub, project)
    hub.clock.advance(5)
    third = create(hub, project)
    listed = hub.invoke("fleet_QueryOperations", {"projectId": project})["operations"]
    assert [o["fleetOperationId"] for o in listed] == [third, second, first]
    other = make_project(hub, "other")
    assert hub.invoke("fleet_QueryOperations", {"projectId": other}) == {"operations": []}


def test_unknown_fleet_operation(hub: Hub) -> None:
    missing = "flt_op_" + "1" * 22
    assert call(hub, "GetOperation", missing) == {"result": "NotFound"}
    for action in ("StartOperation", "PauseOperation", "CancelOperation", "AdvanceOperationStage"):
        error = raises("Forbidden", 404, call, hub, action, missing)
        assert error.message == f"Fleet operation {missing} does not exist or is not accessible."


# Validation (D17, §III.10)

LONG = "x" * 129


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Fleet operation name must be between 1 and 128 characters."),
        ({"name": LONG}, "Fleet operation name must be between 1 and 128 characters."),
        ({"description": "x" * 4097}, "Fleet operation description must be at most 4096"),
        ({"enrollmentIntervalSecs": 0}, "Enrollment interval must be at least one second."),
        ({"stages": []}, "A fleet operation needs at least one stage."),
        ({"steps": []}, "An operation needs at least one step."),
        ({"stages": [{"name": ""}]}, "Stage name must be between 1 and 128 characters."),
        ({"stages": [stage(percentage=0)]}, "Stage percentage must be between 1 and 100."),
        ({"stages": [stage(percentage=101)]}, "Stage percentage must be between 1 and 100."),
        (
            {"stages": [stage(guard=guard(minSuccessPercent=101))]},
            "Success percentage must be between 0 and 100.",
        ),
        (
            {"stages": [stage(guard=guard(maxFailurePercent=101))]},
            "Failure percentage must be between 0 and 100.",
        ),
        (
            {"stages": [stage(guard=guard([property_gate(literal(True), 101)]))]},
            "Match percentage must be between 0 and 100.",
        ),
        ({"closeWhenConverged": False}, "closeWhenConverged can only be false when"),
        (
            {"selector": {"predicates": [{"kind": "And", "exprs": []}]}},
            "`And` needs at least one operand.",
        ),
        (
            {"stages": [stage(guard=guard([property_gate({"kind": "Or", "exprs": []}, 5)]))]},
            "`Or` needs at least one operand.",
        ),
        (
            {"steps": [set_step("a", 1, when={"kind": "And", "exprs": []})]},
            "`And` needs at least one operand.",
        ),
        (
            {
                "selector": {
                    "predicates": [
                        {"kind": "VersionRequirement", "expr": literal("1"), "requirement": ">="}
                    ]
                }
            },
            "Version requirement is not valid:",
        ),
        ({"stages": [stage(guard=guard([not_before("tomorrow")]))]}, "RFC 3339"),
        ({"selector": {"predicates": [{"kind": "Nope"}]}}, "Nope"),
    ],
)
def test_create_rules(hub: Hub, change: dict[str, Any], message: str) -> None:
    project = make_project(hub)
    before = hub.snapshot_json()
    with pytest.raises(ActionError) as info:
        hub.invoke("fleet_CreateOperation", definition(project, **change))
    assert (info.value.kind, info.value.status) == ("Invalid", 400)
    assert message in info.value.message
    assert hub.snapshot_json() == before


def test_rule_paths_are_named(hub: Hub) -> None:
    project = make_project(hub)
    stages = [stage(), stage(guard=guard([property_gate({"kind": "And", "exprs": []}, 5)]))]
    error = raises(
        "Invalid", 400, hub.invoke, "fleet_CreateOperation", definition(project, stages=stages)
    )
    assert "$.stages[1].guard.gates[0].predicate.exprs" in error.message


def test_device_ids_must_be_devices_of_the_project(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    other = make_project(hub, "other")
    stranger = make_device(hub, other)
    selector = {"deviceIds": [devices[0], stranger], "predicates": []}
    error = raises(
        "Invalid", 400, hub.invoke, "fleet_CreateOperation", definition(project, selector=selector)
    )
    assert f"Device {stranger} is not a device of project {project}." in error.message


def test_device_ids_rule_comes_after_access(hub: Hub) -> None:
    project = make_project(hub)
    _, token = hub.create_user("outsider@example.com")
    selector = {"deviceIds": ["d_" + "1" * 22], "predicates": []}
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "fleet_CreateOperation",
        definition(project, selector=selector),
        token,
    )


def test_definition_rules_come_before_access(hub: Hub) -> None:
    project = make_project(hub)
    _, token = hub.create_user("outsider@example.com")
    body = definition(project, closeWhenConverged=False)
    raises("Invalid", 400, hub.invoke, "fleet_CreateOperation", body, token)


# Permissions (D18, C47)


def test_a_member_and_an_api_token_have_project_access(hub: Hub) -> None:
    project, _ = fleet(hub, 2)
    _, member = hub.create_user("m@example.com", organization_id=hub.default_organization_id)
    api = hub.create_organization_api_token(hub.default_organization_id)
    for token in (member, api):
        fleet_id = create(hub, project, token, steps=[command_step()])
        start(hub, fleet_id, token)
        assert call(hub, "GetOperation", fleet_id, token)["result"] == "Found"
        assert len(call(hub, "QueryOperationTargets", fleet_id, token)["targets"]) == 2
        assert call(hub, "QueryOperationSelectionErrors", fleet_id, token) == {"errors": []}
        assert call(hub, "AdvanceOperationStage", fleet_id, token)["result"] == "AlreadyFinalStage"
        call(hub, "PauseOperation", fleet_id, token)
        call(hub, "CancelOperation", fleet_id, token)
        listed = hub.invoke("fleet_QueryOperations", {"projectId": project}, token)
        assert fleet_id in [o["fleetOperationId"] for o in listed["operations"]]


def test_an_outsider_sees_nothing(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = create(hub, project)
    _, token = hub.create_user("outsider@example.com")
    assert call(hub, "GetOperation", fleet_id, token) == {"result": "NotFound"}
    for action in ("StartOperation", "PauseOperation", "CancelOperation", "QueryOperationTargets"):
        raises("Forbidden", 404, call, hub, action, fleet_id, token)
    raises("Forbidden", 404, hub.invoke, "fleet_QueryOperations", {"projectId": project}, token)
    raises("Forbidden", 404, create, hub, project, token)
    assert summary(hub, fleet_id)["status"] == "Draft"


def test_devices_are_forbidden(hub: Hub) -> None:
    project = make_project(hub)
    fleet_id = create(hub, project)
    token = hub.invoke("projects_CreateDeploymentToken", {"projectId": project, "name": "t"})
    device = hub.as_device(token["token"], "d_sk_" + "2" * 44)
    error = raises("Forbidden", 403, device.fleet.get_operation, fleet_operation_id=fleet_id)
    assert "may not" in error.message
    raises("Forbidden", 403, device.fleet.start_operation, fleet_operation_id=fleet_id)
    raises("Forbidden", 403, device.fleet.query_operations, project_id=project)


@pytest.mark.parametrize(
    "action",
    [
        "fleet_GetOperation",
        "fleet_StartOperation",
        "fleet_PauseOperation",
        "fleet_CancelOperation",
        "fleet_AdvanceOperationStage",
        "fleet_QueryOperationTargets",
        "fleet_QueryOperationSelectionErrors",
    ],
)
def test_anonymous_callers_get_401(hub: Hub, action: str) -> None:
    project = make_project(hub)
    fleet_id = create(hub, project)
    raises("Forbidden", 401, invoke_anonymous, hub, action, {"fleetOperationId": fleet_id})


def test_anonymous_create_and_query_get_401(hub: Hub) -> None:
    project = make_project(hub)
    raises("Forbidden", 401, invoke_anonymous, hub, "fleet_CreateOperation", definition(project))
    raises("Forbidden", 401, invoke_anonymous, hub, "fleet_QueryOperations", {"projectId": project})


# Audit (D40, C25, C48)


def test_user_calls_are_audited_driver_changes_are_not(hub: Hub) -> None:
    project, _ = fleet(hub, 3)
    gate = guard(minSuccessPercent=0)
    stages = [stage("a", guard=gate), stage("b", autoAdvance=True), stage("c")]
    fleet_id = create(hub, project, stages=stages, steps=[command_step()])
    start(hub, fleet_id)
    call(hub, "PauseOperation", fleet_id)
    start(hub, fleet_id)
    assert advance(hub, fleet_id) == {"result": "Advanced"}
    before = len(project_audit(hub, project))
    assert summary(hub, fleet_id)["activeStageIndex"] == 2  # b auto-advanced: not audited
    assert call(hub, "PauseOperation", fleet_id) == {}
    assert call(hub, "PauseOperation", fleet_id) == {}  # a no-op: not audited
    call(hub, "CancelOperation", fleet_id)
    events = project_audit(hub, project)
    assert len(events) == before + 2
    fleet_events = [e for e in events if e["event"].startswith("fleet_")]
    names = [e["event"] for e in reversed(fleet_events)]
    assert names == [
        "fleet_OperationCreated",
        "fleet_OperationStarted",
        "fleet_OperationPaused",
        "fleet_OperationStarted",
        "fleet_OperationStageAdvanced",
        "fleet_OperationPaused",
        "fleet_OperationCancelled",
    ]
    advanced = next(e for e in fleet_events if e["event"] == "fleet_OperationStageAdvanced")
    assert advanced["data"] == {"projectId": project, "fleetOperationId": fleet_id, "stageIndex": 1}
    created = fleet_events[-1]
    assert created["data"] == {"projectId": project, "fleetOperationId": fleet_id}
    assert not [e for e in events if e["event"].startswith("devices_Operation")]
