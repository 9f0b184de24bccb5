"""Snapshots: the whole state of a hub as JSON, and a hub rebuilt from one.

A snapshot holds every table, the clock, the id generator's position and the JWT secret, so a
restored hub answers the next calls exactly as the original would have. Secondary indexes are
not stored; they are rebuilt. A snapshot is checked before it replaces anything: a malformed
or inconsistent one is ``Invalid`` and the hub keeps its state.
"""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

import msgspec

from nexigon_fake.clock import Clock, FrozenClock, SystemClock, parse_timestamp
from nexigon_fake.errors import InvalidError
from nexigon_fake.ids import IdSource
from nexigon_fake.state.model import (
    AuditRecord,
    Certificate,
    Connection,
    DeploymentTokenRecord,
    Device,
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
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.storage.event_log import EventLog
from nexigon_fake.state.store import Options, Store
from nexigon_fake.toolkit.fixture_loader import LoadedFixture
from nexigon_fake.toolkit.snapshot_checks import MSG_BAD_SNAPSHOT, check, check_records
from nexigon_fake.wire.common import CertificateFingerprint
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
    version: int
    last_updated: dt.datetime


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


@dataclass(frozen=True, slots=True)
class Restored:
    """What a hub installs from a snapshot."""

    seed: int
    store: Store
    clock: Clock
    ids: IdSource
    admin_user_id: str
    admin_token: str
    default_organization_id: str
    fixture: LoadedFixture | None


class Baseline:
    """A snapshot to restore again and again. After the first restore the decoded state is
    kept pickled, which restores about six times faster than decoding and checking JSON."""

    __slots__ = ("_pickled", "json")

    def __init__(self, json: bytes) -> None:
        self.json = json
        self._pickled: bytes | None = None

    def restore(self) -> Restored:
        if self._pickled is not None:
            restored: Restored = pickle.loads(self._pickled)
            return restored
        restored = restore(self.json)
        self._pickled = pickle.dumps(restored, pickle.HIGHEST_PROTOCOL)
        return restored


def take(
    store: Store,
    seed: int,
    admin_user_id: str,
    admin_token: str,
    default_organization_id: str,
    fixture: dict[str, Any] | None = None,
) -> Snapshot:
    """The snapshot of a store; ``to_json_data`` or ``msgspec.json.encode`` writes it."""
    return Snapshot(
        format=SNAPSHOT_FORMAT,
        seed=seed,
        options=store.options,
        clock=ClockState(now=store.clock.now(), frozen=store.clock.frozen),
        random_state=store.ids.get_state(),  # a tuple, written as a JSON array
        jwt_secret=store.jwt_secret,
        sequence=store.sequence,
        admin_user_id=admin_user_id,
        admin_token=admin_token,
        default_organization_id=default_organization_id,
        users=list(store.users.values()),
        user_tokens=list(store.user_tokens.values()),
        organizations=list(store.organizations.values()),
        organization_tokens=list(store.organization_tokens.values()),
        projects=list(store.projects.values()),
        deployment_tokens=list(store.deployment_tokens.values()),
        devices=[StoredDevice.of(device) for device in store.devices.values()],
        certificates=[StoredCertificate.of(c) for c in store.certificates.values()],
        connections=list(store.connections.values()),
        repositories=list(store.repositories.values()),
        audit=list(store.audit),
        fixture=fixture,
    )


def to_json_data(snapshot: Snapshot) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(snapshot)
    data["random_state"] = list(data["random_state"])  # plain JSON data, equal after a round trip
    return data


def decode(data: dict[str, Any] | bytes | str) -> Snapshot:
    """Data given as Python objects goes through JSON, as a snapshot's values must (the hub
    stores property values, event bodies and audit data encoded)."""
    try:
        if not isinstance(data, bytes | str):
            data = msgspec.json.encode(data)
        return msgspec.json.decode(data, type=Snapshot)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=error)) from None
    except (msgspec.EncodeError, TypeError) as error:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=f"not JSON data: {error}")) from None


def restore(data: dict[str, Any] | bytes | str) -> Restored:
    """A new store (and clock and id source) from a snapshot, or ``Invalid``."""
    snapshot = decode(data)
    clock: Clock
    if snapshot.clock.now.tzinfo is None:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail="`clock.now` has no offset"))
    if snapshot.clock.frozen:
        clock = FrozenClock(snapshot.clock.now)
    else:
        clock = SystemClock(snapshot.clock.now)
    ids = IdSource(snapshot.seed)
    fixture = None
    if snapshot.fixture is not None:
        try:
            fixture = LoadedFixture.from_json(snapshot.fixture)
        except InvalidError as error:
            raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=f"`fixture`: {error}")) from None
    store = Store(clock, ids, snapshot.options)  # draws a JWT secret: set the state after
    try:
        ids.set_state(snapshot.random_state)
    except ValueError as error:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=f"`random_state`: {error}")) from None
    store.jwt_secret = snapshot.jwt_secret
    store.sequence = snapshot.sequence
    check_records(snapshot)
    _fill(store, snapshot)
    check(store, snapshot)
    return Restored(
        seed=snapshot.seed,
        store=store,
        clock=clock,
        ids=ids,
        admin_user_id=snapshot.admin_user_id,
        admin_token=snapshot.admin_token,
        default_organization_id=snapshot.default_organization_id,
        fixture=fixture,
    )


def _fill(store: Store, snapshot: Snapshot) -> None:
    """Primary tables keyed by id, then every secondary index rebuilt from them."""
    store.users = {user.user_id: user for user in snapshot.users}
    store.user_tokens = {token.token_id: token for token in snapshot.user_tokens}
    store.organizations = {o.organization_id: o for o in snapshot.organizations}
    store.organization_tokens = {t.token_id: t for t in snapshot.organization_tokens}
    store.projects = {project.project_id: project for project in snapshot.projects}
    store.deployment_tokens = {t.token_id: t for t in snapshot.deployment_tokens}
    store.devices = {stored.device_id: stored.to_device() for stored in snapshot.devices}
    store.certificates = {c.certificate_id: c.to_certificate() for c in snapshot.certificates}
    store.connections = {c.connection_id: c for c in snapshot.connections}
    store.repositories = {r.repository_id: r for r in snapshot.repositories}
    store.users_by_email = {user.email: user.user_id for user in snapshot.users}
    store.user_tokens_by_secret = {t.secret: t.token_id for t in snapshot.user_tokens}
    store.organization_tokens_by_secret = {
        t.secret: t.token_id for t in snapshot.organization_tokens
    }
    store.deployment_tokens_by_secret = {t.secret: t.token_id for t in snapshot.deployment_tokens}
    for certificate in store.certificates.values():
        store.add_certificate_holder(certificate.digest, certificate.certificate_id)
    for record in snapshot.audit:
        store.audit.append(record)
