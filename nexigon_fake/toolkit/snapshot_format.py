"""The snapshot format: the stored records and the ``Snapshot`` struct that holds them.

Kept apart from taking and restoring, so the consistency checks can name its types.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final, Literal

import msgspec

from nexigon_fake.clock import parse_timestamp
from nexigon_fake.state.fleet_operation_records import FleetOperationRecord
from nexigon_fake.state.model import (
    AuditRecord,
    Certificate,
    Connection,
    DeploymentTokenRecord,
    Device,
    DevicePairingKeyRecord,
    Organization,
    OrganizationApiTokenRecord,
    Project,
    Property,
    Repository,
    StoredEvent,
    User,
    UserTokenRecord,
    fingerprint_digest,
)
from nexigon_fake.state.operation_records import OperationRecord
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.storage.event_log import EventLog
from nexigon_fake.state.store import Options
from nexigon_fake.wire.common import U64_MAX, CertificateFingerprint
from nexigon_fake.wire.devices import DeviceCertificateStatus

SNAPSHOT_FORMAT: Final = "nexigon-fake-snapshot/1"
MAX_SEED = 2**63 - 1


class ClockState(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    now: dt.datetime
    frozen: bool


class StoredProperty(msgspec.Struct, kw_only=True):
    """A property with its value decoded, as a snapshot shows it."""

    name: str
    value: Any
    protected: bool
    version: Annotated[int, msgspec.Meta(ge=1)]
    last_updated: dt.datetime

    def __post_init__(self) -> None:
        if self.version > U64_MAX:  # beyond msgspec's bounds; a u64 upstream (C6)
            raise ValueError(f"property version {self.version} is beyond 2^64-1")


class StoredCertificate(msgspec.Struct, kw_only=True):
    """A certificate with its fingerprint spelled out; the hub keeps the fingerprint's bytes."""

    certificate_id: str
    device_id: str
    fingerprint: CertificateFingerprint
    status: DeviceCertificateStatus
    first_seen: dt.datetime

    @classmethod
    def of(cls, certificate: Certificate) -> StoredCertificate:
        return cls(
            certificate_id=certificate.certificate_id,
            device_id=certificate.device_id,
            fingerprint=certificate.fingerprint,
            status=certificate.status,
            first_seen=certificate.first_seen,
        )

    def to_certificate(self) -> Certificate:
        return Certificate(
            certificate_id=self.certificate_id,
            device_id=self.device_id,
            digest=fingerprint_digest(self.fingerprint),
            status=self.status,
            first_seen=self.first_seen,
        )


class StoredDevice(msgspec.Struct, kw_only=True):
    """A device with its events listed; the hub keeps them (and property values) encoded."""

    device_id: str
    project_id: str
    fingerprint: str
    name: str | None
    created_at: dt.datetime
    certificate_ids: dict[str, None] = {}
    connection_ids: dict[str, None] = {}
    open_connection_ids: dict[str, None] = {}
    last_connected_at: dt.datetime | None = None
    properties: dict[str, StoredProperty] = {}
    events: list[StoredEvent] = []
    event_ids: dict[str, None] = {}
    revision: int = 0

    @classmethod
    def of(cls, device: Device) -> StoredDevice:
        events = [] if device.events is None else list(device.events)
        return cls(
            device_id=device.device_id,
            project_id=device.project_id,
            fingerprint=device.fingerprint,
            name=device.name,
            created_at=device.created_at,
            certificate_ids=dict.fromkeys(device.certificate_ids),
            connection_ids=device.connection_ids or {},
            open_connection_ids=dict.fromkeys(device.open_connection_ids),
            last_connected_at=device.last_connected_at,
            properties={
                prop.name: StoredProperty(
                    name=prop.name,
                    value=prop.value,
                    protected=prop.protected,
                    version=prop.version,
                    last_updated=prop.last_updated,
                )
                for prop in property_codec.read_all(device)
            },
            events=events,
            event_ids=dict.fromkeys(stored.event.event_id for stored in events),
            revision=device.revision,
        )

    def to_device(self) -> Device:
        device = Device(
            device_id=self.device_id,
            project_id=self.project_id,
            fingerprint=self.fingerprint,
            name=self.name,
            created_at=self.created_at,
            certificate_ids=tuple(self.certificate_ids),
            connection_ids=self.connection_ids or None,
            open_connection_ids=tuple(self.open_connection_ids),
            last_connected_at=self.last_connected_at,
            revision=self.revision,
        )
        for name, prop in self.properties.items():
            restored = Property(
                name=name,
                value=prop.value,
                protected=prop.protected,
                version=prop.version,
                last_updated=prop.last_updated,
            )
            property_codec.write(device, restored)
        if self.events:
            device.events = EventLog()
            for stored in sorted(self.events, key=lambda stored: stored.sequence):
                received_at = stored.event.received_at
                received = None if received_at is None else parse_timestamp(received_at)
                device.events.add(stored.event, received, stored.sequence)
        return device


class Snapshot(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The stored form; field names are the model's, so it maps one to one."""

    format: Literal["nexigon-fake-snapshot/1"]
    seed: Annotated[int, msgspec.Meta(ge=0, le=MAX_SEED)]
    options: Options
    clock: ClockState
    random_state: tuple[int, list[int], float | None]
    jwt_secret: bytes
    sequence: Annotated[int, msgspec.Meta(ge=0)]
    admin_user_id: str
    admin_token: str
    default_organization_id: str
    users: list[User]
    user_tokens: list[UserTokenRecord]
    organizations: list[Organization]
    organization_tokens: list[OrganizationApiTokenRecord]
    projects: list[Project]
    deployment_tokens: list[DeploymentTokenRecord]
    devices: list[StoredDevice]
    certificates: list[StoredCertificate]
    connections: list[Connection]
    repositories: list[Repository]
    audit: list[AuditRecord]
    fixture: dict[str, Any] | None = None
    pairing_keys: list[DevicePairingKeyRecord] = []
    # Device operations in every state, with claims and leases; the due queue is rebuilt.
    operations: list[OperationRecord] = []
    operations_origin: dt.datetime | None = None  # where driver ticks count from (D19)
    # Fleet operations with targets and selection errors; tallies, indexes, timers rebuilt.
    fleet_operations: list[FleetOperationRecord] = []
