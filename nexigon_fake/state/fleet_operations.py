"""The nine fleet-operation actions (SEMANTICS-HEAD §III.7.3, D17, D18, D30, D35-D38, D40, D45).

Enrolment, activation and the driver's part live in ``fleet_operation_driver``, guards and
sampling in ``fleet_operation_guards``. Handlers change state only after every check passed,
so a refused call leaves the hub as it was.
"""

from __future__ import annotations

import datetime as dt

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_FLEET_ADVANCE_NOT_RUNNING,
    MSG_FLEET_ALREADY,
    MSG_FLEET_CANNOT_START,
    MSG_FLEET_CLOSE_NEEDS_INTERVAL,
    MSG_FLEET_DEVICE_NOT_IN_PROJECT,
    MSG_FLEET_NOT_FOUND,
    MSG_FLEET_PAUSE_NOT_RUNNING,
    InvalidError,
    NotFoundError,
)
from nexigon_fake.exprs import check_definition
from nexigon_fake.state import fleet_operation_driver as driver
from nexigon_fake.state import operation_driver
from nexigon_fake.state.access import Role, organization_role
from nexigon_fake.state.fleet_operation_guards import guard_status
from nexigon_fake.state.fleet_operation_records import FleetOperationRecord
from nexigon_fake.state.operations import check_steps, step_states
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.fleet_operations import (
    AdvanceFleetOperationStageAction,
    AdvanceFleetOperationStageAdvanced,
    AdvanceFleetOperationStageAlreadyFinalStage,
    AdvanceFleetOperationStageGuardBlocked,
    AdvanceFleetOperationStageOutput,
    CancelFleetOperationAction,
    CreateFleetOperationAction,
    CreateFleetOperationOutput,
    FleetOperationDevicePropertyGate,
    FleetOperationProgress,
    FleetOperationSelectionError,
    FleetOperationSummary,
    FleetOperationTarget,
    GetFleetOperationAction,
    GetFleetOperationFound,
    GetFleetOperationNotFound,
    GetFleetOperationOutput,
    PauseFleetOperationAction,
    QueryFleetOperationsAction,
    QueryFleetOperationSelectionErrorsAction,
    QueryFleetOperationSelectionErrorsOutput,
    QueryFleetOperationsOutput,
    QueryFleetOperationTargetsAction,
    QueryFleetOperationTargetsOutput,
    StartFleetOperationAction,
)
from nexigon_fake.wire.operations import DeviceOperationStep


def check_create(request: CreateFleetOperationAction) -> None:
    """Definition-time rules (D17, C3) over every expression root in field order (selector
    predicates, gate predicates, steps), then the cross-field ``closeWhenConverged`` rule."""
    for index, predicate in enumerate(request.selector.predicates):
        check_definition(predicate, f"$.selector.predicates[{index}]")
    for index, stage in enumerate(request.stages):
        for gate_index, gate in enumerate(stage.guard.gates if stage.guard else ()):
            if isinstance(gate, FleetOperationDevicePropertyGate):
                at = f"$.stages[{index}].guard.gates[{gate_index}].predicate"
                check_definition(gate.predicate, at)
    check_steps(request.steps)
    if request.close_when_converged is False and request.enrollment_interval_secs is None:
        raise InvalidError(rule=MSG_FLEET_CLOSE_NEEDS_INTERVAL, path="$.closeWhenConverged")


def _fleet(store: Store, fleet_operation_id: str) -> FleetOperationRecord:
    found = store.fleet_operations.fleets.get(fleet_operation_id)
    if found is None:
        raise NotFoundError(MSG_FLEET_NOT_FOUND.format(id=fleet_operation_id))
    return found


def _audit(ctx: Context, event: str, fleet: FleetOperationRecord, **extra: int) -> None:
    """D40: ``{projectId, fleetOperationId}`` (+ ``stageIndex`` for an advance)."""
    data: dict[str, object] = {
        "projectId": fleet.project_id,
        "fleetOperationId": fleet.fleet_operation_id,
        **extra,
    }
    ctx.audit(event, data, project_id=fleet.project_id)


def _stamp(instant: dt.datetime | None) -> str | None:
    return None if instant is None else format_timestamp(instant)


def summary(fleet: FleetOperationRecord) -> FleetOperationSummary:
    totals = {status: fleet.total(status) for status in fleet.tally[0]} if fleet.tally else {}
    return FleetOperationSummary(
        fleet_operation_id=fleet.fleet_operation_id,
        project_id=fleet.project_id,
        name=fleet.name,
        description=fleet.description,
        status=fleet.status,
        enrollment_interval_secs=fleet.enrollment_interval_secs,  # as requested (D45)
        last_enrollment_at=_stamp(fleet.last_enrollment_at),
        close_when_converged=fleet.close_when_converged,
        active_stage_index=fleet.active_stage_index,
        stage_count=len(fleet.stages),
        progress=FleetOperationProgress(
            total=sum(totals.values()),
            pending=totals.get("Pending", 0),
            running=totals.get("Running", 0),
            succeeded=totals.get("Succeeded", 0),
            failed=totals.get("Failed", 0),
            timed_out=totals.get("TimedOut", 0),
            cancelled=totals.get("Cancelled", 0),
        ),
        created_at=format_timestamp(fleet.created_at),
        started_at=_stamp(fleet.started_at),
        completed_at=_stamp(fleet.completed_at),
    )


def create_operation(
    ctx: Context, request: CreateFleetOperationAction
) -> CreateFleetOperationOutput:
    """A ``Draft`` without targets (D37); ``deviceIds`` must be devices of the project (D17,
    checked after access, C3)."""
    store = ctx.store
    project = store.project(request.project_id)
    for index, device_id in enumerate(request.selector.device_ids or ()):
        device = store.devices.get(device_id)
        if device is None or device.project_id != project.project_id:
            rule = MSG_FLEET_DEVICE_NOT_IN_PROJECT.format(
                device_id=device_id, project_id=project.project_id
            )
            raise InvalidError(rule=rule, path=f"$.selector.deviceIds[{index}]")
    interval = request.enrollment_interval_secs
    close = (
        True
        if interval is None or request.close_when_converged is None
        else (request.close_when_converged)
    )
    steps: list[DeviceOperationStep] = list(request.steps)
    fleet = FleetOperationRecord(
        fleet_operation_id=store.ids.flat("flt_op"),
        project_id=project.project_id,
        created_by=ctx.actor,
        name=request.name,
        description=request.description,
        enrollment_interval_secs=interval,
        close_when_converged=close,
        selector=request.selector,
        stages=list(request.stages),
        steps=steps,
        status="Draft",
        created_at=store.now(),
        sequence=store.next_sequence(),
    )
    store.fleet_operations.add(fleet)
    _audit(ctx, "fleet_OperationCreated", fleet)
    return CreateFleetOperationOutput(fleet_operation_id=fleet.fleet_operation_id)


def start_operation(ctx: Context, request: StartFleetOperationAction) -> Empty:
    """``Draft`` -> ``Running`` with the first enrolment pass; ``Paused`` -> ``Running``
    where it stopped (audited again, C48); ``Running`` is a no-op (D37)."""
    store = ctx.store
    fleet = _fleet(store, request.fleet_operation_id)
    if fleet.status == "Running":
        return Empty()
    if fleet.status == "Draft":
        fleet.status = "Running"
        fleet.started_at = store.now()
        driver.enrol(store, fleet)
    elif fleet.status == "Paused":
        fleet.status = "Running"
        driver.thaw(store, fleet)
    else:
        raise InvalidError(
            MSG_FLEET_CANNOT_START.format(id=fleet.fleet_operation_id, status=fleet.status)
        )
    _audit(ctx, "fleet_OperationStarted", fleet)
    store.fleet_operations.dirty[fleet.fleet_operation_id] = None
    operation_driver.settle(store)
    return Empty()


def pause_operation(ctx: Context, request: PauseFleetOperationAction) -> Empty:
    """Halts without undoing (FLT@H:L592-609): its device operations freeze (D38)."""
    store = ctx.store
    fleet = _fleet(store, request.fleet_operation_id)
    if fleet.status == "Paused":
        return Empty()
    if fleet.status != "Running":
        raise InvalidError(MSG_FLEET_PAUSE_NOT_RUNNING)
    fleet.status = "Paused"
    driver.freeze(store, fleet)
    _audit(ctx, "fleet_OperationPaused", fleet)
    return Empty()


def cancel_operation(ctx: Context, request: CancelFleetOperationAction) -> Empty:
    """Non-terminal target operations are cancelled with it; cancelling again is a no-op."""
    store = ctx.store
    fleet = _fleet(store, request.fleet_operation_id)
    if fleet.status == "Cancelled":
        return Empty()
    if fleet.status in ("Completed", "Failed"):
        raise InvalidError(
            MSG_FLEET_ALREADY.format(id=fleet.fleet_operation_id, status=fleet.status)
        )
    driver.cancel_targets(store, fleet)
    driver.finish(store, fleet, "Cancelled")
    _audit(ctx, "fleet_OperationCancelled", fleet)
    operation_driver.settle(store)
    return Empty()


def advance_operation_stage(
    ctx: Context, request: AdvanceFleetOperationStageAction
) -> AdvanceFleetOperationStageOutput:
    """The frontier stage's guard decides (§III.7.5); passing activates the next stage."""
    store = ctx.store
    fleet = _fleet(store, request.fleet_operation_id)
    if fleet.status != "Running":
        raise InvalidError(MSG_FLEET_ADVANCE_NOT_RUNNING)
    if fleet.active_stage_index >= len(fleet.stages) - 1:
        return AdvanceFleetOperationStageAlreadyFinalStage()
    passed, status = guard_status(store, fleet, fleet.active_stage_index)
    if not passed:
        return AdvanceFleetOperationStageGuardBlocked(
            min_success_percent=status.min_success_percent,
            success_percent=status.success_percent,
            max_failure_percent=status.max_failure_percent,
            failure_percent=status.failure_percent,
            gates=status.gates,
        )
    driver.activate(store, fleet, fleet.active_stage_index + 1)
    _audit(ctx, "fleet_OperationStageAdvanced", fleet, stageIndex=fleet.active_stage_index)
    operation_driver.settle(store)
    return AdvanceFleetOperationStageAdvanced()


def get_operation(ctx: Context, request: GetFleetOperationAction) -> GetFleetOperationOutput:
    """``NotFound`` for missing and inaccessible alike (C47)."""
    store = ctx.store
    fleet = store.fleet_operations.fleets.get(request.fleet_operation_id)
    if fleet is None:
        return GetFleetOperationNotFound()
    project = store.projects[fleet.project_id]
    if organization_role(store, ctx.actor, project.organization_id) < Role.MEMBER:
        return GetFleetOperationNotFound()
    return GetFleetOperationFound(
        summary=summary(fleet),
        selector=fleet.selector,
        stages=list(fleet.stages),
        steps=list(fleet.steps),
    )


def query_operations(
    ctx: Context, request: QueryFleetOperationsAction
) -> QueryFleetOperationsOutput:
    """Newest first by creation, ties newest recorded first (D30)."""
    store = ctx.store
    project = store.project(request.project_id)
    fleets = store.fleet_operations
    found = [fleets.fleets[i] for i in fleets.by_project.get(project.project_id, {})]
    found.sort(key=lambda f: (f.created_at, f.sequence), reverse=True)
    return QueryFleetOperationsOutput(operations=[summary(f) for f in found])


def query_operation_targets(
    ctx: Context, request: QueryFleetOperationTargetsAction
) -> QueryFleetOperationTargetsOutput:
    """By stage, then enrolment order (D30); each mirrors its device operation (D38)."""
    store = ctx.store
    fleet = _fleet(store, request.fleet_operation_id)
    operations = store.operations.operations
    targets = sorted(fleet.targets.values(), key=lambda t: t.stage_index)
    out = []
    for target in targets:
        operation = operations[target.device_operation_id]
        out.append(
            FleetOperationTarget(
                device_id=target.device_id,
                device_operation_id=target.device_operation_id,
                stage_index=target.stage_index,
                step_index=operation.step_index,
                status=operation.status,
                last_error=operation.last_error,
                updated_at=format_timestamp(operation.updated_at),
                step_states=step_states(operation),
            )
        )
    return QueryFleetOperationTargetsOutput(targets=out)


def query_operation_selection_errors(
    ctx: Context, request: QueryFleetOperationSelectionErrorsAction
) -> QueryFleetOperationSelectionErrorsOutput:
    """In device creation order (D30)."""
    store = ctx.store
    fleet = _fleet(store, request.fleet_operation_id)
    errors = fleet.selection_errors
    project_devices = store.projects[fleet.project_id].device_ids if errors else {}
    ordered = [errors[d] for d in project_devices if d in errors]
    return QueryFleetOperationSelectionErrorsOutput(
        errors=[
            FleetOperationSelectionError(
                device_id=e.device_id, error=e.error, updated_at=format_timestamp(e.updated_at)
            )
            for e in ordered
        ]
    )
