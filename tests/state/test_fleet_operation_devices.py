"""Materialized device operations (D38, §III.7.6): started by their stage, frozen while the
fleet is paused (C9-C11), cancelled with it, mirrored in the targets; cascades (D41, C43,
C53) and snapshots."""

from __future__ import annotations

from nexigon_fake import Hub

from .fleet_operation_helpers import (
    call,
    command_step,
    create,
    errors,
    flag_is,
    fleet,
    stage,
    start,
    started,
    summary,
    targets,
)
from .helpers import make_project, raises, set_property
from .operation_helpers import claim, get, report, set_step, wait_step


def pause(hub: Hub, fleet_id: str) -> None:
    call(hub, "PauseOperation", fleet_id)


def test_targets_mirror_their_device_operations(hub: Hub) -> None:
    project, devices = fleet(hub, 2)
    fleet_id = started(hub, project, steps=[set_step("a", 1), command_step()])
    (item,) = claim(hub, devices[0])
    report(hub, devices[0], item, "Failed", error="disk full")
    for target in targets(hub, fleet_id):
        found = get(hub, target["deviceOperationId"])
        assert found["summary"]["fleetOperationId"] == fleet_id
        assert found["summary"]["deviceId"] == target["deviceId"]
        for key in ("stepIndex", "status", "updatedAt"):
            assert target[key] == found["summary"][key]
        assert target.get("lastError") == found["summary"].get("lastError")
        assert target["stepStates"] == found["stepStates"]
    first = targets(hub, fleet_id)[0]
    assert (first["status"], first["lastError"], first["stepIndex"]) == ("Failed", "disk full", 1)


def test_a_fleet_owned_operation_is_started_by_its_fleet_only(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = started(hub, project, stages=[stage("a"), stage("b")], steps=[command_step()])
    operation = targets(hub, fleet_id)[0]["deviceOperationId"]
    error = raises(
        "Invalid", 400, hub.invoke, "devices_StartOperation", {"deviceOperationId": operation}
    )
    assert error.message == (
        f"Device operation {operation} belongs to fleet operation {fleet_id} and is started by it."
    )


def test_a_pause_freezes_work_and_deadlines(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    fleet_id = started(hub, project, steps=[command_step(timeoutSecs=600)])
    pause(hub, fleet_id)
    assert claim(hub, devices[0]) == []
    hub.clock.advance(86_400)
    (target,) = targets(hub, fleet_id)
    assert target["status"] == "Running"
    start(hub, fleet_id)  # resume: a fresh full deadline (C10)
    hub.clock.advance(599)
    assert targets(hub, fleet_id)[0]["status"] == "Running"
    assert targets(hub, fleet_id)[0]["stepStates"][0]["startedAt"] == "2026-05-04T07:00:00Z"
    hub.clock.advance(1)
    (timed_out,) = targets(hub, fleet_id)
    assert (timed_out["status"], timed_out["lastError"]) == (
        "TimedOut",
        "Step timed out after 600s.",
    )
    assert summary(hub, fleet_id)["status"] == "Failed"


def test_a_report_during_a_pause_is_recorded_and_applied_on_resume(hub: Hub) -> None:
    project, devices = fleet(hub, 2)
    fleet_id = started(hub, project, steps=[command_step(), set_step("done", True)])
    ok_item = claim(hub, devices[0])[0]
    bad_item = claim(hub, devices[1])[0]
    pause(hub, fleet_id)
    report(hub, devices[0], ok_item, "Succeeded", output={"x": 1})
    report(hub, devices[1], bad_item, "Failed", error="nope")
    paused = {t["deviceId"]: t for t in targets(hub, fleet_id)}
    ok, bad = paused[devices[0]], paused[devices[1]]
    assert (ok["status"], ok["stepIndex"], len(ok["stepStates"])) == ("Running", 0, 1)
    assert ok["stepStates"][0]["status"] == "Succeeded"
    assert ok["stepStates"][0]["output"] == {"x": 1}
    assert (bad["status"], "lastError" in bad) == ("Running", False)  # C9
    assert bad["stepStates"][0]["error"] == "nope"
    hub.clock.advance(10)
    start(hub, fleet_id)
    resumed = {t["deviceId"]: t for t in targets(hub, fleet_id)}
    assert resumed[devices[0]]["status"] == "Succeeded"
    assert resumed[devices[1]]["status"] == "Failed"
    assert resumed[devices[1]]["lastError"] == "nope"
    assert resumed[devices[1]]["updatedAt"] == "2026-05-04T07:00:10Z"
    assert summary(hub, fleet_id)["status"] == "Failed"


def test_waits_are_not_evaluated_while_paused(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    fleet_id = started(hub, project, steps=[wait_step(flag_is("ready", True))])
    pause(hub, fleet_id)
    set_property(hub, devices[0], "ready", True)
    assert targets(hub, fleet_id)[0]["status"] == "Running"
    start(hub, fleet_id)
    assert targets(hub, fleet_id)[0]["status"] == "Succeeded"


def test_leases_run_on_during_a_pause(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    fleet_id = started(hub, project, steps=[command_step(timeoutSecs=10)])
    first = claim(hub, devices[0])[0]
    pause(hub, fleet_id)
    hub.clock.advance(70)  # the 70-second lease ends during the pause (C11)
    start(hub, fleet_id)
    second = claim(hub, devices[0])[0]
    assert second["claimId"] != first["claimId"]


def test_cancel_cancels_running_and_pending_targets(hub: Hub) -> None:
    project, devices = fleet(hub, 6)
    stages = [stage("a", percentage=50), stage("b")]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    running = [t for t in targets(hub, fleet_id) if t["stageIndex"] == 0]
    item = claim(hub, running[0]["deviceId"])[0]
    pause(hub, fleet_id)
    call(hub, "CancelOperation", fleet_id)
    done = summary(hub, fleet_id)
    assert done["status"] == "Cancelled"
    assert done["progress"]["cancelled"] == done["progress"]["total"] == 6
    cancelled = targets(hub, fleet_id)
    assert {t["status"] for t in cancelled} == {"Cancelled"}
    in_flight = cancelled[0]["stepStates"][0]
    assert (in_flight["status"], in_flight["error"]) == ("Failed", "Operation was cancelled.")
    assert next(t["stepStates"] for t in cancelled if t["stageIndex"] == 1) == []
    report(hub, running[0]["deviceId"], item, "Succeeded")  # fenced: ignored
    assert targets(hub, fleet_id)[0]["status"] == "Cancelled"
    assert devices


def test_deleting_a_device_shrinks_the_targets_and_may_converge(hub: Hub) -> None:
    project, devices = fleet(hub, 2)
    fleet_id = started(hub, project, steps=[command_step()])
    report(hub, devices[0], claim(hub, devices[0])[0], "Succeeded")
    assert summary(hub, fleet_id)["status"] == "Running"
    hub.invoke("devices_Delete", {"deviceId": devices[1]})
    done = summary(hub, fleet_id)
    assert done["progress"]["total"] == 1
    assert done["status"] == "Completed"
    assert [t["deviceId"] for t in targets(hub, fleet_id)] == [devices[0]]
    hub.invoke("devices_Delete", {"deviceId": devices[0]})  # finished fleets shrink too (C43)
    assert summary(hub, fleet_id)["progress"]["total"] == 0


def test_deleting_a_device_removes_its_selection_error(hub: Hub) -> None:
    project, devices = fleet(hub, 2)
    fleet_id = started(
        hub,
        project,
        enrollmentIntervalSecs=60,
        closeWhenConverged=False,
        selector={"predicates": [flag_is("x", 1)]},
    )
    assert len(errors(hub, fleet_id)) == 2
    hub.invoke("devices_Delete", {"deviceId": devices[0]})
    assert [e["deviceId"] for e in errors(hub, fleet_id)] == [devices[1]]  # C53


def test_deleting_the_project_deletes_its_fleet_operations(hub: Hub) -> None:
    project, _ = fleet(hub, 2)
    dynamic = started(hub, project, enrollmentIntervalSecs=60, closeWhenConverged=False)
    other = make_project(hub, "other")
    kept = create(hub, other)
    hub.invoke("projects_Delete", {"projectId": project})
    assert call(hub, "GetOperation", dynamic) == {"result": "NotFound"}
    assert hub.store.fleet_operations.fleets.keys() == {kept}
    assert dynamic not in hub.store.operations.timers
    hub.clock.advance(600)  # its dead timer is dropped without effect
    assert summary(hub, kept)["status"] == "Draft"


def scenario(hub: Hub) -> str:
    project, _ = fleet(hub, 12)
    stages = [stage("a", percentage=30, autoAdvance=True), stage("b")]
    fleet_id = started(
        hub,
        project,
        enrollmentIntervalSecs=120,
        closeWhenConverged=False,
        stages=stages,
        steps=[command_step(timeoutSecs=900)],
    )
    pause(hub, fleet_id)
    return fleet_id


def test_a_snapshot_restores_a_paused_rollout_exactly(hub: Hub) -> None:
    fleet_id = scenario(hub)
    data = hub.snapshot_json()
    restored = Hub()
    restored.restore(data)
    assert restored.snapshot_json() == data
    for each in (hub, restored):
        start(each, fleet_id)
        each.clock.advance(900)
    assert restored.snapshot_json() == hub.snapshot_json()
    assert summary(restored, fleet_id)["progress"]["timedOut"] > 0
    assert summary(restored, fleet_id)["lastEnrollmentAt"] == "2026-05-04T07:15:00Z"


def test_same_seed_same_ids() -> None:
    first, second = Hub(seed=7), Hub(seed=7)
    fleet_id = scenario(first)
    assert scenario(second) == fleet_id
    assert targets(first, fleet_id) == targets(second, fleet_id)  # ids, stages, timestamps
