"""Device operations: the lifecycle table (§III.4.5), transitions (D24), bookkeeping (D25),
hub-side steps (D26), audit (D40, C25) and cascades (D41)."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub

from .helpers import device_audit, make_device, make_project, raises, set_property
from .operation_helpers import (
    cancel,
    claim,
    command_step,
    create,
    equals,
    get,
    literal,
    named,
    property_value,
    remove_step,
    report,
    set_step,
    setup,
    start,
    started,
    states,
    summary,
    task_step,
    update_step,
    wait_for,
)

T0 = "2026-05-04T07:00:00Z"


def test_create_is_pending_with_no_step_states(hub: Hub) -> None:
    project, device = setup(hub)
    operation = create(hub, device, [command_step()], description="")
    found = get(hub, operation)
    admin = hub.invoke("actor_GetActor", {})["actor"]
    assert found == {
        "result": "Found",
        "summary": {
            "deviceOperationId": operation,
            "projectId": project,
            "deviceId": device,
            "createdBy": admin,
            "name": "op",
            "description": "",
            "status": "Pending",
            "stepIndex": 0,
            "stepCount": 1,
            "createdAt": T0,
            "updatedAt": T0,
        },
        "steps": [{"kind": "DeviceCommand", "command": "restart", "input": None}],
        "stepStates": [],
    }
    assert "fleetOperationId" not in found["summary"]


def test_steps_are_echoed_verbatim_without_defaults(hub: Hub) -> None:
    _, device = setup(hub)
    steps = [
        set_step("a", {"x": [1, None]}, protected=True, when=literal(True)),
        update_step("b", {"mutation": "Set", "path": [], "expr": literal(2)}),
        remove_step("c"),
        command_step("run", {"k": 1}, timeoutSecs=120),
        task_step("dl", None),
        wait_for("d", 1, timeoutSecs=5),
    ]
    operation = create(hub, device, steps)
    assert get(hub, operation)["steps"] == steps


def test_start_runs_hub_side_steps_inside_the_call(hub: Hub) -> None:
    _, device = setup(hub)
    hub.clock.advance(5)
    operation = started(hub, device, [set_step("a", 1), set_step("b", 2), command_step()])
    assert summary(hub, operation)["status"] == "Running"
    assert summary(hub, operation)["stepIndex"] == 2
    assert summary(hub, operation)["startedAt"] == "2026-05-04T07:00:05Z"
    assert [s["status"] for s in states(hub, operation)] == ["Succeeded", "Succeeded", "Running"]
    assert property_value(hub, device, "a")["value"] == 1
    assert property_value(hub, device, "b")["value"] == 2


def test_last_step_succeeding_ends_the_operation(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("a", 1)])
    found = summary(hub, operation)
    assert (found["status"], found["stepIndex"], found["completedAt"]) == ("Succeeded", 0, T0)
    assert states(hub, operation) == [
        {"stepIndex": 0, "status": "Succeeded", "startedAt": T0, "completedAt": T0}
    ]


def test_when_false_skips_and_the_next_step_runs(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("a", 1, when=literal(False)), set_step("b", 2)])
    assert [s["status"] for s in states(hub, operation)] == ["Skipped", "Succeeded"]
    skipped = states(hub, operation)[0]
    assert skipped["startedAt"] == skipped["completedAt"] == T0
    assert property_value(hub, device, "a") == {"result": "NotFound"}
    assert summary(hub, operation)["status"] == "Succeeded"


def test_last_step_skipped_succeeds_the_operation(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("a", 1, when=literal(False))])
    assert summary(hub, operation)["status"] == "Succeeded"


def test_when_not_boolean_fails_the_step_and_the_operation(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("a", 1, when=literal(3)), set_step("b", 2)])
    found = summary(hub, operation)
    message = "Condition failed: Condition must evaluate to a boolean, got number."
    assert (found["status"], found["lastError"], found["stepIndex"]) == ("Failed", message, 0)
    assert states(hub, operation) == [
        {"stepIndex": 0, "status": "Failed", "error": message, "startedAt": T0, "completedAt": T0}
    ]


def test_when_missing_named_value_fails_the_step(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("a", 1, when=equals(named("x"), literal(1)))])
    assert summary(hub, operation)["lastError"] == "Condition failed: Named value `x` is missing."


def test_when_reads_the_device_properties(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "mode", "on")
    operation = started(hub, device, [set_step("a", 1, when=equals(named("mode"), literal("on")))])
    assert states(hub, operation)[0]["status"] == "Succeeded"


def test_set_step_versions_and_keeps_protection(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "a", 1, protected=True)
    started(hub, device, [set_step("a", 1), set_step("new", 0)])
    found = property_value(hub, device, "a")
    assert (found["version"], found["protected"]) == (2, True)
    assert property_value(hub, device, "new")["protected"] is False


def test_set_step_sets_protection_when_told(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "a", 1, protected=True)
    started(hub, device, [set_step("a", 1, protected=False), set_step("b", 1, protected=True)])
    assert property_value(hub, device, "a")["protected"] is False
    assert property_value(hub, device, "b")["protected"] is True


def test_removed_then_set_again_starts_unprotected(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "a", 1, protected=True)
    started(hub, device, [remove_step("a"), set_step("a", 2)])
    found = property_value(hub, device, "a")
    assert (found["version"], found["protected"]) == (1, False)


def test_update_step_on_absent_property_reads_null(hub: Hub) -> None:
    _, device = setup(hub)
    mutation = {"mutation": "Set", "path": ["k"], "expr": literal(1)}
    started(hub, device, [update_step("cfg", mutation)])
    found = property_value(hub, device, "cfg")
    assert (found["value"], found["version"], found["protected"]) == ({"k": 1}, 1, False)


def test_update_step_remove_on_absent_property_creates_null(hub: Hub) -> None:
    _, device = setup(hub)
    mutation = {"mutation": "Remove", "path": ["k"]}
    started(hub, device, [update_step("cfg", mutation)])
    found = property_value(hub, device, "cfg")
    assert (found["value"], found["version"]) == (None, 1)


def test_update_step_keeps_protection_and_bumps_version(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "cfg", {"a": 1}, protected=True)
    mutation = {"mutation": "Set", "path": ["b"], "expr": literal(2)}
    started(hub, device, [update_step("cfg", mutation)])
    found = property_value(hub, device, "cfg")
    assert (found["value"], found["version"], found["protected"]) == ({"a": 1, "b": 2}, 2, True)


def test_mutation_error_fails_the_step(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "cfg", 5)
    mutation = {"mutation": "Set", "path": ["b"], "expr": literal(2)}
    operation = started(hub, device, [update_step("cfg", mutation)])
    found = summary(hub, operation)
    assert found["status"] == "Failed"
    assert found["lastError"] == "Mutation failed: Cannot address member `b` of number."
    assert property_value(hub, device, "cfg")["version"] == 1


def test_remove_absent_property_succeeds_without_event(hub: Hub) -> None:
    _, device = setup(hub)
    before = device_audit(hub, device)
    operation = create(hub, device, [remove_step("nothing")])
    start(hub, operation)
    assert summary(hub, operation)["status"] == "Succeeded"
    events = [e["event"] for e in device_audit(hub, device)[: -len(before)]]
    assert events == ["devices_OperationStarted", "devices_OperationCreated"]


def test_hub_side_writes_are_audited_as_the_creator_without_action(hub: Hub) -> None:
    project, device = setup(hub)
    user, token = hub.create_user("m@example.com", organization_id=hub.default_organization_id)
    operation = create(hub, device, [set_step("a", 1), remove_step("a")])
    start(hub, operation, token)
    events = device_audit(hub, device)
    removed, written, started_event = events[0], events[1], events[2]
    admin = hub.invoke("actor_GetActor", {})["actor"]
    for event, name in ((removed, "devices_PropertyRemoved"), (written, "devices_PropertySet")):
        assert event["event"] == name
        assert event["actor"] == admin  # the creator, not whoever started it
        assert "action" not in event
        assert event["data"] == {"projectId": project, "deviceId": device, "propertyName": "a"}
    assert started_event["event"] == "devices_OperationStarted"
    assert started_event["actor"]["userId"] == user
    assert "action" in started_event


def test_device_protection_does_not_apply_to_hub_side_steps(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "a", 1, protected=True)
    operation = started(hub, device, [remove_step("a")])
    assert summary(hub, operation)["status"] == "Succeeded"
    assert property_value(hub, device, "a") == {"result": "NotFound"}


# Transitions (D24)


def test_start_running_is_a_silent_no_op(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step()])
    before = hub.snapshot_json()
    assert start(hub, operation) == {}
    assert hub.snapshot_json() == before  # no change, no audit event (C25)


@pytest.mark.parametrize(
    ("steps", "status"),
    [
        ([set_step("a", 1)], "Succeeded"),
        ([set_step("a", 1, when=literal(1))], "Failed"),
        ([command_step(timeoutSecs=1)], "TimedOut"),
        ([command_step()], "Cancelled"),
    ],
)
def test_start_a_terminal_operation_is_invalid(
    hub: Hub, steps: list[dict[str, Any]], status: str
) -> None:
    _, device = setup(hub)
    operation = started(hub, device, steps)
    if status == "TimedOut":
        hub.clock.advance(1)
    if status == "Cancelled":
        cancel(hub, operation)
    assert summary(hub, operation)["status"] == status
    before = hub.snapshot_json()
    error = raises("Invalid", 400, start, hub, operation)
    assert error.message == f"Device operation {operation} is {status} and cannot be started."
    assert hub.snapshot_json() == before


def test_cancel_pending(hub: Hub) -> None:
    _, device = setup(hub)
    operation = create(hub, device, [command_step()])
    hub.clock.advance(2)
    assert cancel(hub, operation) == {}
    found = summary(hub, operation)
    assert (found["status"], found["completedAt"], found["updatedAt"]) == (
        "Cancelled",
        "2026-05-04T07:00:02Z",
        "2026-05-04T07:00:02Z",
    )
    assert "startedAt" not in found and "lastError" not in found
    assert states(hub, operation) == []


def test_cancel_running_fails_the_in_flight_step_and_fences_claims(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("a", 1), command_step()])
    (item,) = claim(hub, device)
    hub.clock.advance(3)
    cancel(hub, operation)
    found = summary(hub, operation)
    assert (found["status"], found["stepIndex"]) == ("Cancelled", 1)
    assert "lastError" not in found
    assert states(hub, operation)[1] == {
        "stepIndex": 1,
        "status": "Failed",
        "error": "Operation was cancelled.",
        "startedAt": T0,
        "completedAt": "2026-05-04T07:00:03Z",
    }
    assert report(hub, device, item) == {}  # fenced: ignored
    assert states(hub, operation)[1]["status"] == "Failed"
    assert claim(hub, device) == []


def test_cancel_twice_is_a_no_op_and_audited_once(hub: Hub) -> None:
    _, device = setup(hub)
    operation = create(hub, device, [command_step()])
    cancel(hub, operation)
    before = hub.snapshot_json()
    assert cancel(hub, operation) == {}
    assert hub.snapshot_json() == before
    events = [e["event"] for e in device_audit(hub, device)]
    assert events.count("devices_OperationCancelled") == 1


@pytest.mark.parametrize(
    ("steps", "status"),
    [([set_step("a", 1)], "Succeeded"), ([set_step("a", 1, when=literal(1))], "Failed")],
)
def test_cancel_finished_is_invalid(hub: Hub, steps: list[dict[str, Any]], status: str) -> None:
    _, device = setup(hub)
    operation = started(hub, device, steps)
    error = raises("Invalid", 400, cancel, hub, operation)
    assert error.message == f"Device operation {operation} is already {status}."


def test_cancel_timed_out_is_invalid(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(timeoutSecs=10)])
    hub.clock.advance(10)
    error = raises("Invalid", 400, cancel, hub, operation)
    assert error.message == f"Device operation {operation} is already TimedOut."


def test_unknown_operation_is_forbidden_404_everywhere(hub: Hub) -> None:
    _, device = setup(hub)
    unknown = "d_op_" + "1" * 22
    message = f"Device operation {unknown} does not exist or is not accessible."
    for call in (start, cancel):
        assert raises("Forbidden", 404, call, hub, unknown).message == message
    assert get(hub, unknown) == {"result": "NotFound"}
    item = {"deviceOperationId": unknown, "stepIndex": 0, "claimId": "d_op_claim_" + "1" * 22}
    assert raises("Forbidden", 404, report, hub, device, item).message == message


# Queries (D30) and bookkeeping (D25)


def test_query_is_newest_first_with_ties_newest_recorded_first(hub: Hub) -> None:
    _, device = setup(hub)
    first = create(hub, device, [command_step()])
    second = create(hub, device, [command_step()])
    hub.clock.advance(1)
    third = create(hub, device, [command_step()])
    other = make_device(hub, make_project(hub, "other"))
    create(hub, other, [command_step()])
    listed = hub.invoke("devices_QueryOperations", {"deviceId": device})["operations"]
    assert [o["deviceOperationId"] for o in listed] == [third, second, first]
    assert listed[0] == summary(hub, third)


def test_query_of_a_device_without_operations_is_empty(hub: Hub) -> None:
    _, device = setup(hub)
    assert hub.invoke("devices_QueryOperations", {"deviceId": device}) == {"operations": []}


def test_updated_at_follows_every_change(hub: Hub) -> None:
    _, device = setup(hub)
    operation = create(hub, device, [command_step(), command_step()])
    hub.clock.advance(1)
    start(hub, operation)
    assert summary(hub, operation)["updatedAt"] == "2026-05-04T07:00:01Z"
    hub.clock.advance(1)
    (item,) = claim(hub, device)
    assert summary(hub, operation)["updatedAt"] == "2026-05-04T07:00:01Z"  # claims do not
    hub.clock.advance(1)
    report(hub, device, item, "Running", output={"p": 1})
    assert summary(hub, operation)["updatedAt"] == "2026-05-04T07:00:03Z"
    hub.clock.advance(1)
    report(hub, device, item)
    found = summary(hub, operation)
    assert (found["updatedAt"], found["stepIndex"]) == ("2026-05-04T07:00:04Z", 1)
    assert states(hub, operation)[1]["startedAt"] == "2026-05-04T07:00:04Z"


# Audit (D40, C25) and cascades (D41)


def test_create_start_cancel_are_audited_with_ids(hub: Hub) -> None:
    project, device = setup(hub)
    operation = create(hub, device, [command_step()])
    start(hub, operation)
    cancel(hub, operation)
    events = device_audit(hub, device)[:3]
    assert [e["event"] for e in events] == [
        "devices_OperationCancelled",
        "devices_OperationStarted",
        "devices_OperationCreated",
    ]
    for event in events:
        assert event["data"] == {
            "projectId": project,
            "deviceId": device,
            "deviceOperationId": operation,
        }
    project_events = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    assert project_events[:3] == events


def test_claims_reports_and_driver_transitions_are_not_audited(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(), command_step(timeoutSecs=5)])
    before = device_audit(hub, device)
    (item,) = claim(hub, device)
    report(hub, device, item)
    hub.clock.advance(5)
    assert summary(hub, operation)["status"] == "TimedOut"
    assert device_audit(hub, device) == before


def test_deleting_the_device_deletes_its_operations(hub: Hub) -> None:
    project, device = setup(hub)
    keep = make_device(hub, project)
    gone = started(hub, device, [command_step(timeoutSecs=5)])
    kept = started(hub, keep, [command_step(timeoutSecs=5)])
    hub.invoke("devices_Delete", {"deviceId": device})
    assert get(hub, gone) == {"result": "NotFound"}
    assert hub.store.operations.by_device.get(device) is None
    hub.clock.advance(5)  # the dead queue entry is skipped
    assert summary(hub, kept)["status"] == "TimedOut"
    raises("Forbidden", 404, start, hub, gone)


def test_deleting_the_project_deletes_its_operations(hub: Hub) -> None:
    project, device = setup(hub)
    operation = started(hub, device, [wait_for("x", 1)])
    hub.invoke("projects_Delete", {"projectId": project})
    assert get(hub, operation) == {"result": "NotFound"}
    assert hub.store.operations.operations == {}
    assert hub.store.operations.waiting == {}
