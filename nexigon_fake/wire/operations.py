"""Device operations on the wire (SEMANTICS-HEAD §III.4.2-III.4.3), named as upstream.

Steps are tagged by ``kind`` with their record flattened next to the tag; the two
device-executable records double as the variants of ``DeviceOperationWorkStep``. The three
``timeoutSecs`` rules differ per step kind under one field name; the decoder finds each rule's
message through the variant the payload's tag names.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from nexigon_fake.errors import (
    MSG_COMMAND_TIMEOUT_RANGE,
    MSG_OPERATION_NEEDS_STEP,
    MSG_TASK_TIMEOUT_RANGE,
    MSG_WAIT_TIMEOUT_RANGE,
)
from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.common import (
    U32,
    Action,
    DeviceId,
    DeviceOperationId,
    DeviceOperationWorkClaimId,
    Empty,
    FleetOperationId,
    JsonValue,
    ProjectId,
    Timestamp,
    WireStruct,
    length_rule,
    range_rule,
)
from nexigon_fake.wire.devices import PropertyName
from nexigon_fake.wire.json import JsonExpr, JsonMutation

DeviceOperationStatus = Literal[
    "Pending", "Running", "Succeeded", "Failed", "TimedOut", "Cancelled"
]
DeviceOperationStepStatus = Literal[
    "Pending", "Running", "Succeeded", "Failed", "TimedOut", "Skipped"
]
DeviceOperationWorkKind = Literal["DeviceCommand", "DeviceTask"]
DeviceOperationStepReportStatus = Literal["Running", "Succeeded", "Failed"]

CommandName = Annotated[
    str, length_rule(1, 256, "Command name must be between 1 and 256 characters.")
]
TaskName = Annotated[
    str, length_rule(1, 256, "Device task name must be between 1 and 256 characters.")
]
OperationName = Annotated[
    str, length_rule(1, 128, "Device operation name must be between 1 and 128 characters.")
]
OperationDescription = Annotated[
    str, length_rule(0, 4096, "Device operation description must be at most 4096 characters.")
]
ReportError = Annotated[str, length_rule(0, 4096, "Error message must be at most 4096 characters.")]
ClaimLimit = Annotated[int, range_rule(1, 20, "Claim limit must be between 1 and 20.")]


CommandTimeout = Annotated[int, range_rule(1, 86_400, MSG_COMMAND_TIMEOUT_RANGE)]
TaskTimeout = Annotated[int, range_rule(1, 604_800, MSG_TASK_TIMEOUT_RANGE)]
WaitTimeout = Annotated[int, range_rule(1, 604_800, MSG_WAIT_TIMEOUT_RANGE)]


# Steps


class DeviceOperationSetDevicePropertyStep(
    WireStruct, tag_field="kind", tag="SetDeviceProperty", kw_only=True
):
    when: JsonExpr | None = None
    name: PropertyName
    value: JsonValue
    protected: bool | None = None


class DeviceOperationUpdateDevicePropertyStep(
    WireStruct, tag_field="kind", tag="UpdateDeviceProperty", kw_only=True
):
    when: JsonExpr | None = None
    name: PropertyName
    mutation: JsonMutation
    protected: bool | None = None


class DeviceOperationRemoveDevicePropertyStep(
    WireStruct, tag_field="kind", tag="RemoveDeviceProperty", kw_only=True
):
    when: JsonExpr | None = None
    name: PropertyName


class DeviceOperationDeviceCommandStep(
    WireStruct, tag_field="kind", tag="DeviceCommand", kw_only=True
):
    when: JsonExpr | None = None
    command: CommandName
    input: JsonValue
    timeout_secs: CommandTimeout | None = None


class DeviceOperationDeviceTaskStep(WireStruct, tag_field="kind", tag="DeviceTask", kw_only=True):
    when: JsonExpr | None = None
    task: TaskName
    input: JsonValue
    timeout_secs: TaskTimeout | None = None


class DeviceOperationWaitForDevicePropertyStep(
    WireStruct, tag_field="kind", tag="WaitForDeviceProperty", kw_only=True
):
    when: JsonExpr | None = None
    predicate: JsonExpr
    timeout_secs: WaitTimeout | None = None


DeviceOperationStep = (
    DeviceOperationSetDevicePropertyStep
    | DeviceOperationUpdateDevicePropertyStep
    | DeviceOperationRemoveDevicePropertyStep
    | DeviceOperationDeviceCommandStep
    | DeviceOperationDeviceTaskStep
    | DeviceOperationWaitForDevicePropertyStep
)
# D17/D24: at least one step; a list rule, so its message comes with the field's path.
Steps = Annotated[
    list[DeviceOperationStep],
    msgspec.Meta(min_length=1, extra={"message": MSG_OPERATION_NEEDS_STEP}),
]
DeviceOperationWorkStep = DeviceOperationDeviceCommandStep | DeviceOperationDeviceTaskStep
HUB_SIDE_STEPS = (
    DeviceOperationSetDevicePropertyStep,
    DeviceOperationUpdateDevicePropertyStep,
    DeviceOperationRemoveDevicePropertyStep,
)
DEVICE_WORK_STEPS = (DeviceOperationDeviceCommandStep, DeviceOperationDeviceTaskStep)


# Records


class DeviceOperationSummary(WireStruct, kw_only=True):
    device_operation_id: DeviceOperationId
    project_id: ProjectId
    device_id: DeviceId
    created_by: Actor | None = None
    fleet_operation_id: FleetOperationId | None = None
    name: str
    description: str | None = None
    status: DeviceOperationStatus
    step_index: U32
    step_count: U32
    last_error: str | None = None
    created_at: Timestamp
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    updated_at: Timestamp


class DeviceOperationStepState(WireStruct):
    step_index: U32
    status: DeviceOperationStepStatus
    output: JsonValue = None  # `null` is absent (III.2.5)
    error: str | None = None
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    checkpoint: JsonValue = None


class DeviceOperationDetails(WireStruct):
    summary: DeviceOperationSummary
    steps: list[DeviceOperationStep]
    step_states: list[DeviceOperationStepState]


class DeviceOperationWorkItem(WireStruct, kw_only=True):
    device_operation_id: DeviceOperationId
    claim_id: DeviceOperationWorkClaimId
    operation_name: str
    step_index: U32
    checkpoint: JsonValue = None
    step: DeviceOperationWorkStep


class DeviceOperationStepReport(WireStruct):
    status: DeviceOperationStepReportStatus
    output: JsonValue = None
    checkpoint: JsonValue = None
    error: ReportError | None = None


# devices_QueryOperations


class QueryDeviceOperationsOutput(WireStruct):
    operations: list[DeviceOperationSummary]


class QueryDeviceOperationsAction(Action[QueryDeviceOperationsOutput]):
    device_id: DeviceId


# devices_GetOperation


class GetDeviceOperationNotFound(WireStruct, tag_field="result", tag="NotFound"):
    pass


class GetDeviceOperationFound(DeviceOperationDetails, tag_field="result", tag="Found"):
    pass


GetDeviceOperationOutput = GetDeviceOperationNotFound | GetDeviceOperationFound


class GetDeviceOperationAction(Action[GetDeviceOperationOutput]):
    device_operation_id: DeviceOperationId


# devices_CreateOperation / StartOperation / CancelOperation


class CreateDeviceOperationOutput(WireStruct):
    device_operation_id: DeviceOperationId


class CreateDeviceOperationAction(Action[CreateDeviceOperationOutput], kw_only=True):
    device_id: DeviceId
    name: OperationName
    description: OperationDescription | None = None
    steps: Steps


class StartDeviceOperationAction(Action[Empty]):
    device_operation_id: DeviceOperationId


class CancelDeviceOperationAction(Action[Empty]):
    device_operation_id: DeviceOperationId


# devices_ClaimOperationWork / ReportOperationStep


class ClaimDeviceOperationWorkOutput(WireStruct):
    work: list[DeviceOperationWorkItem]


class ClaimDeviceOperationWorkAction(Action[ClaimDeviceOperationWorkOutput]):
    device_id: DeviceId
    limit: ClaimLimit | None = None
    kinds: list[DeviceOperationWorkKind] | None = None


class ReportDeviceOperationStepAction(Action[Empty]):
    device_id: DeviceId
    device_operation_id: DeviceOperationId
    step_index: U32
    claim_id: DeviceOperationWorkClaimId
    report: DeviceOperationStepReport
