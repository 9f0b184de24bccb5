"""The tables of one hub, their secondary indexes, lookups and the audit log.

Lookups raise ``NotFoundError`` naming the entity, so every service answers a missing
entity the same way (SEMANTICS.md D1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from nexigon_fake.clock import Clock
from nexigon_fake.errors import MSG_ENTITY_NOT_FOUND, NotFoundError
from nexigon_fake.ids import IdSource
from nexigon_fake.state.fleet_operation_records import FleetOperationTables
from nexigon_fake.state.fleet_property_records import (
    ComputedFleetPropertyRecord,
    FleetPropertyRecord,
)
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
    Repository,
    User,
    UserTokenRecord,
)
from nexigon_fake.state.operation_records import OperationTables
from nexigon_fake.state.storage.audit_log import AuditLog
from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.audit import HEAD_AUDIT_EVENTS


def without(ids: tuple[str, ...], removed: str) -> tuple[str, ...]:
    """``ids`` less one id: removal from the small tuples entities keep ids in."""
    return tuple(kept for kept in ids if kept != removed)


def not_found(entity: str, entity_id: str) -> NotFoundError:
    return NotFoundError(MSG_ENTITY_NOT_FOUND.format(entity=entity, entity_id=entity_id))


@dataclass(slots=True)
class Options:
    """Behaviour switches of one hub (the *configurable* decisions of SEMANTICS.md)."""

    strict: bool = False
    domain: str = "nexigon-fake.localhost"
    token_validity_secs: int = 600
    # Device operations (D19, D21): deadlines noticed at ticks (0: at once), task lease length.
    operation_tick_secs: float = 0.0
    task_lease_secs: int = 300
    # D40: audit events of the HEAD actions (fake-specific names) are recorded.
    head_audit_events: bool = True
    # Fleet operations (D35): the instance's minimum enrolment interval.
    fleet_min_enrollment_interval_secs: int = 60


class DeviceWatcher(Protocol):
    """Who hears of device changes as they happen: simulated devices (a layer above) watch
    their properties and their operation work through this seam, so nothing scans a fleet."""

    def device_touched(self, device_id: str) -> None: ...

    def work_claimable(self, device_id: str, at: dt.datetime) -> None:
        """Device work of this device may be claimable from ``at`` (a step began, a lease
        was set)."""


class Store:
    """All entities of one hub. Point lookups are dict hits; nothing scans the fleet."""

    def __init__(self, clock: Clock, ids: IdSource, options: Options) -> None:
        self.clock = clock
        self.ids = ids
        self.options = options
        self.users: dict[str, User] = {}
        self.users_by_email: dict[str, str] = {}
        self.user_tokens: dict[str, UserTokenRecord] = {}
        self.user_tokens_by_secret: dict[str, str] = {}
        self.organizations: dict[str, Organization] = {}
        self.organization_tokens: dict[str, OrganizationApiTokenRecord] = {}
        self.organization_tokens_by_secret: dict[str, str] = {}
        self.projects: dict[str, Project] = {}
        self.deployment_tokens: dict[str, DeploymentTokenRecord] = {}
        self.deployment_tokens_by_secret: dict[str, str] = {}
        self.devices: dict[str, Device] = {}
        self.certificates: dict[str, Certificate] = {}
        # fingerprint digest -> the id of the certificate carrying it, or the ids of all
        # carrying it when in conflict (a plain string saves a tuple per certificate)
        self.certificates_by_fingerprint: dict[bytes, str | tuple[str, ...]] = {}
        self.connections: dict[str, Connection] = {}
        self.repositories: dict[str, Repository] = {}
        self.audit = AuditLog()
        self.sequence = 0
        self.jwt_secret = ids.bytes(32)
        # device id -> (device revision, its device-listing item without the clock-bound
        # duration): derived once per change, not once per listing.
        self.listing_items: dict[str, tuple[int, Any]] = {}
        # project id -> (listing revision, items without durations, indexes of connected ones)
        self.listings: dict[str, tuple[int, list[Any], list[int]]] = {}
        self.token_actors: dict[str, Actor] = {}  # token id -> its actor, made once
        # Pairing keys (SEMANTICS-HEAD §III.6): selector -> the newest unused, unrevoked key
        # with it (maybe expired since), and device id -> ids of the tokens bound to it.
        self.pairing_keys: dict[str, DevicePairingKeyRecord] = {}
        self.pairing_keys_by_selector: dict[str, str] = {}
        self.bound_tokens: dict[str, dict[str, None]] = {}
        self.operations = OperationTables(clock.now())  # device operations (D19-D25)
        # Fleet properties (D39): project id -> name -> property, in creation order, and the
        # definitions of the computed ones, in the order first defined (C52).
        self.fleet_properties: dict[str, dict[str, FleetPropertyRecord]] = {}
        self.fleet_property_definitions: dict[str, dict[str, ComputedFleetPropertyRecord]] = {}
        self.watcher: DeviceWatcher | None = None  # simulated devices; never in snapshots
        # Fleet operations (SEMANTICS-HEAD §III.7): their time-driven work uses the queue above.
        self.fleet_operations = FleetOperationTables()

    def touch(self, device: Device) -> None:
        """Something a device listing shows has changed for this device."""
        device.revision += 1
        self.projects[device.project_id].listing_revision += 1
        if self.watcher is not None:
            self.watcher.device_touched(device.device_id)

    def work_claimable(self, device_id: str, at: dt.datetime) -> None:
        """Tell the watcher that the device's work may be claimable from ``at``."""
        if self.watcher is not None:
            self.watcher.work_claimable(device_id, at)

    def certificate_holders(self, digest: bytes) -> tuple[str, ...]:
        """Ids of the certificates carrying a fingerprint, oldest first."""
        holders = self.certificates_by_fingerprint.get(digest, ())
        return (holders,) if isinstance(holders, str) else holders

    def add_certificate_holder(self, digest: bytes, certificate_id: str) -> None:
        holders = self.certificate_holders(digest)
        self.certificates_by_fingerprint[digest] = (
            (*holders, certificate_id) if holders else certificate_id
        )

    def remove_certificate_holder(self, digest: bytes, certificate_id: str) -> None:
        holders = without(self.certificate_holders(digest), certificate_id)
        if len(holders) > 1:
            self.certificates_by_fingerprint[digest] = holders
        elif holders:
            self.certificates_by_fingerprint[digest] = holders[0]
        else:
            del self.certificates_by_fingerprint[digest]

    def now(self) -> dt.datetime:
        return self.clock.now()

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    # Lookups.

    def user(self, user_id: str) -> User:
        found = self.users.get(user_id)
        if found is None:
            raise not_found("User", user_id)
        return found

    def user_token(self, token_id: str) -> UserTokenRecord:
        found = self.user_tokens.get(token_id)
        if found is None:
            raise not_found("User token", token_id)
        return found

    def organization(self, organization_id: str) -> Organization:
        found = self.organizations.get(organization_id)
        if found is None:
            raise not_found("Organization", organization_id)
        return found

    def project(self, project_id: str) -> Project:
        found = self.projects.get(project_id)
        if found is None:
            raise not_found("Project", project_id)
        return found

    def deployment_token(self, token_id: str) -> DeploymentTokenRecord:
        found = self.deployment_tokens.get(token_id)
        if found is None:
            raise not_found("Deployment token", token_id)
        return found

    def pairing_key(self, pairing_key_id: str) -> DevicePairingKeyRecord:
        found = self.pairing_keys.get(pairing_key_id)
        if found is None:
            raise not_found("Pairing key", pairing_key_id)
        return found

    def device(self, device_id: str) -> Device:
        found = self.devices.get(device_id)
        if found is None:
            raise not_found("Device", device_id)
        return found

    def certificate(self, certificate_id: str) -> Certificate:
        found = self.certificates.get(certificate_id)
        if found is None:
            raise not_found("Certificate", certificate_id)
        return found

    def connection(self, connection_id: str) -> Connection:
        found = self.connections.get(connection_id)
        if found is None:
            raise not_found("Connection", connection_id)
        return found

    def repository(self, repository_id: str) -> Repository:
        found = self.repositories.get(repository_id)
        if found is None:
            raise not_found("Repository", repository_id)
        return found


@dataclass(slots=True)
class Context:
    """One invocation: who acts, on which hub, and the audit action it records under."""

    store: Store
    actor: Actor
    action: str
    action_id: str | None = None

    def audit(
        self,
        event: str,
        data: dict[str, Any],
        *,
        project_id: str | None = None,
        device_id: str | None = None,
        organization_id: str | None = None,
        repository_id: str | None = None,
    ) -> None:
        """Append an audit event; all events of one invocation share one action id."""
        store = self.store
        if event in HEAD_AUDIT_EVENTS and not store.options.head_audit_events:
            return
        now = store.now()
        if self.action_id is None:
            self.action_id = store.ids.dated("audit_act", now)
        record = AuditRecord(
            event_id=store.ids.dated("audit_ev", now),
            actor=self.actor,
            event=event,
            data=data,
            created_at=now,
            action_id=self.action_id,
            project_id=project_id,
            device_id=device_id,
            organization_id=organization_id,
            repository_id=repository_id,
        )
        store.audit.append(record)
