"""The seven device-operation actions (SEMANTICS-HEAD §III.4.3, D18, D22-D25, D30, D40).

Steps run in ``operation_steps``; deadlines in ``operation_driver``. Handlers change state
only after every check passed, so a refused call leaves the hub as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_CHECKPOINT_NOT_TASK,
    MSG_CLAIM_NOT_ISSUED,
    MSG_OPERATION_ALREADY,
    MSG_OPERATION_CANCELLED,
    MSG_OPERATION_CANNOT_START,
    MSG_OPERATION_FLEET_OWNED,
    MSG_OPERATION_NOT_FOUND,
    MSG_REPORTED_FAILURE,
    InvalidError,
    NotFoundError,
)
from nexigon_fake.exprs import check_definition
from nexigon_fake.state import operation_driver
from nexigon_fake.state.access import Role, organization_role
from nexigon_fake.state.operation_records import TERMINAL_OPERATION, OperationRecord, StepRecord
from nexigon_fake.state.operation_steps import (
    COMMAND_LEASE_GRACE_SECS,
    DEFAULT_COMMAND_TIMEOUT_SECS,
    end_operation,
    end_step,
)
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.operations import (
    CancelDeviceOperationAction,
    ClaimDeviceOperationWorkAction,
    ClaimDeviceOperationWorkOutput,
    CreateDeviceOperationAction,
    CreateDeviceOperationOutput,
    DeviceOperationDeviceCommandStep,
    DeviceOperationDeviceTaskStep,
    DeviceOperationStep,
    DeviceOperationStepState,
    DeviceOperationSummary,
    DeviceOperationUpdateDevicePropertyStep,
    DeviceOperationWaitForDevicePropertyStep,
    DeviceOperationWorkItem,
    GetDeviceOperationAction,
    GetDeviceOperationFound,
    GetDeviceOperationNotFound,
    GetDeviceOperationOutput,
    QueryDeviceOperationsAction,
    QueryDeviceOperationsOutput,
    ReportDeviceOperationStepAction,
    StartDeviceOperationAction,
)

_WORK_KINDS: dict[str, type[DeviceOperationDeviceCommandStep | DeviceOperationDeviceTaskStep]] = {
    "DeviceCommand": DeviceOperationDeviceCommandStep,
    "DeviceTask": DeviceOperationDeviceTaskStep,
}


def check_create(request: CreateDeviceOperationAction) -> None:
    """Definition-time rules (D17, C3): after the field rules, before access (C4)."""
    check_steps(request.steps)


def check_steps(steps: Sequence[DeviceOperationStep]) -> None:
    """D17's definition rules over every expression root of the steps, in field order (also
    the steps of a fleet operation)."""
    for index, step in enumerate(steps):
        at = f"$.steps[{index}]"
        if step.when is not None:
            check_definition(step.when, f"{at}.when")
        if isinstance(step, DeviceOperationWaitForDevicePropertyStep):
            check_definition(step.predicate, f"{at}.predicate")
        elif isinstance(step, DeviceOperationUpdateDevicePropertyStep):
            check_definition(step.mutation, f"{at}.mutation")


def _operation(store: Store, operation_id: str) -> OperationRecord:
    found = store.operations.operations.get(operation_id)
    if found is None:
        raise NotFoundError(MSG_OPERATION_NOT_FOUND.format(id=operation_id))
    return found


def _audit(ctx: Context, event: str, operation: OperationRecord) -> None:
    data = {
        "projectId": operation.project_id,
        "deviceId": operation.device_id,
        "deviceOperationId": operation.device_operation_id,
    }
    ctx.audit(event, data, project_id=operation.project_id, device_id=operation.device_id)


def _stamp(instant: dt.datetime | None) -> str | None:
    return None if instant is None else format_timestamp(instant)


def summary(operation: OperationRecord) -> DeviceOperationSummary:
    return DeviceOperationSummary(
        device_operation_id=operation.device_operation_id,
        project_id=operation.project_id,
        device_id=operation.device_id,
        created_by=operation.created_by,
        fleet_operation_id=operation.fleet_operation_id,
        name=operation.name,
        description=operation.description,
        status=operation.status,
        step_index=operation.step_index,
        step_count=len(operation.steps),
        last_error=operation.last_error,
        created_at=format_timestamp(operation.created_at),
        started_at=_stamp(operation.started_at),
        completed_at=_stamp(operation.completed_at),
        updated_at=format_timestamp(operation.updated_at),
    )


def _step_state(state: StepRecord) -> DeviceOperationStepState:
    return DeviceOperationStepState(
        step_index=state.step_index,
        status=state.status,
        output=state.output,
        error=state.error,
        started_at=format_timestamp(state.started_at),
        completed_at=_stamp(state.completed_at),
        checkpoint=state.checkpoint,
    )


def step_states(operation: OperationRecord) -> list[DeviceOperationStepState]:
    """The step states as the wire shows them (also mirrored by fleet targets, D38)."""
    return [_step_state(state) for state in operation.step_states]


def create_operation(
    ctx: Context, request: CreateDeviceOperationAction
) -> CreateDeviceOperationOutput:
    """A ``Pending`` operation created by the caller; command names are not checked (D24)."""
    store = ctx.store
    device = store.device(request.device_id)
    now = store.now()
    operation = OperationRecord(
        device_operation_id=store.ids.flat("d_op"),
        project_id=device.project_id,
        device_id=device.device_id,
        created_by=ctx.actor,
        name=request.name,
        description=request.description,
        steps=list(request.steps),
        status="Pending",
        created_at=now,
        updated_at=now,
        sequence=store.next_sequence(),
    )
    store.operations.add(operation)
    _audit(ctx, "devices_OperationCreated", operation)
    return CreateDeviceOperationOutput(device_operation_id=operation.device_operation_id)


def start_operation(ctx: Context, request: StartDeviceOperationAction) -> Empty:
    """``Pending`` -> ``Running`` with step 0 current; hub-side steps run before the answer."""
    store = ctx.store
    operation = _operation(store, request.device_operation_id)
    if operation.fleet_operation_id is not None:  # C14: whatever its status
        raise InvalidError(
            MSG_OPERATION_FLEET_OWNED.format(
                id=operation.device_operation_id, fleet_operation_id=operation.fleet_operation_id
            )
        )
    if operation.status == "Running":
        return Empty()  # an idempotent retry (D24), not audited (C25)
    if operation.status != "Pending":
        raise InvalidError(
            MSG_OPERATION_CANNOT_START.format(
                id=operation.device_operation_id, status=operation.status
            )
        )
    now = store.now()
    operation.status = "Running"
    operation.started_at = now
    operation.updated_at = now
    _audit(ctx, "devices_OperationStarted", operation)
    store.operations.ready.append(operation.device_operation_id)
    operation_driver.settle(store)
    return Empty()


def cancel_operation(ctx: Context, request: CancelDeviceOperationAction) -> Empty:
    """The in-flight step fails with "Operation was cancelled."; claims are fenced (D25)."""
    store = ctx.store
    operation = _operation(store, request.device_operation_id)
    if operation.status == "Cancelled":
        return Empty()
    if operation.status in TERMINAL_OPERATION:
        raise InvalidError(
            MSG_OPERATION_ALREADY.format(id=operation.device_operation_id, status=operation.status)
        )
    current = operation.current
    if current is not None and current.status == "Running":
        current.status = "Failed"
        current.error = MSG_OPERATION_CANCELLED
        current.completed_at = store.now()
    end_operation(store, operation, "Cancelled")
    _audit(ctx, "devices_OperationCancelled", operation)
    return Empty()


def get_operation(ctx: Context, request: GetDeviceOperationAction) -> GetDeviceOperationOutput:
    """``NotFound`` for missing and inaccessible alike, and for devices (C16)."""
    store = ctx.store
    operation = store.operations.operations.get(request.device_operation_id)
    if operation is None or isinstance(ctx.actor, DeviceActor):
        return GetDeviceOperationNotFound()
    project = store.projects[operation.project_id]
    if organization_role(store, ctx.actor, project.organization_id) < Role.MEMBER:
        return GetDeviceOperationNotFound()
    return GetDeviceOperationFound(
        summary=summary(operation),
        steps=list(operation.steps),
        step_states=[_step_state(state) for state in operation.step_states],
    )


def query_operations(
    ctx: Context, request: QueryDeviceOperationsAction
) -> QueryDeviceOperationsOutput:
    """Newest first by creation, ties newest recorded first (D30)."""
    store = ctx.store
    device = store.device(request.device_id)
    operations = [
        store.operations.operations[i] for i in store.operations.by_device.get(device.device_id, {})
    ]
    operations.sort(key=lambda o: (o.created_at, o.sequence), reverse=True)
    return QueryDeviceOperationsOutput(operations=[summary(o) for o in operations])


def _claimable(
    store: Store, device_id: str, kinds: tuple[type, ...]
) -> list[tuple[dt.datetime, int, OperationRecord, StepRecord]]:
    """The device's running work of these kinds that no live lease holds."""
    now = store.now()
    candidates: list[tuple[dt.datetime, int, OperationRecord, StepRecord]] = []
    for operation_id in store.operations.by_device.get(device_id, {}):
        operation = store.operations.operations[operation_id]
        state = operation.current
        if operation.status != "Running" or state is None or state.status != "Running":
            continue
        if not isinstance(operation.steps[operation.step_index], kinds):
            continue
        if operation.lease_expires_at is not None and now < operation.lease_expires_at:
            continue
        if store.fleet_operations.is_frozen(operation):
            continue  # D22: no work of a paused fleet operation
        candidates.append((state.started_at, operation.sequence, operation, state))
    return candidates


def has_claimable_work(store: Store, device_id: str, kinds: Iterable[str]) -> bool:
    """Whether a claim by the device would hand out work (simulated agents poll only then)."""
    wanted = tuple(_WORK_KINDS[kind] for kind in kinds)
    return device_id in store.devices and bool(_claimable(store, device_id, wanted))


def claim_operation_work(
    ctx: Context, request: ClaimDeviceOperationWorkAction
) -> ClaimDeviceOperationWorkOutput:
    """Running device work not under a live lease, oldest current step first (D22, C19)."""
    store = ctx.store
    device = store.device(request.device_id)
    kinds = (
        tuple(_WORK_KINDS[kind] for kind in dict.fromkeys(request.kinds or ()))
        if request.kinds is not None
        else tuple(_WORK_KINDS.values())
    )
    now = store.now()
    candidates = _claimable(store, device.device_id, kinds)
    candidates.sort(key=lambda c: (c[0], c[1]))
    work = []
    for _, _, operation, state in candidates[: request.limit or 1]:
        step = operation.steps[operation.step_index]
        assert isinstance(step, DeviceOperationDeviceCommandStep | DeviceOperationDeviceTaskStep)
        claim_id = store.ids.flat("d_op_claim")
        operation.claims[claim_id] = operation.step_index
        operation.current_claim = claim_id
        if isinstance(step, DeviceOperationDeviceCommandStep):
            lease = (step.timeout_secs or DEFAULT_COMMAND_TIMEOUT_SECS) + COMMAND_LEASE_GRACE_SECS
        else:
            lease = store.options.task_lease_secs
        operation.lease_expires_at = now + dt.timedelta(seconds=lease)
        store.work_claimable(operation.device_id, operation.lease_expires_at)
        work.append(
            DeviceOperationWorkItem(
                device_operation_id=operation.device_operation_id,
                claim_id=claim_id,
                operation_name=operation.name,
                step_index=operation.step_index,
                checkpoint=state.checkpoint,
                step=step,
            )
        )
    return ClaimDeviceOperationWorkOutput(work=work)


def report_operation_step(ctx: Context, request: ReportDeviceOperationStepAction) -> Empty:
    """D23: unknown -> Forbidden, never-issued claim or a command's checkpoint -> Invalid,
    superseded or finished -> ignored; otherwise applied under the current claim."""
    store = ctx.store
    operation = store.operations.operations.get(request.device_operation_id)
    if operation is None or operation.device_id != request.device_id:
        raise NotFoundError(MSG_OPERATION_NOT_FOUND.format(id=request.device_operation_id))
    if operation.claims.get(request.claim_id) != request.step_index:
        raise InvalidError(
            MSG_CLAIM_NOT_ISSUED.format(
                claim_id=request.claim_id,
                step_index=request.step_index,
                id=operation.device_operation_id,
            )
        )
    report = request.report
    step = operation.steps[request.step_index]
    if report.checkpoint is not None and isinstance(step, DeviceOperationDeviceCommandStep):
        raise InvalidError(rule=MSG_CHECKPOINT_NOT_TASK, path="$.report.checkpoint")
    state = operation.current
    if (
        operation.status != "Running"
        or operation.current_claim != request.claim_id
        or state is None
        or state.step_index != request.step_index
        or state.status != "Running"
    ):
        return Empty()  # superseded, repeated or finished: ignored (D23.4, D23.6)
    now = store.now()
    if report.output is not None:
        state.output = report.output
    if report.checkpoint is not None:
        state.checkpoint = report.checkpoint
    operation.updated_at = now
    if report.status == "Running":
        if isinstance(step, DeviceOperationDeviceTaskStep):
            operation.lease_expires_at = now + dt.timedelta(seconds=store.options.task_lease_secs)
            store.work_claimable(operation.device_id, operation.lease_expires_at)
        return Empty()
    if report.status == "Succeeded":
        end_step(store, operation, state, "Succeeded", None)
        operation_driver.settle(store)
    else:
        end_step(store, operation, state, "Failed", report.error or MSG_REPORTED_FAILURE)
    return Empty()
