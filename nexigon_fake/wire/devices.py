"""Inputs and outputs of the ``devices`` namespace, named as upstream."""

from __future__ import annotations

from typing import Annotated, Literal

from nexigon_fake.ids import END
from nexigon_fake.wire.audit import AuditLogEvent
from nexigon_fake.wire.common import (
    I64,
    U32,
    Action,
    CertificateFingerprint,
    ClusterNodeId,
    DeviceCertificateId,
    DeviceConnectionId,
    DeviceEventId,
    DeviceFingerprint,
    DeviceFingerprintId,
    DeviceId,
    Empty,
    JsonValue,
    Limit,
    ProjectId,
    Timestamp,
    ValidForSecs,
    WireStruct,
    length_rule,
    normalize_certificate_fingerprint,
    normalize_timestamp,
    range_rule,
)

DeviceCertificateStatus = Literal["Pending", "Active", "Rejected", "Revoked", "Conflict"]
ConnectionEndReason = Literal["Unknown", "Disconnected", "NodeCrashed", "ServerShutdown"]
DeviceEventSeverity = Literal["Trace", "Debug", "Info", "Warning", "Error", "Critical"]

PROPERTY_NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9._-]*" + END
PropertyName = Annotated[
    str,
    length_rule(
        1,
        256,
        "Property name must be between 1 and 256 characters.",
        pattern=PROPERTY_NAME_PATTERN,
        rule="Property name must start with a letter or digit and contain only letters, digits, "
        "dots, underscores, or hyphens.",
    ),
]
DeviceName = Annotated[
    str, length_rule(1, 128, "Device name must be between 1 and 128 characters.")
]
EventCategory = Annotated[
    str, length_rule(1, 128, "Event category must be between 1 and 128 characters.")
]
HOSTNAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9.-]*" + END
ProxyHostname = Annotated[
    str,
    length_rule(
        1,
        253,
        "Hostname must be between 1 and 253 characters.",
        pattern=HOSTNAME_PATTERN,
        rule="Hostname must start with a letter or digit and contain only letters, digits, `.` "
        "and `-`.",
    ),
]
ProxyPort = Annotated[int, range_rule(1, 65535, "Port must be between 1 and 65535.")]
RedirectUrl = Annotated[
    str, length_rule(1, 2048, "Redirect URL must be between 1 and 2048 characters.")
]


# devices_Query


class QueryDevicesItem(WireStruct):
    device_id: DeviceId
    project_id: ProjectId
    is_connected: bool
    last_connected_at: Timestamp | None = None
    current_connection_duration_secs: U32 | None = None


class QueryDevicesOutput(WireStruct):
    devices: list[QueryDevicesItem]


class QueryDevicesAction(Action[QueryDevicesOutput]):
    pass


# devices_GetDetails


class DeviceCertificate(WireStruct):
    certificate_id: DeviceCertificateId
    status: DeviceCertificateStatus
    fingerprint: CertificateFingerprint
    first_seen: Timestamp


class DeviceConnection(WireStruct):
    connection_id: DeviceConnectionId
    node_id: ClusterNodeId
    connected_at: Timestamp
    connected_for_secs: int


class GetDeviceDetailsOutput(WireStruct, kw_only=True):
    device_id: DeviceId
    project_id: ProjectId
    fingerprint_id: DeviceFingerprintId
    name: str | None = None
    is_connected: bool
    certificates: list[DeviceCertificate]
    connections: list[DeviceConnection]


class GetDeviceDetailsAction(Action[GetDeviceDetailsOutput]):
    device_id: DeviceId


# devices_Create / Delete / SetName


class CreateDeviceOutput(WireStruct):
    device_id: DeviceId


class CreateDeviceAction(Action[CreateDeviceOutput]):
    project_id: ProjectId
    fingerprint: DeviceFingerprint


class DeleteDeviceAction(Action[Empty]):
    device_id: DeviceId


class SetDeviceNameAction(Action[Empty]):
    device_id: DeviceId
    name: DeviceName | None = None


# Device tokens


class IssueDeviceTokenOutput(WireStruct):
    jwt: str


class IssueDeviceTokenAction(Action[IssueDeviceTokenOutput]):
    device_id: DeviceId
    valid_for_secs: ValidForSecs | None = None
    claims: JsonValue = None


class ValidateDeviceTokenInvalid(WireStruct, tag_field="result", tag="Invalid"):
    pass


class ValidateDeviceTokenSuccess(WireStruct, tag_field="result", tag="Valid"):
    device_id: DeviceId
    claims: JsonValue


ValidateDeviceTokenOutput = ValidateDeviceTokenInvalid | ValidateDeviceTokenSuccess


class ValidateDeviceTokenAction(Action[ValidateDeviceTokenOutput]):
    jwt: str


# Certificates


class AddDeviceCertificateOutput(WireStruct):
    certificate_id: DeviceCertificateId


class AddDeviceCertificateAction(Action[AddDeviceCertificateOutput]):
    device_id: DeviceId
    fingerprint: CertificateFingerprint
    status: DeviceCertificateStatus | None = None

    def __post_init__(self) -> None:
        self.fingerprint = normalize_certificate_fingerprint(self.fingerprint)


class DeleteDeviceCertificateAction(Action[Empty]):
    certificate_id: DeviceCertificateId


class SetDeviceCertificateStatusAction(Action[Empty]):
    certificate_id: DeviceCertificateId
    status: DeviceCertificateStatus


# Connections


class RegisterDeviceConnectionOutput(WireStruct):
    connection_id: DeviceConnectionId


class RegisterDeviceConnectionAction(Action[RegisterDeviceConnectionOutput]):
    device_id: DeviceId
    node_id: ClusterNodeId
    connection_id: DeviceConnectionId


class UnregisterDeviceConnectionAction(Action[Empty]):
    connection_id: DeviceConnectionId
    end_reason: ConnectionEndReason


class DeviceConnectionLog(WireStruct, kw_only=True):
    connection_id: DeviceConnectionId
    node_id: ClusterNodeId
    connected_at: Timestamp
    ended_at: Timestamp | None = None
    end_reason: ConnectionEndReason | None = None
    duration_secs: int


class QueryDeviceConnectionsOutput(WireStruct):
    connections: list[DeviceConnectionLog]


class QueryDeviceConnectionsAction(Action[QueryDeviceConnectionsOutput]):
    device_id: DeviceId
    limit: Limit | None = None
    active_only: bool | None = None


# HTTP proxy tokens


class IssueDeviceHttpProxyTokenOutput(WireStruct):
    jwt: str
    url: str


class IssueDeviceHttpProxyTokenAction(Action[IssueDeviceHttpProxyTokenOutput]):
    device_id: DeviceId
    valid_for_secs: ValidForSecs | None = None
    hostname: ProxyHostname | None = None
    port: ProxyPort | None = None
    redirect: RedirectUrl | None = None


class ValidateDeviceHttpProxyTokenInvalid(WireStruct, tag_field="result", tag="Invalid"):
    redirect: str | None = None


class ValidateDeviceHttpProxyTokenSuccess(WireStruct, tag_field="result", tag="Valid"):
    device_id: DeviceId
    hostname: str | None = None
    port: int | None = None


ValidateDeviceHttpProxyTokenOutput = (
    ValidateDeviceHttpProxyTokenInvalid | ValidateDeviceHttpProxyTokenSuccess
)


class ValidateDeviceHttpProxyTokenAction(Action[ValidateDeviceHttpProxyTokenOutput]):
    jwt: str


# Events


class DeviceEvent(WireStruct, kw_only=True):
    event_id: DeviceEventId
    category: EventCategory | None = None
    severity: DeviceEventSeverity
    body: JsonValue
    attributes: dict[str, JsonValue]
    emitted_at: Timestamp
    received_at: Timestamp | None = None

    def __post_init__(self) -> None:
        self.emitted_at = normalize_timestamp(self.emitted_at, "emittedAt")
        if self.received_at is not None:
            self.received_at = normalize_timestamp(self.received_at, "receivedAt")


class PublishDeviceEventsAction(Action[Empty]):
    device_id: DeviceId
    events: list[DeviceEvent]


class QueryDeviceEventsOutput(WireStruct):
    events: list[DeviceEvent]


class QueryDeviceEventsAction(Action[QueryDeviceEventsOutput]):
    device_id: DeviceId
    limit: Limit | None = None


# Properties


class DeviceProperty(WireStruct):
    name: str
    value: JsonValue
    protected: bool
    version: I64
    last_updated: Timestamp


class SetDevicePropertySet(WireStruct, tag_field="result", tag="Set"):
    pass


class SetDevicePropertyVersionConflict(WireStruct, tag_field="result", tag="VersionConflict"):
    current_version: I64


class SetDevicePropertyDeleted(WireStruct, tag_field="result", tag="Deleted"):
    pass


SetDevicePropertyOutput = (
    SetDevicePropertySet | SetDevicePropertyVersionConflict | SetDevicePropertyDeleted
)


class SetDevicePropertyAction(Action[SetDevicePropertyOutput]):
    device_id: DeviceId
    name: PropertyName
    value: JsonValue
    protected: bool | None = None
    expected_version: I64 | None = None


class GetDevicePropertyNotFound(WireStruct, tag_field="result", tag="NotFound"):
    pass


class GetDevicePropertyFound(DeviceProperty, tag_field="result", tag="Found"):
    pass


GetDevicePropertyOutput = GetDevicePropertyNotFound | GetDevicePropertyFound


class GetDevicePropertyAction(Action[GetDevicePropertyOutput]):
    device_id: DeviceId
    name: PropertyName


class RemoveDevicePropertyNotFound(WireStruct, tag_field="result", tag="NotFound"):
    pass


class RemoveDevicePropertyRemoved(WireStruct, tag_field="result", tag="Removed"):
    pass


RemoveDevicePropertyOutput = RemoveDevicePropertyNotFound | RemoveDevicePropertyRemoved


class RemoveDevicePropertyAction(Action[RemoveDevicePropertyOutput]):
    device_id: DeviceId
    name: PropertyName


class QueryDevicePropertiesOutput(WireStruct):
    properties: dict[str, DeviceProperty]


class QueryDevicePropertiesAction(Action[QueryDevicePropertiesOutput]):
    device_id: DeviceId


# Audit log and commands


class QueryDeviceAuditLogOutput(WireStruct):
    events: list[AuditLogEvent]


class QueryDeviceAuditLogAction(Action[QueryDeviceAuditLogOutput]):
    device_id: DeviceId


class DeviceCommandDescriptor(WireStruct):
    name: str
    description: str | None = None
    category: str | None = None
    input: JsonValue | None = None
    output: JsonValue | None = None


class DeviceCommandManifest(WireStruct):
    commands: list[DeviceCommandDescriptor]


class QueryDeviceCommandsOutput(WireStruct):
    manifest: DeviceCommandManifest


class QueryDeviceCommandsAction(Action[QueryDeviceCommandsOutput]):
    device_id: DeviceId
