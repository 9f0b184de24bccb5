"""How fleet operations move (D35-D38): enrolment passes, stage activation, pause and resume
of their device operations, auto-advance, convergence, and their timers in the one due queue.

The handlers (``fleet_operations``) and the operation driver call in here; nothing here calls
the operation driver back (``settle`` there loops until devices and fleets are both still).
A fleet is looked at only when it is ``dirty``: one of its device operations changed status
(re-tallied from ``touched``), a target's properties changed, a timer fired, or a handler
changed it.
"""

from __future__ import annotations

import datetime as dt

from nexigon_fake.errors import MSG_OPERATION_CANCELLED
from nexigon_fake.exprs import EvaluationError, Missing, evaluate_condition
from nexigon_fake.state import operation_steps
from nexigon_fake.state.fleet_operation_guards import guard_passes, next_gate_time, stage_of
from nexigon_fake.state.fleet_operation_records import (
    TERMINAL_FLEET,
    FleetOperationRecord,
    FleetTargetRecord,
)
from nexigon_fake.state.operation_records import TERMINAL_OPERATION, OperationRecord
from nexigon_fake.state.store import Store
from nexigon_fake.wire.operations import DeviceOperationWaitForDevicePropertyStep


def _recount(fleet: FleetOperationRecord, target: FleetTargetRecord, status: str) -> None:
    tally = fleet.tally[target.stage_index]
    tally[target.counted] -= 1
    tally[status] += 1
    target.counted = status


# Enrolment (D35).


def _selected(store: Store, fleet: FleetOperationRecord, device_id: str) -> bool | None:
    """Every predicate JSON ``true`` in order, stopping at the first ``false``; an error (or
    *missing*, or a non-boolean) is the device's selection error and ``None`` (§III.5.4)."""
    names = operation_steps.PropertyNames(store.devices[device_id])
    fleets = store.fleet_operations
    for predicate in fleet.selector.predicates:
        try:
            matched = evaluate_condition(predicate, names)
        except (Missing, EvaluationError) as error:  # C44: the D27 text, no prefix
            fleets.set_selection_error(fleet, device_id, error.message, store.now())
            return None
        if not matched:
            break
    else:
        fleets.clear_selection_error(fleet, device_id)
        return True
    fleets.clear_selection_error(fleet, device_id)
    return False


def enrol(store: Store, fleet: FleetOperationRecord) -> None:
    """One pass over the candidates in device creation order; new targets of active stages
    start at once."""
    project = store.projects[fleet.project_id]
    allowed = fleet.selector.device_ids
    candidates = project.device_ids if allowed is None else _allowed(project.device_ids, allowed)
    for device_id in candidates:
        if device_id in fleet.targets or not _selected(store, fleet, device_id):
            continue
        stage_index = stage_of(fleet, device_id)
        if stage_index is None:
            continue  # its bucket is above every stage's percentage: not enrolled
        target = _add_target(store, fleet, device_id, stage_index)
        if stage_index <= fleet.active_stage_index:
            start_target(store, fleet, target)
    fleet.last_enrollment_at = store.now()


def _allowed(project_devices: dict[str, None], allowed: list[str]) -> list[str]:
    """The allow-list in device creation order, deleted devices skipped."""
    wanted = set(allowed)
    return [device_id for device_id in project_devices if device_id in wanted]


def _add_target(
    store: Store, fleet: FleetOperationRecord, device_id: str, stage_index: int
) -> FleetTargetRecord:
    """A ``Pending`` fleet-owned device operation: the fleet's name, description and steps,
    created by the fleet's creator (D35, §III.7.6)."""
    now = store.now()
    operation = OperationRecord(
        device_operation_id=store.ids.flat("d_op"),
        project_id=fleet.project_id,
        device_id=device_id,
        created_by=fleet.created_by,
        name=fleet.name,
        description=fleet.description,
        steps=list(fleet.steps),
        status="Pending",
        created_at=now,
        updated_at=now,
        sequence=store.next_sequence(),
        fleet_operation_id=fleet.fleet_operation_id,
    )
    store.operations.add(operation)
    target = FleetTargetRecord(device_id, operation.device_operation_id, stage_index)
    store.fleet_operations.add_target(fleet, target)
    return target


def start_target(store: Store, fleet: FleetOperationRecord, target: FleetTargetRecord) -> None:
    """Stage activation starts the target's operation: step 0 becomes current at the next
    settle, before the call returns."""
    operation = store.operations.operations[target.device_operation_id]
    if operation.status != "Pending":
        return  # cancelled on its own meanwhile (D24)
    now = store.now()
    operation.status = "Running"
    operation.started_at = now
    operation.updated_at = now
    _recount(fleet, target, "Running")
    store.operations.ready.append(operation.device_operation_id)


def activate(store: Store, fleet: FleetOperationRecord, stage_index: int) -> None:
    """``activeStageIndex`` moves to the stage and its targets start (§III.7.5)."""
    fleet.active_stage_index = stage_index
    for target in list(fleet.targets.values()):
        if target.stage_index == stage_index:
            start_target(store, fleet, target)
    store.fleet_operations.dirty[fleet.fleet_operation_id] = None


# Pause, resume, cancel (D37, D38, C9-C11).


def _operations(store: Store, fleet: FleetOperationRecord) -> list[OperationRecord]:
    table = store.operations.operations
    return [table[t.device_operation_id] for t in fleet.targets.values()]


def freeze(store: Store, fleet: FleetOperationRecord) -> None:
    """Its device operations stand still: no work handed out, no step advance, no deadline,
    no wait evaluated. Leases run on (C11)."""
    store.fleet_operations.frozen.add(fleet.fleet_operation_id)
    store.operations.timers.pop(fleet.fleet_operation_id, None)
    fleet.next_due = None
    for operation in _operations(store, fleet):
        if operation.status == "Running":
            operation.deadline = None
            operation.queue_entry = None
            store.operations.stop_waiting(operation)


def thaw(store: Store, fleet: FleetOperationRecord) -> None:
    """Pick up where it stood: steps ended during the pause move their operations on (C9),
    steps still running get a fresh full deadline (C10) and waits look again."""
    store.fleet_operations.frozen.discard(fleet.fleet_operation_id)
    for operation in _operations(store, fleet):
        state = operation.current
        if operation.status != "Running" or state is None:
            continue
        if state.status in ("Failed", "TimedOut"):
            operation.last_error = state.error
            operation_steps.end_operation(store, operation, state.status)
        elif state.status != "Running":
            store.operations.ready.append(operation.device_operation_id)
        else:
            step = operation.steps[operation.step_index]
            if isinstance(step, DeviceOperationWaitForDevicePropertyStep):
                names = operation_steps.PropertyNames(store.devices[operation.device_id])
                if operation_steps.check_wait(store, operation, state, step, names):
                    continue
                store.operations.waiting.setdefault(operation.device_id, {})[
                    operation.device_operation_id
                ] = None
            operation_steps.start_deadline(store, operation, step)


def cancel_targets(store: Store, fleet: FleetOperationRecord) -> None:
    """Every non-terminal target operation is cancelled as ``devices_CancelOperation`` does
    (D25: the in-flight step fails with "Operation was cancelled.")."""
    store.fleet_operations.frozen.discard(fleet.fleet_operation_id)
    now = store.now()
    for operation in _operations(store, fleet):
        if operation.status in TERMINAL_OPERATION:
            continue
        state = operation.current
        if state is not None and state.status == "Running":
            state.status = "Failed"
            state.error = MSG_OPERATION_CANCELLED
            state.completed_at = now
        operation_steps.end_operation(store, operation, "Cancelled")


def finish(store: Store, fleet: FleetOperationRecord, status: str) -> None:
    fleet.status = status  # type: ignore[assignment]  # a FleetOperationStatus
    fleet.completed_at = store.now()
    store.operations.timers.pop(fleet.fleet_operation_id, None)
    fleet.next_due = None


# The driver's part.


def _enrolment_due(store: Store, fleet: FleetOperationRecord) -> dt.datetime | None:
    interval = fleet.enrollment_interval_secs
    if interval is None or fleet.last_enrollment_at is None:
        return None
    every = max(interval, store.options.fleet_min_enrollment_interval_secs)
    return fleet.last_enrollment_at + dt.timedelta(seconds=every)


def evaluate(store: Store, fleet: FleetOperationRecord) -> None:
    """A running fleet: an enrolment pass when due (one per drive, C49), auto-advances (maybe
    several, D36, C46), convergence (D37, C45); then its next timer."""
    if fleet.status == "Running":
        now = store.now()
        due = _enrolment_due(store, fleet)
        if due is not None and now >= due:
            enrol(store, fleet)
        last = len(fleet.stages) - 1
        while (
            fleet.active_stage_index < last
            and fleet.stages[fleet.active_stage_index].auto_advance
            and guard_passes(store, fleet, fleet.active_stage_index)
        ):
            activate(store, fleet, fleet.active_stage_index + 1)  # not audited (C48)
        unfinished = fleet.total("Pending") + fleet.total("Running")
        if fleet.close_when_converged and unfinished == 0:
            failed = fleet.total("Failed") + fleet.total("TimedOut")
            finish(store, fleet, "Failed" if failed or fleet.selection_errors else "Completed")
    reschedule(store, fleet)


def reschedule(store: Store, fleet: FleetOperationRecord) -> None:
    """Keep one live timer at the earliest instant the fleet must look again by itself."""
    key = fleet.fleet_operation_id
    timers = store.operations.timers
    due: dt.datetime | None = None
    if fleet.status == "Running":
        times = [_enrolment_due(store, fleet), next_gate_time(fleet, store.now())]
        known = [at for at in times if at is not None]
        due = min(known) if known else None
    if due is None:
        timers.pop(key, None)
        fleet.next_due = None
    elif due != fleet.next_due or key not in timers:
        fleet.next_due = due
        store.operations.schedule_timer(key, due)


def timer_fired(store: Store, key: str) -> None:
    fleet = store.fleet_operations.fleets.get(key)
    if fleet is not None:
        fleet.next_due = None
        store.fleet_operations.dirty[key] = None


def settle(store: Store) -> None:
    """Re-tally the operations that changed status, then look at every dirty fleet once."""
    fleets = store.fleet_operations
    touched, fleets.touched = fleets.touched, {}
    for operation in touched.values():
        fleet = fleets.fleets.get(operation.fleet_operation_id or "")
        target = None if fleet is None else fleet.targets.get(operation.device_id)
        if fleet is None or target is None:
            continue
        if target.device_operation_id == operation.device_operation_id:
            if target.counted != operation.status:
                _recount(fleet, target, operation.status)
            fleets.dirty[fleet.fleet_operation_id] = None
    dirty, fleets.dirty = fleets.dirty, {}
    for fleet_id in dirty:
        fleet = fleets.fleets.get(fleet_id)
        if fleet is not None and fleet.status not in TERMINAL_FLEET:
            evaluate(store, fleet)
