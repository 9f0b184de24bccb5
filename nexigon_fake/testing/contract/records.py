"""The contract model's records: plain data the machine's model keeps, and what they derive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

PRESENT = "<present>"  # a time-dependent value whose exact value the model cannot know
DEFAULT_TOKEN_VALIDITY_SECS = 600
HEALTH_PROPERTY = "dev.nexigon.system.health"
SYSTEM_INFO_PROPERTY = "dev.nexigon.system.info"
STATUS_BY_HEALTH = {"healthy": "healthy", "degraded": "warning", "error": "error"}
HISTORY_LIMIT = 100  # default `limit` of connection and event queries

HUB_TIME_FIELDS = frozenset(
    {
        "firstSeen",
        "lastConnectedAt",
        "connectedAt",
        "endedAt",
        "createdAt",
        "lastUpdated",
        "receivedAt",
        "expiresAt",
        "usedAt",
        "revokedAt",
        "startedAt",
        "completedAt",
        "updatedAt",
    }
)
DURATION_FIELDS = frozenset({"currentConnectionDurationSecs", "connectedForSecs", "durationSecs"})


def parse_instant(text: str) -> dt.datetime:
    """An RFC 3339 timestamp as an aware UTC datetime (``t``/``z`` accepted, as RFC 3339 does)."""
    return dt.datetime.fromisoformat(text.upper()).astimezone(dt.UTC)


def normalize_fingerprint(text: str) -> str:
    """Certificate fingerprints compare as upper-case two-digit groups (§2.11)."""
    return ":".join(f"{int(group, 16):02X}" for group in text.split(":"))


def flags(auto_accept: bool | None) -> dict[str, Any]:
    return {} if auto_accept is None else {"autoAccept": auto_accept}


@dataclass
class AuditEntry:
    event: str
    data: dict[str, Any]
    at: int


@dataclass
class Property:
    value: Any
    version: int
    protected: bool
    updated_at: int


@dataclass
class Certificate:
    certificate_id: str
    device_id: str
    fingerprint: str
    status: str
    first_seen: int


@dataclass
class Connection:
    connection_id: str
    device_id: str
    node_id: str
    connected_at: int
    order: int
    ended_at: int | None = None
    end_reason: str | None = None


@dataclass
class Event:
    sent: dict[str, Any]
    emitted_at: dt.datetime
    order: int
    received_at: int


@dataclass
class IssuedToken:
    jwt: str
    device_id: str
    claims: Any
    issued_at: int
    valid_for: int


@dataclass
class Device:
    device_id: str
    project_id: str
    fingerprint: str
    created_at: int
    name: str | None = None
    certificates: dict[str, None] = field(default_factory=dict)
    connections: dict[str, None] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


@dataclass
class Token:
    token_id: str
    project_id: str
    name: str | None
    auto_accept: bool | None
    created_at: int
    device_id: str | None = None  # bound by a pairing key (D34)


@dataclass
class PairingKey:
    """A pairing key the machine created; the key itself is known only from its creation."""

    pairing_key_id: str
    project_id: str
    key: str
    selector: str
    name: str | None
    created_at: int
    expires_at: int
    used_at: int | None = None
    revoked_at: int | None = None
    device_id: str | None = None
    token_id: str | None = None

    def redeemable(self, now: int) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@dataclass
class FleetProperty:
    """A fleet property (D39); a computed one has a definition of the same name."""

    value: Any
    computed: bool
    version: int
    updated_at: int
    error: str | None = None


@dataclass
class FleetDefinition:
    input_properties: list[str]
    strategy: str
    config: Any
    created_at: int


@dataclass
class Project:
    project_id: str
    name: str
    devices: dict[str, None] = field(default_factory=dict)
    tokens: dict[str, None] = field(default_factory=dict)
    pairing_keys: dict[str, None] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    fleet_properties: dict[str, FleetProperty] = field(default_factory=dict)
    fleet_definitions: dict[str, FleetDefinition] = field(default_factory=dict)


@dataclass
class StepState:
    step_index: int
    status: str
    started_at: int
    completed_at: int | None = None
    error: str | None = None
    output: Any = None


@dataclass
class Operation:
    operation_id: str
    project_id: str
    device_id: str
    name: str
    steps: list[dict[str, Any]]
    created_at: int
    order: int
    status: str = "Pending"
    step_index: int = 0
    last_error: str | None = None
    started_at: int | None = None
    completed_at: int | None = None
    updated_at: int = 0
    states: list[StepState] = field(default_factory=list)
    deadline: int | None = None  # of the current command step
    claim: str | None = None  # the current claim of the current step
    lease_until: int | None = None
    current_since: int = 0  # when the current step became current (D22's order)
    fleet_operation_id: str | None = None  # materialized by a fleet operation (D38)

    def current(self) -> StepState | None:
        running = self.states[-1] if self.states else None
        return running if running is not None and running.status == "Running" else None
