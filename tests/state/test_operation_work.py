"""Device work: claims (D22, C19, C36), reports (D23, C20, C21, C32), leases (D21, C12, C13),
deadlines and the driver (D19, D20, C8), waits (§III.4.4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nexigon_fake import Hub

from .helpers import raises, set_property
from .operation_helpers import (
    cancel,
    claim,
    command_step,
    create,
    device_session,
    equals,
    get,
    literal,
    named,
    report,
    set_step,
    setup,
    start,
    started,
    states,
    summary,
    task_step,
    wait_for,
    wait_step,
)

T0 = "2026-05-04T07:00:00Z"


def at(seconds: float) -> str:
    instant = dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


# Claims (D22)


def test_claim_hands_out_the_step_verbatim_under_a_fresh_claim(hub: Hub) -> None:
    _, device = setup(hub)
    step = command_step("restart", {"unit": "app"}, timeoutSecs=120, when=literal(True))
    operation = started(hub, device, [set_step("a", 1), step])
    (item,) = claim(hub, device, limit=1, kinds=["DeviceCommand"])
    assert item["claimId"].startswith("d_op_claim_") and len(item["claimId"]) == 33
    assert item == {
        "deviceOperationId": operation,
        "claimId": item["claimId"],
        "operationName": "op",
        "stepIndex": 1,
        "step": step,
    }


def test_a_leased_step_is_not_handed_out_again(hub: Hub) -> None:
    _, device = setup(hub)
    started(hub, device, [command_step()])
    assert len(claim(hub, device)) == 1
    assert claim(hub, device) == []


def test_no_work_is_an_empty_list(hub: Hub) -> None:
    _, device = setup(hub)
    create(hub, device, [command_step()])  # pending: nothing to hand out
    assert claim(hub, device) == []


def test_kinds_filter_and_default(hub: Hub) -> None:
    _, device = setup(hub)
    command_op = started(hub, device, [command_step()])
    task_op = started(hub, device, [task_step()])
    assert claim(hub, device, kinds=[]) == []
    tasks = claim(hub, device, kinds=["DeviceTask", "DeviceTask"], limit=5)  # a set (C36)
    assert [w["deviceOperationId"] for w in tasks] == [task_op]
    assert [w["deviceOperationId"] for w in claim(hub, device, kinds=None, limit=5)] == [command_op]


def test_claim_order_by_step_start_then_creation(hub: Hub) -> None:
    _, device = setup(hub)
    late = create(hub, device, [command_step()])
    early = create(hub, device, [command_step()])
    # Same instant: creation order, whichever was started first (C19).
    start(hub, early)
    start(hub, late)
    hub.clock.advance(1)
    newest = started(hub, device, [command_step()])
    work = claim(hub, device, limit=20)
    assert [w["deviceOperationId"] for w in work] == [late, early, newest]


def test_claim_limit_and_one_item_per_operation(hub: Hub) -> None:
    _, device = setup(hub)
    for _ in range(3):
        started(hub, device, [command_step(), command_step()])
    assert len(claim(hub, device)) == 1  # default 1
    assert len(claim(hub, device, limit=20)) == 2


def test_claims_are_per_device(hub: Hub) -> None:
    project, device = setup(hub)
    other = setup(hub)[1]
    started(hub, other, [command_step()])
    assert claim(hub, device) == []
    assert len(claim(hub, other)) == 1
    assert project


def test_claim_returns_the_latest_task_checkpoint(hub: Hub) -> None:
    _, device = setup(hub)
    started(hub, device, [task_step()])
    (first,) = claim(hub, device)
    report(hub, device, first, "Running", output={"percent": 40}, checkpoint={"offset": 4})
    hub.clock.advance(300)
    (second,) = claim(hub, device)
    assert second["checkpoint"] == {"offset": 4}
    assert second["claimId"] != first["claimId"]


# Leases (D21, C12, C13)


def test_command_lease_is_timeout_plus_60_from_the_claim(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(timeoutSecs=100)])
    hub.clock.advance(7)
    claim(hub, device)
    record = hub.store.operations.operations[operation]
    assert record.lease_expires_at == hub.clock.now() + dt.timedelta(seconds=160)
    # The lease outlives the deadline: the step times out first, and is never handed out again.
    hub.clock.advance(93)
    assert summary(hub, operation)["status"] == "TimedOut"
    assert claim(hub, device) == []


def test_default_command_lease_is_3660_seconds(hub: Hub) -> None:
    hub = Hub(seed=0, operation_tick_secs=0)
    _, device = setup(hub)
    started(hub, device, [task_step(), command_step()])
    # A command step after a long task: its lease counts from the claim.
    operation = started(hub, device, [command_step()])
    hub.clock.advance(10)
    (item,) = claim(hub, device, kinds=["DeviceCommand"])
    assert item["deviceOperationId"] == operation
    assert hub.store.operations.operations[operation].lease_expires_at == (
        hub.clock.now() + dt.timedelta(seconds=3660)
    )


def test_task_lease_expires_and_is_renewed_by_running_reports(hub: Hub) -> None:
    _, device = setup(hub)
    started(hub, device, [task_step()])
    (first,) = claim(hub, device)
    hub.clock.advance(299)
    assert claim(hub, device) == []
    report(hub, device, first, "Running")  # renews to now + 300 (C13)
    hub.clock.advance(299)
    assert claim(hub, device) == []
    hub.clock.advance(1)
    (second,) = claim(hub, device)
    assert second["stepIndex"] == 0


def test_task_lease_is_configurable(hub: Hub) -> None:
    hub = Hub(seed=0, task_lease_secs=10)
    _, device = setup(hub)
    started(hub, device, [task_step()])
    claim(hub, device)
    hub.clock.advance(10)
    assert len(claim(hub, device)) == 1


def test_expired_claim_still_reports_until_superseded(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [task_step(), command_step()])
    (first,) = claim(hub, device)
    hub.clock.advance(300)
    report(hub, device, first, output={"done": 1})  # expired, not superseded: applied
    assert states(hub, operation)[0]["status"] == "Succeeded"


def test_superseded_claim_is_ignored(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [task_step()])
    (first,) = claim(hub, device)
    hub.clock.advance(300)
    (second,) = claim(hub, device)
    before = hub.snapshot_json()
    assert report(hub, device, first, "Failed", error="old worker") == {}
    assert hub.snapshot_json() == before
    report(hub, device, second, output=1)
    assert summary(hub, operation)["status"] == "Succeeded"


# Reports (D23)


def test_succeeded_report_releases_the_next_step_at_once(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(), set_step("a", 1), command_step("two")])
    (item,) = claim(hub, device)
    hub.clock.advance(2)
    report(hub, device, item, output={"ok": True})
    (next_item,) = claim(hub, device)
    assert (next_item["stepIndex"], next_item["step"]["command"]) == (2, "two")
    assert states(hub, operation)[0] == {
        "stepIndex": 0,
        "status": "Succeeded",
        "output": {"ok": True},
        "startedAt": T0,
        "completedAt": at(2),
    }
    assert states(hub, operation)[1]["status"] == "Succeeded"


def test_failed_report_fails_step_and_operation_and_keeps_output(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(), command_step()])
    (item,) = claim(hub, device)
    report(hub, device, item, "Failed", error="command not found", output={"code": 3})
    found = summary(hub, operation)
    assert (found["status"], found["lastError"], found["completedAt"]) == (
        "Failed",
        "command not found",
        T0,
    )
    assert states(hub, operation)[0]["output"] == {"code": 3}  # C21
    assert len(states(hub, operation)) == 1


def test_failed_report_without_error_gets_the_default_message(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    report(hub, device, item, "Failed")
    message = "Device reported failure without an error message."
    assert summary(hub, operation)["lastError"] == message
    assert states(hub, operation)[0]["error"] == message


def test_running_reports_replace_given_fields_and_keep_absent_ones(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [task_step()])
    (item,) = claim(hub, device)
    report(hub, device, item, "Running", output={"p": 1}, checkpoint={"c": 1})
    report(hub, device, item, "Running", output={"p": 2}, checkpoint=None)  # null: absent
    state = states(hub, operation)[0]
    assert (state["status"], state["output"], state["checkpoint"]) == (
        "Running",
        {"p": 2},
        {"c": 1},
    )
    report(hub, device, item)
    state = states(hub, operation)[0]
    assert (state["status"], state["output"], state["checkpoint"]) == (
        "Succeeded",
        {"p": 2},
        {"c": 1},
    )


def test_repeated_terminal_report_is_a_no_op_even_if_different(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    report(hub, device, item, output=1)
    before = hub.snapshot_json()
    assert report(hub, device, item, "Failed", error="late") == {}
    assert hub.snapshot_json() == before
    assert summary(hub, operation)["status"] == "Succeeded"


def test_never_issued_claim_is_invalid(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(), command_step()])
    (item,) = claim(hub, device)
    stranger = "d_op_claim_" + "2" * 22
    error = raises("Invalid", 400, report, hub, device, {**item, "claimId": stranger})
    assert error.message == (
        f"Work claim {stranger} was not issued for step 0 of device operation {operation}."
    )
    error = raises("Invalid", 400, report, hub, device, {**item, "stepIndex": 1})
    assert error.message == (
        f"Work claim {item['claimId']} was not issued for step 1 of device operation {operation}."
    )


def test_checkpoint_on_a_command_step_is_invalid(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    before = hub.snapshot_json()
    error = raises("Invalid", 400, report, hub, device, item, "Running", checkpoint={"x": 1})
    assert "Only device task steps can report checkpoints." in error.message
    assert hub.snapshot_json() == before
    report(hub, device, item, "Running", checkpoint=None)  # null is absent (C32)
    assert "checkpoint" not in states(hub, operation)[0]


def test_report_naming_another_device_is_forbidden(hub: Hub) -> None:
    project, device = setup(hub)
    other = setup(hub)[1]
    operation = started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    error = raises("Forbidden", 404, report, hub, other, item)
    assert error.message == f"Device operation {operation} does not exist or is not accessible."
    assert project


def test_report_after_time_out_is_ignored(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(timeoutSecs=5)])
    (item,) = claim(hub, device)
    hub.clock.advance(5)
    assert report(hub, device, item) == {}
    assert summary(hub, operation)["status"] == "TimedOut"


# Deadlines and the driver (D19, D20, C8)


@pytest.mark.parametrize(
    ("step", "secs"),
    [
        (command_step(), 3600),
        (command_step(timeoutSecs=30), 30),
        (task_step(), 86_400),
        (task_step(timeoutSecs=7), 7),
        (wait_for("x", 1, timeoutSecs=9), 9),
    ],
)
def test_deadlines_default_and_configured(hub: Hub, step: dict[str, Any], secs: int) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [step])
    hub.clock.advance(secs - 1)
    assert summary(hub, operation)["status"] == "Running"
    hub.clock.advance(1)
    found = summary(hub, operation)
    message = f"Step timed out after {secs}s."
    assert (found["status"], found["lastError"], found["completedAt"]) == (
        "TimedOut",
        message,
        at(secs),
    )
    assert states(hub, operation)[0] == {
        "stepIndex": 0,
        "status": "TimedOut",
        "error": message,
        "startedAt": T0,
        "completedAt": at(secs),
    }


def test_a_wait_without_timeout_waits_forever(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [wait_for("x", 1)])
    hub.clock.advance(30 * 86_400)
    assert summary(hub, operation)["status"] == "Running"


def test_the_deadline_counts_from_when_the_step_became_current(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [command_step(), command_step(timeoutSecs=10)])
    hub.clock.advance(100)
    (item,) = claim(hub, device)
    report(hub, device, item)
    hub.clock.advance(9)
    assert summary(hub, operation)["status"] == "Running"
    hub.clock.advance(1)
    assert summary(hub, operation)["status"] == "TimedOut"


def test_driver_changes_are_stamped_with_the_drive_time_in_due_order(hub: Hub) -> None:
    _, device = setup(hub)
    late = started(hub, device, [command_step(timeoutSecs=20)])
    early = started(hub, device, [command_step(timeoutSecs=10)])
    hub.clock.advance(500)
    for operation in (late, early):
        assert summary(hub, operation)["completedAt"] == at(500)  # C8


def test_ticks_delay_noticing_a_deadline(hub: Hub) -> None:
    hub = Hub(seed=0, operation_tick_secs=60)
    _, device = setup(hub)
    hub.clock.advance(30)
    operation = started(hub, device, [command_step(timeoutSecs=1)])
    hub.clock.advance(29)  # t = 59: the deadline (t = 31) passed, the tick (t = 60) not yet
    assert summary(hub, operation)["status"] == "Running"
    hub.clock.advance(1)
    found = summary(hub, operation)
    assert (found["status"], found["completedAt"]) == ("TimedOut", at(60))


def test_a_drive_runs_before_a_call_that_is_then_refused(hub: Hub) -> None:
    """With a system clock nothing drives between calls: the next call notices the deadline."""
    hub = Hub(seed=0, frozen_clock=False)
    _, device = setup(hub)
    operation = started(hub, device, [command_step(timeoutSecs=1)])
    hub.store.clock.inner.advance(5)  # type: ignore[attr-defined]  # behind the driver's back
    assert summary_raw(hub, operation) == "Running"
    raises("Invalid", 404, hub.invoke, "devices_NoSuchAction", {})
    assert summary_raw(hub, operation) == "TimedOut"


def summary_raw(hub: Hub, operation_id: str) -> str:
    return hub.store.operations.operations[operation_id].status


# Waits


def test_a_wait_already_true_completes_at_once(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [set_step("x", 1), wait_for("x", 1), set_step("y", 2)])
    assert summary(hub, operation)["status"] == "Succeeded"


def test_a_wait_completes_inside_the_set_property_call(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [wait_for("x", 1), set_step("done", True)])
    set_property(hub, device, "x", 0)
    assert summary(hub, operation)["status"] == "Running"
    hub.clock.advance(4)
    set_property(hub, device, "x", 1)
    found = summary(hub, operation)
    assert (found["status"], found["completedAt"]) == ("Succeeded", at(4))
    assert hub.invoke("devices_GetProperty", {"deviceId": device, "name": "done"})["value"]


def test_a_wait_completes_when_a_device_sets_the_property(hub: Hub) -> None:
    project, _ = setup(hub)
    device, creds = device_session(hub, project)
    operation = started(hub, device, [wait_for("x", 1)])
    payload = {"deviceId": device, "name": "x", "value": 1}
    hub.invoke(
        "devices_SetProperty",
        payload,
        creds["token"],
        device_fingerprint=creds["device_fingerprint"],
    )
    assert summary(hub, operation)["status"] == "Succeeded"


def test_a_wait_on_absence_completes_on_removal(hub: Hub) -> None:
    _, device = setup(hub)
    set_property(hub, device, "x", 1)
    predicate = {"kind": "Not", "expr": {"kind": "Exists", "expr": named("x"), "path": []}}
    operation = started(hub, device, [wait_step(predicate)])
    assert summary(hub, operation)["status"] == "Running"
    hub.invoke("devices_RemoveProperty", {"deviceId": device, "name": "x"})
    assert summary(hub, operation)["status"] == "Succeeded"


def test_one_operation_unblocks_another_inside_start(hub: Hub) -> None:
    _, device = setup(hub)
    waiting = started(hub, device, [wait_for("ready", True), set_step("after", 1)])
    writer = started(hub, device, [set_step("ready", True), wait_for("after", 1)])
    assert summary(hub, waiting)["status"] == "Succeeded"
    assert summary(hub, writer)["status"] == "Succeeded"


def test_a_wait_error_other_than_missing_fails_the_step(hub: Hub) -> None:
    _, device = setup(hub)
    predicate = {"kind": "LessThan", "left": named("x"), "right": literal(3)}
    operation = started(hub, device, [wait_step(predicate)])
    assert summary(hub, operation)["status"] == "Running"  # missing: keeps waiting
    set_property(hub, device, "x", "text")
    found = summary(hub, operation)
    assert found["status"] == "Failed"
    assert found["lastError"] == (
        "Predicate failed: `LessThan` expects two numbers or two strings, got string and number."
    )


def test_a_wait_with_a_non_boolean_result_fails(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [wait_step(named("x"))])
    set_property(hub, device, "x", 5)
    assert summary(hub, operation)["lastError"] == (
        "Predicate failed: Condition must evaluate to a boolean, got number."
    )


def test_waits_of_other_devices_are_not_touched(hub: Hub) -> None:
    _, device = setup(hub)
    other = setup(hub)[1]
    operation = started(hub, other, [wait_for("x", 1)])
    set_property(hub, device, "x", 1)
    assert summary(hub, operation)["status"] == "Running"


def test_a_cancelled_wait_stops_listening(hub: Hub) -> None:
    _, device = setup(hub)
    operation = started(hub, device, [wait_for("x", 1)])
    cancel(hub, operation)
    set_property(hub, device, "x", 1)
    assert summary(hub, operation)["status"] == "Cancelled"
    assert hub.store.operations.waiting == {}


def test_equals_wait_on_a_nested_value(hub: Hub) -> None:
    _, device = setup(hub)
    health = {"kind": "Get", "expr": named("health"), "path": ["status"]}
    operation = started(hub, device, [wait_step(equals(health, literal("ok")))])
    set_property(hub, device, "health", {"status": "booting"})
    assert summary(hub, operation)["status"] == "Running"
    set_property(hub, device, "health", {"status": "ok"})
    assert get(hub, operation)["summary"]["status"] == "Succeeded"
