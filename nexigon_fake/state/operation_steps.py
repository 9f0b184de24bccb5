"""Running steps (SEMANTICS-HEAD §III.4.4, D20, D25-D28): making a step current, hub-side
property writes, waits, and how a step ends.

Nothing here recurses: a step that unblocks an operation queues it on ``tables.ready`` and
``run_ready`` advances the queue until it is empty, so a chain of operations on one device
settles inside the call that started it, in a fixed order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from nexigon_fake.errors import (
    MSG_CONDITION_FAILED,
    MSG_MUTATION_FAILED,
    MSG_PREDICATE_FAILED,
    MSG_STEP_TIMED_OUT,
)
from nexigon_fake.exprs import EvaluationError, Missing, apply_mutation, evaluate_condition
from nexigon_fake.state.model import AuditRecord, Device, Property
from nexigon_fake.state.operation_records import OperationRecord, StepRecord
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.store import Store
from nexigon_fake.wire.operations import (
    DeviceOperationDeviceCommandStep,
    DeviceOperationDeviceTaskStep,
    DeviceOperationRemoveDevicePropertyStep,
    DeviceOperationSetDevicePropertyStep,
    DeviceOperationStep,
    DeviceOperationUpdateDevicePropertyStep,
    DeviceOperationWaitForDevicePropertyStep,
)

DEFAULT_COMMAND_TIMEOUT_SECS = 3600  # D20
DEFAULT_TASK_TIMEOUT_SECS = 86_400
COMMAND_LEASE_GRACE_SECS = 60  # D21: command lease = timeout + 60 s


class PropertyNames(Mapping[str, Any]):
    """A device's properties by exact name -> value, read on demand (the evaluation context,
    §III.5.3): an expression naming two properties decodes two, not all."""

    __slots__ = ("_device",)

    def __init__(self, device: Device) -> None:
        self._device = device

    def __getitem__(self, name: str) -> Any:
        found = property_codec.read(self._device, name)
        if found is None:
            raise KeyError(name)
        return found.value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and property_codec.read(self._device, name) is not None

    def __iter__(self) -> Iterator[str]:
        return (prop.name for prop in property_codec.read_all(self._device))

    def __len__(self) -> int:
        return sum(1 for _ in property_codec.read_all(self._device))


def _message(error: Exception) -> str:
    return str(getattr(error, "message", error))


def work_timeout_secs(step: DeviceOperationStep) -> int | None:
    """The step's deadline length: its ``timeoutSecs`` or the kind's default (D20)."""
    if isinstance(step, DeviceOperationDeviceCommandStep):
        return step.timeout_secs or DEFAULT_COMMAND_TIMEOUT_SECS
    if isinstance(step, DeviceOperationDeviceTaskStep):
        return step.timeout_secs or DEFAULT_TASK_TIMEOUT_SECS
    if isinstance(step, DeviceOperationWaitForDevicePropertyStep):
        return step.timeout_secs
    return None


# How steps and operations end.


def end_operation(store: Store, operation: OperationRecord, status: Any) -> None:
    """The operation leaves ``Running``/``Pending``: its deadline, wait and lease go with it."""
    now = store.now()
    operation.status = status
    operation.completed_at = now
    operation.updated_at = now
    operation.deadline = None
    operation.timeout_secs = None
    operation.queue_entry = None
    operation.current_claim = None
    operation.lease_expires_at = None
    store.operations.stop_waiting(operation)
    store.fleet_operations.touch(operation)


def _release(store: Store, operation: OperationRecord) -> None:
    """The current step is over: its deadline, lease and wait go."""
    operation.deadline = None
    operation.timeout_secs = None
    operation.queue_entry = None
    operation.current_claim = None
    operation.lease_expires_at = None
    store.operations.stop_waiting(operation)


def end_step(
    store: Store, operation: OperationRecord, state: StepRecord, status: Any, error: str | None
) -> None:
    """A step reaches a terminal status; Failed and TimedOut end the operation too."""
    now = store.now()
    state.status = status
    state.completed_at = now
    operation.updated_at = now
    if error is not None:
        state.error = error
    if store.fleet_operations.is_frozen(operation):
        _release(store, operation)  # C9: the operation moves on at the first drive after resume
    elif status in ("Failed", "TimedOut"):
        operation.last_error = error
        end_operation(store, operation, status)
    else:
        _release(store, operation)
        store.operations.ready.append(operation.device_operation_id)


def time_out(store: Store, operation: OperationRecord) -> None:
    """A deadline noticed past (D20): step and operation ``TimedOut``, stamped now (C8)."""
    state = operation.current
    if operation.status != "Running" or state is None or state.status != "Running":
        return
    if store.fleet_operations.is_frozen(operation):
        return  # paused: no deadline runs (D38); resume starts a fresh one (C10)
    message = MSG_STEP_TIMED_OUT.format(secs=operation.timeout_secs)
    end_step(store, operation, state, "TimedOut", message)


# Advancing.


def run_ready(store: Store) -> None:
    """Advance every operation a change unblocked, including those its own steps unblock."""
    ready = store.operations.ready
    while ready:
        operation = store.operations.operations.get(ready.popleft())
        if operation is not None:
            advance(store, operation)


def advance(store: Store, operation: OperationRecord) -> None:
    """Make steps current until one runs (device work, a wait) or the operation ends."""
    if store.fleet_operations.is_frozen(operation):
        return  # paused with its fleet (D38)
    while operation.status == "Running":
        current = operation.current
        if current is not None and current.status == "Running":
            return
        index = 0 if not operation.step_states else operation.step_states[-1].step_index + 1
        now = store.now()
        if index >= len(operation.steps):
            end_operation(store, operation, "Succeeded")
            return
        operation.step_index = index
        state = StepRecord(step_index=index, status="Running", started_at=now)
        operation.step_states.append(state)
        operation.updated_at = now
        _begin(store, operation, state, operation.steps[index])


def _begin(
    store: Store, operation: OperationRecord, state: StepRecord, step: DeviceOperationStep
) -> None:
    device = store.devices[operation.device_id]
    names = PropertyNames(device)
    if step.when is not None:
        try:
            run = evaluate_condition(step.when, names)
        except (Missing, EvaluationError) as error:
            message = MSG_CONDITION_FAILED.format(detail=_message(error))
            end_step(store, operation, state, "Failed", message)
            return
        if not run:
            end_step(store, operation, state, "Skipped", None)
            return
    if isinstance(step, DeviceOperationWaitForDevicePropertyStep):
        if not check_wait(store, operation, state, step, names):
            store.operations.waiting.setdefault(operation.device_id, {})[
                operation.device_operation_id
            ] = None
            start_deadline(store, operation, step)
        return
    if isinstance(step, DeviceOperationDeviceCommandStep | DeviceOperationDeviceTaskStep):
        start_deadline(store, operation, step)
        return
    failure = _write(store, operation, device, names, step)
    end_step(store, operation, state, "Succeeded" if failure is None else "Failed", failure)


def start_deadline(store: Store, operation: OperationRecord, step: DeviceOperationStep) -> None:
    """The current step's deadline clock starts now (also on a fleet's resume, C10)."""
    if isinstance(step, DeviceOperationDeviceCommandStep | DeviceOperationDeviceTaskStep):
        store.work_claimable(operation.device_id, store.now())  # claimable from now on
    timeout = work_timeout_secs(step)
    if timeout is None:
        return
    operation.timeout_secs = timeout
    operation.deadline = store.now() + dt.timedelta(seconds=timeout)
    store.operations.schedule(operation, store.options.operation_tick_secs)


def check_wait(
    store: Store,
    operation: OperationRecord,
    state: StepRecord,
    step: DeviceOperationWaitForDevicePropertyStep,
    names: Mapping[str, Any],
) -> bool:
    """Evaluate a wait; True when it ended (Succeeded or Failed), False to keep waiting."""
    try:
        matched = evaluate_condition(step.predicate, names)
    except Missing:
        return False
    except EvaluationError as error:
        end_step(
            store, operation, state, "Failed", MSG_PREDICATE_FAILED.format(detail=error.message)
        )
        return True
    if not matched:
        return False
    end_step(store, operation, state, "Succeeded", None)
    return True


def property_changed(store: Store, device_id: str) -> None:
    """Re-evaluate the waits of one device (never all operations) after a property write;
    operations whose wait ended are queued on ``ready``. Fleets with the device as a target
    look at their property gates again."""
    store.fleet_operations.properties_changed(device_id)
    waiting = store.operations.waiting.get(device_id)
    if not waiting:
        return
    device = store.devices[device_id]
    names = PropertyNames(device)
    for operation_id in list(waiting):
        operation = store.operations.operations[operation_id]
        state = operation.current
        step = operation.steps[operation.step_index]
        if state is None or state.status != "Running":
            continue
        assert isinstance(step, DeviceOperationWaitForDevicePropertyStep)
        check_wait(store, operation, state, step, names)


# Hub-side property steps (D26): the hub writes, audited as the creator, with no action.


def _write(
    store: Store,
    operation: OperationRecord,
    device: Device,
    names: Mapping[str, Any],
    step: DeviceOperationStep,
) -> str | None:
    """Apply a hub-side step; the failure message, or None when it succeeded."""
    current = property_codec.read(device, step.name)  # type: ignore[union-attr]
    if isinstance(step, DeviceOperationRemoveDevicePropertyStep):
        if current is not None:
            property_codec.remove(device, step.name)
            _after_write(store, operation, device, "devices_PropertyRemoved", step.name)
        return None
    if isinstance(step, DeviceOperationSetDevicePropertyStep):
        value = step.value
    else:
        assert isinstance(step, DeviceOperationUpdateDevicePropertyStep)
        try:
            value = apply_mutation(step.mutation, None if current is None else current.value, names)
        except (Missing, EvaluationError) as error:
            return MSG_MUTATION_FAILED.format(detail=_message(error))
    if current is None:
        protected, version = bool(step.protected), 1
    else:
        protected = current.protected if step.protected is None else step.protected
        version = current.version + 1
    written = Property(
        name=step.name,
        value=value,
        protected=protected,
        version=version,
        last_updated=store.now(),
    )
    property_codec.write(device, written)
    _after_write(store, operation, device, "devices_PropertySet", step.name)
    return None


def _after_write(
    store: Store, operation: OperationRecord, device: Device, event: str, name: str
) -> None:
    store.touch(device)
    now = store.now()
    store.audit.append(
        AuditRecord(
            event_id=store.ids.dated("audit_ev", now),
            actor=operation.created_by,
            event=event,
            data={
                "projectId": device.project_id,
                "deviceId": device.device_id,
                "propertyName": name,
            },
            created_at=now,
            action_id=None,
            project_id=device.project_id,
            device_id=device.device_id,
            organization_id=None,
            repository_id=None,
        )
    )
    property_changed(store, device.device_id)
