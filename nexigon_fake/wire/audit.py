"""Audit log events as the devices and projects namespaces return them."""

from __future__ import annotations

from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.common import (
    AuditLogActionId,
    AuditLogEventId,
    JobId,
    JsonValue,
    Timestamp,
    WireStruct,
)

# Audit events of the HEAD actions: upstream names none, so these are the fake's (D40), and
# ``Hub(head_audit_events=False)`` leaves them out of the log.
HEAD_AUDIT_EVENTS = frozenset(
    {
        "devices_OperationCreated",
        "devices_OperationStarted",
        "devices_OperationCancelled",
        "projects_DevicePairingKeyCreated",
        "projects_DevicePairingKeyRevoked",
        "projects_DevicePairingKeyRedeemed",
        "fleet_OperationCreated",
        "fleet_OperationStarted",
        "fleet_OperationPaused",
        "fleet_OperationCancelled",
        "fleet_OperationStageAdvanced",
        "fleet_PropertySet",
        "fleet_PropertyRemoved",
        "fleet_ComputedPropertyDefined",
    }
)


class AuditLogEventAction(WireStruct):
    action_id: AuditLogActionId


class AuditLogEventJob(WireStruct):
    job_id: JobId


class AuditLogEvent(WireStruct):
    event_id: AuditLogEventId
    actor: Actor
    event: str
    data: JsonValue
    created_at: Timestamp
    action: AuditLogEventAction | None = None
    job: AuditLogEventJob | None = None


class QueryAuditLogEventsOutput(WireStruct):
    events: list[AuditLogEvent]
