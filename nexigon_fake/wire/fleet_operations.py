"""Fleet operations on the wire (SEMANTICS-HEAD §III.7.2-III.7.3, FLT@H:L195-616), named as
upstream.

Gates are tagged by ``kind``, outputs with variants by ``result``, records flattened next to
the tag (III.2.1). Stored definitions are echoed as given (D45): ``deviceIds`` without
duplicates in first-seen order and ``notBefore`` in D3 form (C50), nothing else filled in.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from nexigon_fake.errors import MSG_FLEET_NEEDS_STAGE
from nexigon_fake.wire.common import (
    U32,
    U32_MAX,
    Action,
    DeviceId,
    DeviceOperationId,
    Empty,
    FleetOperationId,
    ProjectId,
    Timestamp,
    WireStruct,
    length_rule,
    normalize_timestamp,
    range_rule,
)
from nexigon_fake.wire.json import JsonExpr
from nexigon_fake.wire.operations import (
    DeviceOperationStatus,
    DeviceOperationStep,
    DeviceOperationStepState,
    Steps,
)

FleetOperationStatus = Literal["Draft", "Running", "Paused", "Completed", "Failed", "Cancelled"]

StageName = Annotated[str, length_rule(1, 128, "Stage name must be between 1 and 128 characters.")]
StagePercentage = Annotated[int, range_rule(1, 100, "Stage percentage must be between 1 and 100.")]
SuccessPercent = Annotated[int, range_rule(0, 100, "Success percentage must be between 0 and 100.")]
FailurePercent = Annotated[int, range_rule(0, 100, "Failure percentage must be between 0 and 100.")]
MatchPercent = Annotated[int, range_rule(0, 100, "Match percentage must be between 0 and 100.")]
FleetOperationName = Annotated[
    str, length_rule(1, 128, "Fleet operation name must be between 1 and 128 characters.")
]
FleetOperationDescription = Annotated[
    str, length_rule(0, 4096, "Fleet operation description must be at most 4096 characters.")
]
# A u32 of at least 1: one message for both bounds (the upper one is the type's, C6).
EnrollmentInterval = Annotated[
    int, range_rule(1, U32_MAX, "Enrollment interval must be at least one second.")
]


# Definitions


class FleetOperationTargetSelector(WireStruct, kw_only=True):
    device_ids: list[DeviceId] | None = None
    predicates: list[JsonExpr]

    def __post_init__(self) -> None:
        if self.device_ids is not None:  # C50: echoed without duplicates, first seen first
            self.device_ids = list(dict.fromkeys(self.device_ids))


class FleetOperationDevicePropertyGate(WireStruct, tag_field="kind", tag="DeviceProperty"):
    predicate: JsonExpr
    min_match_percent: MatchPercent


class FleetOperationNotBeforeGate(WireStruct, tag_field="kind", tag="NotBefore"):
    not_before: Timestamp

    def __post_init__(self) -> None:
        self.not_before = normalize_timestamp(self.not_before, "notBefore")


FleetOperationStageGate = FleetOperationDevicePropertyGate | FleetOperationNotBeforeGate


class FleetOperationStageGuard(WireStruct, kw_only=True):
    min_success_percent: SuccessPercent | None = None
    max_failure_percent: FailurePercent | None = None
    gates: list[FleetOperationStageGate]


class FleetOperationStage(WireStruct):
    name: StageName
    percentage: StagePercentage | None = None
    auto_advance: bool | None = None
    guard: FleetOperationStageGuard | None = None


# D17: at least one stage; a list rule, so its message comes with the field's path.
Stages = Annotated[
    list[FleetOperationStage],
    msgspec.Meta(min_length=1, extra={"message": MSG_FLEET_NEEDS_STAGE}),
]


# Records


class FleetOperationProgress(WireStruct):
    total: U32
    pending: U32
    running: U32
    succeeded: U32
    failed: U32
    timed_out: U32
    cancelled: U32


class FleetOperationSummary(WireStruct, kw_only=True):
    fleet_operation_id: FleetOperationId
    project_id: ProjectId
    name: str
    description: str | None = None
    status: FleetOperationStatus
    enrollment_interval_secs: U32 | None = None
    last_enrollment_at: Timestamp | None = None
    close_when_converged: bool
    active_stage_index: U32
    stage_count: U32
    progress: FleetOperationProgress
    created_at: Timestamp
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None


class FleetOperationDetails(WireStruct):
    summary: FleetOperationSummary
    selector: FleetOperationTargetSelector
    stages: list[FleetOperationStage]
    steps: list[DeviceOperationStep]


class FleetOperationSelectionError(WireStruct):
    device_id: DeviceId
    error: str
    updated_at: Timestamp


class FleetOperationTarget(WireStruct, kw_only=True):
    device_id: DeviceId
    device_operation_id: DeviceOperationId
    stage_index: U32
    step_index: U32
    status: DeviceOperationStatus
    last_error: str | None = None
    updated_at: Timestamp
    step_states: list[DeviceOperationStepState]


class FleetOperationStageGateStatus(WireStruct, kw_only=True):
    gate_index: U32
    passed: bool
    summary: str
    actual_percent: U32
    threshold_percent: U32
    evaluation_error_count: U32
    evaluation_error: str | None = None


class FleetOperationStageGuardStatus(WireStruct, kw_only=True):
    min_success_percent: U32 | None = None
    success_percent: U32
    max_failure_percent: U32 | None = None
    failure_percent: U32
    gates: list[FleetOperationStageGateStatus]


# fleet_QueryOperations


class QueryFleetOperationsOutput(WireStruct):
    operations: list[FleetOperationSummary]


class QueryFleetOperationsAction(Action[QueryFleetOperationsOutput]):
    project_id: ProjectId


# fleet_GetOperation


class GetFleetOperationNotFound(WireStruct, tag_field="result", tag="NotFound"):
    pass


class GetFleetOperationFound(FleetOperationDetails, tag_field="result", tag="Found"):
    pass


GetFleetOperationOutput = GetFleetOperationNotFound | GetFleetOperationFound


class GetFleetOperationAction(Action[GetFleetOperationOutput]):
    fleet_operation_id: FleetOperationId


# fleet_CreateOperation


class CreateFleetOperationOutput(WireStruct):
    fleet_operation_id: FleetOperationId


class CreateFleetOperationAction(Action[CreateFleetOperationOutput], kw_only=True):
    project_id: ProjectId
    name: FleetOperationName
    description: FleetOperationDescription | None = None
    enrollment_interval_secs: EnrollmentInterval | None = None
    close_when_converged: bool | None = None
    selector: FleetOperationTargetSelector
    stages: Stages
    steps: Steps


# fleet_StartOperation / PauseOperation / CancelOperation


class StartFleetOperationAction(Action[Empty]):
    fleet_operation_id: FleetOperationId


class PauseFleetOperationAction(Action[Empty]):
    fleet_operation_id: FleetOperationId


class CancelFleetOperationAction(Action[Empty]):
    fleet_operation_id: FleetOperationId


# fleet_AdvanceOperationStage


class AdvanceFleetOperationStageAdvanced(WireStruct, tag_field="result", tag="Advanced"):
    pass


class AdvanceFleetOperationStageAlreadyFinalStage(
    WireStruct, tag_field="result", tag="AlreadyFinalStage"
):
    pass


class AdvanceFleetOperationStageGuardBlocked(
    FleetOperationStageGuardStatus, tag_field="result", tag="GuardBlocked"
):
    pass


AdvanceFleetOperationStageOutput = (
    AdvanceFleetOperationStageAdvanced
    | AdvanceFleetOperationStageAlreadyFinalStage
    | AdvanceFleetOperationStageGuardBlocked
)


class AdvanceFleetOperationStageAction(Action[AdvanceFleetOperationStageOutput]):
    fleet_operation_id: FleetOperationId


# fleet_QueryOperationTargets / QueryOperationSelectionErrors


class QueryFleetOperationTargetsOutput(WireStruct):
    targets: list[FleetOperationTarget]


class QueryFleetOperationTargetsAction(Action[QueryFleetOperationTargetsOutput]):
    fleet_operation_id: FleetOperationId


class QueryFleetOperationSelectionErrorsOutput(WireStruct):
    errors: list[FleetOperationSelectionError]


class QueryFleetOperationSelectionErrorsAction(Action[QueryFleetOperationSelectionErrorsOutput]):
    fleet_operation_id: FleetOperationId
