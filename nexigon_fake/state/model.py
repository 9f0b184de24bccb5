"""Entity records of the hub's state: plain slotted dataclasses, no behaviour.

Insertion-ordered dicts serve as ordered sets (``dict[str, None]``) so that entity lists
come out in creation order (SEMANTICS.md D5) while membership stays O(1). Devices and
certificates, of which a fleet has many, are msgspec structs the garbage collector does not
track, 16 bytes smaller each: they hold no references that could form a cycle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import msgspec

# The histories' records live with their storage, below this module; they are named here too.
from nexigon_fake.state.storage.audit_log import AuditRecord as AuditRecord
from nexigon_fake.state.storage.event_log import EventLog
from nexigon_fake.state.storage.event_log import StoredEvent as StoredEvent
from nexigon_fake.state.storage.property_codec import Property as Property
from nexigon_fake.state.storage.property_codec import StoredProperties
from nexigon_fake.wire.devices import ConnectionEndReason, DeviceCertificateStatus
from nexigon_fake.wire.repositories import RepositoryVisibility


@dataclass(slots=True)
class User:
    user_id: str
    email: str
    display_name: str | None
    is_admin: bool
    organization_ids: dict[str, None] = field(default_factory=dict)
    token_ids: dict[str, None] = field(default_factory=dict)


@dataclass(slots=True)
class UserTokenRecord:
    token_id: str
    secret: str
    user_id: str
    name: str | None
    created_at: dt.datetime


@dataclass(slots=True)
class Organization:
    organization_id: str
    name: str
    requires_subscription: bool
    members: dict[str, bool] = field(default_factory=dict)  # user id -> is admin
    project_ids: dict[str, None] = field(default_factory=dict)
    repository_ids: dict[str, None] = field(default_factory=dict)
    api_token_ids: dict[str, None] = field(default_factory=dict)


@dataclass(slots=True)
class OrganizationApiTokenRecord:
    token_id: str
    secret: str
    organization_id: str
    created_at: dt.datetime


@dataclass(slots=True)
class OtlpConfig:
    enabled: bool
    endpoint: str | None
    headers: dict[str, str]


@dataclass(slots=True)
class Project:
    project_id: str
    organization_id: str
    name: str
    created_at: dt.datetime
    device_ids: dict[str, None] = field(default_factory=dict)
    devices_by_fingerprint: dict[str, str] = field(default_factory=dict)
    token_ids: dict[str, None] = field(default_factory=dict)
    repository_ids: dict[str, None] = field(default_factory=dict)
    otlp: OtlpConfig | None = None
    pairing_key_ids: dict[str, None] = field(default_factory=dict)
    # Bumped with any listed device's revision, and when devices come or go.
    listing_revision: int = 0


@dataclass(slots=True)
class DeploymentTokenRecord:
    token_id: str
    secret: str
    project_id: str
    name: str | None
    auto_accept: bool | None
    created_at: dt.datetime
    device_id: str | None = None  # the device a pairing-key token is bound to (D34)


@dataclass(slots=True)
class DevicePairingKeyRecord:
    """A pairing key; ``key`` is its normalized form (D31), kept to verify redemptions."""

    pairing_key_id: str
    project_id: str
    key: str
    name: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    device_id: str | None = None  # history: kept when the device or token is deleted (D41)
    token_id: str | None = None

    @property
    def selector(self) -> str:
        return self.key[:6]

    def active_at(self, now: dt.datetime) -> bool:
        """Redeemable: unused, unrevoked and ``now < expiresAt`` (D32)."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


def fingerprint_digest(fingerprint: str) -> bytes:
    """The 32 bytes a ``AA:BB:…`` fingerprint spells: half the memory of the text."""
    return bytes(int(group, 16) for group in fingerprint.split(":"))


def fingerprint_text(digest: bytes) -> str:
    """Upper-case two-digit groups, as the Hub prints fingerprints."""
    return digest.hex(":").upper()


class Certificate(msgspec.Struct, gc=False):
    certificate_id: str
    device_id: str
    digest: bytes  # the fingerprint's bytes (``fingerprint_digest``)
    status: DeviceCertificateStatus
    first_seen: dt.datetime

    @property
    def fingerprint(self) -> str:
        return fingerprint_text(self.digest)


@dataclass(slots=True)
class Connection:
    connection_id: str
    device_id: str
    node_id: str
    connected_at: dt.datetime
    sequence: int
    ended_at: dt.datetime | None = None
    end_reason: ConnectionEndReason | None = None


class Device(msgspec.Struct, gc=False):
    device_id: str
    project_id: str
    fingerprint: str
    name: str | None
    created_at: dt.datetime
    # Tuples where a device holds only a few ids: far smaller than dicts.
    certificate_ids: tuple[str, ...] = ()
    connection_ids: dict[str, None] | None = None  # every connection's id; made on the first
    open_connection_ids: tuple[str, ...] = ()
    last_connected_at: dt.datetime | None = None
    # Encoded properties, all in one map or, for many, one row per name (property_codec).
    properties: StoredProperties = b""
    events: EventLog | None = None  # made on the first event
    # Bumped by every change a device listing shows (name, properties, certificates,
    # connections), so listings can reuse what they derived before.
    revision: int = 0


@dataclass(slots=True)
class Repository:
    repository_id: str
    organization_id: str
    name: str  # the display name (HEAD `displayName`, SDK 0.0.1 `name`)
    visibility: RepositoryVisibility
    project_ids: dict[str, None] = field(default_factory=dict)
    slug: str | None = None  # HEAD (D43): set by repositories_SetSlug only
