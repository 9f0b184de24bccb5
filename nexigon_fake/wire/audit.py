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
