"""Values the Hub computes rather than stores (SEMANTICS.md §8, D8)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from nexigon_fake.clock import format_timestamp, whole_seconds
from nexigon_fake.state.model import AuditRecord, Device
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.store import Store
from nexigon_fake.wire.audit import AuditLogEvent, AuditLogEventAction
from nexigon_fake.wire.devices import DeviceCommandManifest
from nexigon_fake.wire.projects import DeviceStatus

HEALTH_PROPERTY = "dev.nexigon.system.health"
SYSTEM_INFO_PROPERTY = "dev.nexigon.system.info"
COMMANDS_PROPERTY = "dev.nexigon.commands"

_STATUS_BY_HEALTH: dict[str, DeviceStatus] = {
    "healthy": "healthy",
    "degraded": "warning",
    "error": "error",
}


def is_connected(device: Device) -> bool:
    return bool(device.open_connection_ids)


def current_connection_secs(store: Store, device: Device) -> int | None:
    """Seconds since the most recent open connection began; None when offline."""
    if not device.open_connection_ids:
        return None
    latest = max(store.connections[c].connected_at for c in device.open_connection_ids)
    return whole_seconds(latest, store.now())


def last_connected_at(device: Device) -> str | None:
    if device.last_connected_at is None:
        return None
    return format_timestamp(device.last_connected_at)


def status(device: Device) -> DeviceStatus:
    """offline unless connected; then the reported health, ``healthy`` when unreadable."""
    if not device.open_connection_ids:
        return "offline"
    health = property_codec.read(device, HEALTH_PROPERTY)
    health_value = None if health is None else health.value
    if isinstance(health_value, dict):
        reported = health_value.get("status")
        if isinstance(reported, str) and reported in _STATUS_BY_HEALTH:
            return _STATUS_BY_HEALTH[reported]
    return "healthy"


def hostname(device: Device) -> str | None:
    info = property_codec.read(device, SYSTEM_INFO_PROPERTY)
    info_value = None if info is None else info.value
    if not isinstance(info_value, dict):
        return None
    value = info_value.get("hostname")
    return value if isinstance(value, str) else None


def pending_certificates(store: Store, device: Device) -> int:
    return sum(1 for c in device.certificate_ids if store.certificates[c].status == "Pending")


def command_manifest(device: Device) -> DeviceCommandManifest:
    """The manifest the device published; empty when missing or malformed."""
    prop = property_codec.read(device, COMMANDS_PROPERTY)
    if prop is None:
        return DeviceCommandManifest(commands=[])
    try:
        return msgspec.convert(prop.value, DeviceCommandManifest)
    except msgspec.ValidationError:
        return DeviceCommandManifest(commands=[])


def audit_event(record: AuditRecord) -> AuditLogEvent:
    data: Any = record.data
    return AuditLogEvent(
        event_id=record.event_id,
        actor=record.actor,
        event=record.event,
        data=data,
        created_at=format_timestamp(record.created_at),
        action=None
        if record.action_id is None
        else AuditLogEventAction(action_id=record.action_id),
    )


def audit_events(store: Store, indexes: Sequence[int]) -> list[AuditLogEvent]:
    """Newest first: the log is append-only, so reversed index order is recording order."""
    return [audit_event(store.audit[i]) for i in reversed(indexes)]
