"""Stages, guards and gates (D36, §III.7.5): exact pass tests, floored percentages, empty
stages, property and time gates with their summaries (C51), auto-advance (C46) and advance."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

from .fleet_operation_helpers import (
    advance,
    command_step,
    expected_bucket,
    flag_is,
    fleet,
    guard,
    not_before,
    property_gate,
    stage,
    started,
    summary,
    targets,
)
from .helpers import set_property
from .operation_helpers import claim, literal, named, report


def finish(hub: Hub, device: str, status: str = "Succeeded") -> None:
    (item,) = claim(hub, device)
    extra: dict[str, Any] = {"error": "boom"} if status == "Failed" else {}
    report(hub, device, item, status, **extra)


def two_stages(hub: Hub, count: int, first: dict[str, Any]) -> tuple[str, list[str]]:
    project, devices = fleet(hub, count)
    fleet_id = started(hub, project, stages=[first, stage("rest")], steps=[command_step()])
    return fleet_id, devices


def test_guard_blocked_reports_counts_and_echoes_only_set_bounds(hub: Hub) -> None:
    fleet_id, devices = two_stages(hub, 6, stage("a", guard=guard(minSuccessPercent=50)))
    finish(hub, devices[0])
    finish(hub, devices[1], "Failed")
    assert advance(hub, fleet_id) == {
        "result": "GuardBlocked",
        "minSuccessPercent": 50,
        "successPercent": 16,  # floor(100/6)
        "failurePercent": 16,
        "gates": [],
    }
    finish(hub, devices[2])
    finish(hub, devices[3])
    assert advance(hub, fleet_id) == {"result": "Advanced"}  # 3·100 ≥ 50·6 exactly
    assert summary(hub, fleet_id)["activeStageIndex"] == 1


def test_the_pass_tests_are_exact(hub: Hub) -> None:
    fleet_id, devices = two_stages(
        hub, 3, stage("a", guard=guard(maxFailurePercent=33, minSuccessPercent=0))
    )
    finish(hub, devices[0], "Failed")  # 1·100 ≤ 33·3 is false although floor(100/3) = 33
    blocked = advance(hub, fleet_id)
    assert blocked["result"] == "GuardBlocked"
    assert blocked["failurePercent"] == 33
    assert blocked["maxFailurePercent"] == 33


def test_cancelled_and_timed_out_targets(hub: Hub) -> None:
    fleet_id, devices = two_stages(hub, 2, stage("a", guard=guard(maxFailurePercent=0)))
    (item,) = claim(hub, devices[0])
    operation = item["deviceOperationId"]
    hub.invoke("devices_CancelOperation", {"deviceOperationId": operation})  # allowed (D24)
    assert advance(hub, fleet_id)["result"] == "Advanced"  # cancelled is not a failure
    progress = summary(hub, fleet_id)["progress"]
    assert (progress["cancelled"], progress["running"]) == (1, 1)
    hub.clock.advance(3600)
    assert summary(hub, fleet_id)["progress"]["timedOut"] == 1
    assert summary(hub, fleet_id)["status"] == "Failed"
    assert devices


def test_an_empty_stage_passes_vacuously(hub: Hub) -> None:
    project, devices = fleet(hub, 10)
    gate = property_gate(flag_is("h", True), 100)
    stages = [
        stage("none", percentage=1, guard=guard([gate], minSuccessPercent=100)),
        stage("rest"),
    ]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    assert not [d for d in devices if expected_bucket(fleet_id, d) < 1]  # stage 0 is empty
    assert advance(hub, fleet_id) == {"result": "Advanced"}


def test_an_empty_stage_status(hub: Hub) -> None:
    project, _ = fleet(hub, 10)
    gate = property_gate(flag_is("h", True), 100)
    stages = [
        stage("none", percentage=1, guard=guard([gate, not_before("2030-01-01T00:00:00Z")])),
        stage("rest"),
    ]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    assert {t["stageIndex"] for t in targets(hub, fleet_id)} == {1}
    assert advance(hub, fleet_id) == {
        "result": "GuardBlocked",
        "successPercent": 100,
        "failurePercent": 0,
        "gates": [
            {
                "gateIndex": 0,
                "passed": True,
                "summary": "0 of 0 targets match (100%, 100% required)",
                "actualPercent": 100,
                "thresholdPercent": 100,
                "evaluationErrorCount": 0,
            },
            {
                "gateIndex": 1,
                "passed": False,
                "summary": "Not before 2030-01-01T00:00:00Z",
                "actualPercent": 0,
                "thresholdPercent": 100,
                "evaluationErrorCount": 0,
            },
        ],
    }


def test_property_gates_count_matches_missing_and_errors(hub: Hub) -> None:
    project, devices = fleet(hub, 5)
    health = {"kind": "Get", "expr": named("health"), "path": ["status"]}
    gate = property_gate({"kind": "Equals", "left": health, "right": literal("ok")}, 40)
    numeric = property_gate({"kind": "LessThan", "left": named("load"), "right": literal(5)}, 0)
    fleet_id = started(
        hub,
        project,
        stages=[stage("a", guard=guard([gate, numeric])), stage("b")],
        steps=[command_step()],
    )
    set_property(hub, devices[0], "health", {"status": "ok"})
    set_property(hub, devices[1], "health", {"status": "bad"})
    set_property(hub, devices[2], "health", "flat")  # the path does not apply: missing
    for device, load in zip(devices, [1, "high", True, 9], strict=False):
        set_property(hub, device, "load", load)
    blocked = advance(hub, fleet_id)
    first, second = blocked["gates"]
    assert first == {
        "gateIndex": 0,
        "passed": False,
        "summary": "1 of 5 targets match (20%, 40% required)",
        "actualPercent": 20,
        "thresholdPercent": 40,
        "evaluationErrorCount": 0,
    }
    assert second["passed"] is False  # threshold 0, but errors block the gate
    assert second["evaluationErrorCount"] == 2
    assert second["summary"] == "1 of 5 targets match (20%, 0% required); 2 evaluation errors"
    assert second["evaluationError"] == (
        "`LessThan` expects two numbers or two strings, got string and number."
    )
    set_property(hub, devices[1], "health", {"status": "ok"})
    set_property(hub, devices[1], "load", 2)
    set_property(hub, devices[2], "load", 3)
    assert advance(hub, fleet_id) == {"result": "Advanced"}  # two of five match: 40 %


def test_one_evaluation_error_is_singular(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    gate = property_gate({"kind": "Not", "expr": named("x")}, 0)
    fleet_id = started(
        hub, project, stages=[stage("a", guard=guard([gate])), stage("b")], steps=[command_step()]
    )
    set_property(hub, devices[0], "x", 1)
    (status,) = advance(hub, fleet_id)["gates"]
    assert status["summary"] == "0 of 1 targets match (0%, 0% required); 1 evaluation error"


def test_auto_advance_waits_for_the_guard(hub: Hub) -> None:
    project, devices = fleet(hub, 20)
    stages = [
        stage("canary", percentage=20, autoAdvance=True, guard=guard(minSuccessPercent=100)),
        stage("rest"),
    ]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    canaries = [t["deviceId"] for t in targets(hub, fleet_id) if t["stageIndex"] == 0]
    assert canaries
    for device in canaries[:-1]:
        finish(hub, device)
        assert summary(hub, fleet_id)["activeStageIndex"] == 0
    finish(hub, canaries[-1])
    assert summary(hub, fleet_id)["activeStageIndex"] == 1  # within the reporting call
    statuses = {t["status"] for t in targets(hub, fleet_id) if t["stageIndex"] == 1}
    assert statuses == {"Running"}
    assert devices


def test_guardless_auto_advancing_stages_all_activate_at_start(hub: Hub) -> None:
    project, _ = fleet(hub, 30)
    stages = [
        stage("a", percentage=10, autoAdvance=True),
        stage("b", percentage=40, autoAdvance=True),
        stage("c", guard=guard(minSuccessPercent=100)),
    ]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    assert summary(hub, fleet_id)["activeStageIndex"] == 2  # C46
    assert {t["status"] for t in targets(hub, fleet_id)} == {"Running"}


def test_a_not_before_gate_auto_advances_on_time(hub: Hub) -> None:
    project, _ = fleet(hub, 3)
    stages = [
        stage("a", autoAdvance=True, guard=guard([not_before("2026-05-04T08:00:00Z")])),
        stage("b"),
    ]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    hub.clock.advance(3599)
    assert summary(hub, fleet_id)["activeStageIndex"] == 0
    hub.clock.advance(1)  # due means now ≥ notBefore
    assert summary(hub, fleet_id)["activeStageIndex"] == 1


def test_a_property_gate_auto_advances_when_a_property_changes(hub: Hub) -> None:
    project, devices = fleet(hub, 2)
    gate = property_gate(flag_is("healthy", True), 100)
    stages = [stage("a", autoAdvance=True, guard=guard([gate])), stage("b")]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    set_property(hub, devices[0], "healthy", True)
    assert summary(hub, fleet_id)["activeStageIndex"] == 0
    set_property(hub, devices[1], "healthy", True)
    assert summary(hub, fleet_id)["activeStageIndex"] == 1


def test_convergence_waits_for_every_stage(hub: Hub) -> None:
    fleet_id, devices = two_stages(hub, 4, stage("a", percentage=50))
    for target in targets(hub, fleet_id):
        if target["stageIndex"] == 0:
            finish(hub, target["deviceId"])
    assert summary(hub, fleet_id)["status"] == "Running"  # stage b is still Pending
    advance(hub, fleet_id)
    for target in targets(hub, fleet_id):
        if target["stageIndex"] == 1:
            finish(hub, target["deviceId"], "Failed")
    done = summary(hub, fleet_id)
    assert done["progress"]["failed"] == len([t for t in targets(hub, fleet_id) if t["stageIndex"]])
    assert done["progress"]["failed"] > 0
    assert (done["status"], done["completedAt"]) == ("Failed", "2026-05-04T07:00:00Z")
    assert devices
