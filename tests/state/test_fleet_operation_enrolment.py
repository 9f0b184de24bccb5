"""Enrolment (D35, §III.7.4): the SHA-256 sample, selectors and their errors (C44, C53),
allow-lists, snapshot and dynamic enrolment on the hub clock (C49), convergence (C45)."""

from __future__ import annotations

from nexigon_fake import Hub

from .fleet_operation_helpers import (
    call,
    command_step,
    create,
    errors,
    expected_bucket,
    flag_is,
    fleet,
    stage,
    start,
    started,
    summary,
    targets,
)
from .helpers import make_device, set_property
from .operation_helpers import literal, named


def test_stages_follow_the_sha256_bucket(hub: Hub) -> None:
    project, devices = fleet(hub, 200)
    stages = [stage("canary", percentage=5), stage("half", percentage=50), stage("rest")]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    expected = {}
    for device in devices:
        sample = expected_bucket(fleet_id, device)
        expected[device] = 0 if sample < 5 else 1 if sample < 50 else 2
    got = {t["deviceId"]: t["stageIndex"] for t in targets(hub, fleet_id)}
    assert got == expected
    assert 0 < list(expected.values()).count(0) < 30  # the sample really splits the fleet


def test_a_bucket_above_every_stage_is_not_enrolled(hub: Hub) -> None:
    project, devices = fleet(hub, 60)
    stages = [stage("a", percentage=10), stage("b", percentage=30)]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    enrolled = {t["deviceId"] for t in targets(hub, fleet_id)}
    assert enrolled == {d for d in devices if expected_bucket(fleet_id, d) < 30}
    assert len(enrolled) < len(devices)


def test_targets_are_listed_by_stage_then_enrolment(hub: Hub) -> None:
    project, devices = fleet(hub, 40)
    stages = [stage("a", percentage=50), stage("b")]
    fleet_id = started(hub, project, stages=stages, steps=[command_step()])
    listed = targets(hub, fleet_id)
    order = sorted(devices, key=lambda d: 0 if expected_bucket(fleet_id, d) < 50 else 1)
    assert [t["deviceId"] for t in listed] == order
    assert {t["status"] for t in listed if t["stageIndex"] == 1} == {"Pending"}
    assert {t["status"] for t in listed if t["stageIndex"] == 0} == {"Running"}


def test_predicates_select_and_errors_are_recorded(hub: Hub) -> None:
    project, devices = fleet(hub, 4)
    set_property(hub, devices[0], "ring", "beta")
    set_property(hub, devices[1], "ring", "stable")
    set_property(hub, devices[2], "ring", 7)
    # devices[3] has no `ring`: a selection error, as is devices[2]'s non-boolean `In`
    predicates = [
        {"kind": "In", "left": named("ring"), "right": literal(["beta", 7, "x"])},
        flag_is("ring", "beta"),
    ]
    fleet_id = started(hub, project, selector={"predicates": predicates}, steps=[command_step()])
    assert [t["deviceId"] for t in targets(hub, fleet_id)] == [devices[0]]
    listed = errors(hub, fleet_id)
    assert [e["deviceId"] for e in listed] == [devices[3]]
    assert listed[0]["error"] == "Named value `ring` is missing."  # no prefix (C44)
    assert listed[0]["updatedAt"] == "2026-05-04T07:00:00Z"


def test_a_non_boolean_predicate_is_a_selection_error(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    set_property(hub, devices[0], "n", 3)
    fleet_id = started(hub, project, selector={"predicates": [named("n")]})
    assert targets(hub, fleet_id) == []
    assert errors(hub, fleet_id)[0]["error"] == "Condition must evaluate to a boolean, got number."
    assert summary(hub, fleet_id)["status"] == "Failed"  # converged with a selection error


def test_evaluation_stops_at_the_first_false(hub: Hub) -> None:
    project, _ = fleet(hub, 2)
    predicates = [literal(False), named("missing")]
    fleet_id = started(hub, project, selector={"predicates": predicates})
    assert errors(hub, fleet_id) == []
    assert summary(hub, fleet_id)["status"] == "Completed"  # zero targets converge (C45)
    assert summary(hub, fleet_id)["progress"]["total"] == 0


def test_the_allow_list_restricts_in_creation_order(hub: Hub) -> None:
    project, devices = fleet(hub, 5)
    allowed = [devices[3], devices[1], devices[4]]
    fleet_id = create(
        hub, project, selector={"deviceIds": allowed, "predicates": []}, steps=[command_step()]
    )
    hub.invoke("devices_Delete", {"deviceId": devices[4]})  # deleted later: skipped (D35)
    start(hub, fleet_id)
    assert [t["deviceId"] for t in targets(hub, fleet_id)] == [devices[1], devices[3]]


def test_snapshot_enrolment_happens_once(hub: Hub) -> None:
    project, _ = fleet(hub, 2)
    fleet_id = started(hub, project, steps=[command_step()])
    make_device(hub, project)
    hub.clock.advance(86_400)
    assert len(targets(hub, fleet_id)) == 2
    assert summary(hub, fleet_id)["lastEnrollmentAt"] == "2026-05-04T07:00:00Z"


def dynamic(hub: Hub, project: str, interval: int = 5, **extra: object) -> str:
    return started(
        hub,
        project,
        enrollmentIntervalSecs=interval,
        closeWhenConverged=False,
        steps=[command_step()],
        **extra,
    )


def test_dynamic_enrolment_is_clamped_to_the_instance_minimum(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = dynamic(hub, project, interval=5)
    late = make_device(hub, project)
    hub.clock.advance(59)
    assert len(targets(hub, fleet_id)) == 1
    hub.clock.advance(1)
    assert [t["deviceId"] for t in targets(hub, fleet_id)][-1] == late
    assert summary(hub, fleet_id)["lastEnrollmentAt"] == "2026-05-04T07:01:00Z"


def test_the_minimum_is_configurable_and_a_longer_interval_wins() -> None:
    hub = Hub(fleet_min_enrollment_interval_secs=1)
    project, _ = fleet(hub, 1)
    quick = dynamic(hub, project, interval=2)
    slow = dynamic(hub, project, interval=120)
    make_device(hub, project)
    hub.clock.advance(2)
    assert (len(targets(hub, quick)), len(targets(hub, slow))) == (2, 1)
    hub.clock.advance(118)
    assert len(targets(hub, slow)) == 2


def test_one_pass_per_drive_after_a_jump(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = dynamic(hub, project, interval=60)
    hub.clock.advance(3600)
    assert summary(hub, fleet_id)["lastEnrollmentAt"] == "2026-05-04T08:00:00Z"  # C8, C49
    hub.clock.advance(59)
    assert summary(hub, fleet_id)["lastEnrollmentAt"] == "2026-05-04T08:00:00Z"
    hub.clock.advance(1)
    assert summary(hub, fleet_id)["lastEnrollmentAt"] == "2026-05-04T08:01:00Z"


def test_a_selection_error_is_refreshed_then_cleared(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    fleet_id = dynamic(hub, project, interval=60, selector={"predicates": [flag_is("ok", True)]})
    assert errors(hub, fleet_id)[0]["updatedAt"] == "2026-05-04T07:00:00Z"
    hub.clock.advance(60)
    assert errors(hub, fleet_id)[0]["updatedAt"] == "2026-05-04T07:01:00Z"
    set_property(hub, devices[0], "ok", True)
    hub.clock.advance(60)
    assert errors(hub, fleet_id) == []
    assert [t["deviceId"] for t in targets(hub, fleet_id)] == devices


def test_no_enrolment_while_paused(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = dynamic(hub, project, interval=60)
    call(hub, "PauseOperation", fleet_id)
    make_device(hub, project)
    hub.clock.advance(600)
    assert len(targets(hub, fleet_id)) == 1
    start(hub, fleet_id)  # resume: the pass that fell due runs at the next drive
    hub.clock.advance(0)
    assert len(targets(hub, fleet_id)) == 2


def test_a_dynamic_operation_closing_when_converged(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    fleet_id = started(hub, project, enrollmentIntervalSecs=60)
    assert summary(hub, fleet_id)["status"] == "Completed"  # C45: literal convergence
    kept = dynamic(hub, project, selector={"predicates": [literal(False)]})
    hub.clock.advance(120)
    assert summary(hub, kept)["status"] == "Running"
    assert devices


def test_the_creator_owns_the_materialized_operations(hub: Hub) -> None:
    project, devices = fleet(hub, 1)
    user, token = hub.create_user("m@example.com", organization_id=hub.default_organization_id)
    fleet_id = create(hub, project, token, description="why", steps=[command_step()])
    start(hub, fleet_id)  # started by the admin: the creator still owns them
    (operation,) = hub.invoke("devices_QueryOperations", {"deviceId": devices[0]})["operations"]
    assert operation["fleetOperationId"] == fleet_id
    assert operation["createdBy"]["userId"] == user
    assert (operation["name"], operation["description"]) == ("rollout", "why")
    assert operation["status"] == "Running"
