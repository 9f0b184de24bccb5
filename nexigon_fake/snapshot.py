"""Snapshots: the whole state of a hub as JSON, and a hub rebuilt from one.

A snapshot holds every table, the clock, the id generator's position and the JWT secret, so a
restored hub answers the next calls exactly as the original would have. Secondary indexes are
not stored; they are rebuilt. A snapshot is checked before it replaces anything: a malformed
or inconsistent one is ``Invalid`` and the hub keeps its state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final, Literal

import msgspec

from nexigon_fake.clock import Clock, FrozenClock, SystemClock
from nexigon_fake.errors import InvalidError
from nexigon_fake.ids import IdSource
from nexigon_fake.model import (
    AuditRecord,
    Certificate,
    Connection,
    DeploymentTokenRecord,
    Device,
    Organization,
    OrganizationApiTokenRecord,
    Project,
    Repository,
    User,
    UserTokenRecord,
)
from nexigon_fake.state.store import Options, Store

SNAPSHOT_FORMAT: Final = "nexigon-fake-snapshot/1"
MSG_BAD_SNAPSHOT = "Not a valid snapshot: {detail}"


class ClockState(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    now: dt.datetime
    frozen: bool


class Snapshot(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The stored form; field names are the model's, so it maps one to one."""

    format: Literal["nexigon-fake-snapshot/1"]
    seed: int
    options: Options
    clock: ClockState
    random_state: tuple[int, list[int], float | None]
    jwt_secret: bytes
    sequence: int
    admin_user_id: str
    admin_token: str
    default_organization_id: str
    users: list[User]
    user_tokens: list[UserTokenRecord]
    organizations: list[Organization]
    organization_tokens: list[OrganizationApiTokenRecord]
    projects: list[Project]
    deployment_tokens: list[DeploymentTokenRecord]
    devices: list[Device]
    certificates: list[Certificate]
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
    fixture: dict[str, Any] | None


def take(
    store: Store,
    seed: int,
    admin_user_id: str,
    admin_token: str,
    default_organization_id: str,
    fixture: dict[str, Any] | None = None,
) -> dict[str, Any]:
    snapshot = Snapshot(
        format=SNAPSHOT_FORMAT,
        seed=seed,
        options=store.options,
        clock=ClockState(now=store.clock.now(), frozen=store.clock.frozen),
        random_state=store.ids.get_state(),
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
        devices=list(store.devices.values()),
        certificates=list(store.certificates.values()),
        connections=list(store.connections.values()),
        repositories=list(store.repositories.values()),
        audit=store.audit,
        fixture=fixture,
    )
    data: dict[str, Any] = msgspec.to_builtins(snapshot)
    return data


def decode(data: dict[str, Any] | bytes | str) -> Snapshot:
    try:
        if isinstance(data, bytes | str):
            return msgspec.json.decode(data, type=Snapshot)
        return msgspec.convert(data, Snapshot)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=error)) from None


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
    store = Store(clock, ids, snapshot.options)  # draws a JWT secret: set the state after
    try:
        ids.set_state(snapshot.random_state)
    except ValueError as error:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=f"`random_state`: {error}")) from None
    store.jwt_secret = snapshot.jwt_secret
    store.sequence = snapshot.sequence
    _fill(store, snapshot)
    _check(store, snapshot)
    return Restored(
        seed=snapshot.seed,
        store=store,
        clock=clock,
        ids=ids,
        admin_user_id=snapshot.admin_user_id,
        admin_token=snapshot.admin_token,
        default_organization_id=snapshot.default_organization_id,
        fixture=snapshot.fixture,
    )


def _fill(store: Store, snapshot: Snapshot) -> None:
    """Primary tables keyed by id, then every secondary index rebuilt from them."""
    store.users = {user.user_id: user for user in snapshot.users}
    store.user_tokens = {token.token_id: token for token in snapshot.user_tokens}
    store.organizations = {o.organization_id: o for o in snapshot.organizations}
    store.organization_tokens = {t.token_id: t for t in snapshot.organization_tokens}
    store.projects = {project.project_id: project for project in snapshot.projects}
    store.deployment_tokens = {t.token_id: t for t in snapshot.deployment_tokens}
    store.devices = {device.device_id: device for device in snapshot.devices}
    store.certificates = {c.certificate_id: c for c in snapshot.certificates}
    store.connections = {c.connection_id: c for c in snapshot.connections}
    store.repositories = {r.repository_id: r for r in snapshot.repositories}
    store.audit = snapshot.audit
    store.users_by_email = {user.email: user.user_id for user in snapshot.users}
    store.user_tokens_by_secret = {t.secret: t.token_id for t in snapshot.user_tokens}
    store.organization_tokens_by_secret = {
        t.secret: t.token_id for t in snapshot.organization_tokens
    }
    store.deployment_tokens_by_secret = {t.secret: t.token_id for t in snapshot.deployment_tokens}
    for certificate in snapshot.certificates:
        by_fingerprint = store.certificates_by_fingerprint.setdefault(certificate.fingerprint, {})
        by_fingerprint[certificate.certificate_id] = None
    for index, record in enumerate(snapshot.audit):
        if record.project_id is not None:
            store.audit_by_project.setdefault(record.project_id, []).append(index)
        if record.device_id is not None:
            store.audit_by_device.setdefault(record.device_id, []).append(index)


def _check(store: Store, snapshot: Snapshot) -> None:
    """Every reference resolves, so no later call can trip over a dangling id."""
    problems: list[str] = []

    def expect(table: dict[str, Any], key: str | None, where: str) -> None:
        if key is not None and key not in table:
            problems.append(f"{where} refers to unknown id {key}")

    def unique(count: int, table: dict[str, Any], what: str) -> None:
        if count != len(table):
            problems.append(f"duplicate ids among {what}")

    unique(len(snapshot.users), store.users, "users")
    unique(len(snapshot.user_tokens), store.user_tokens, "user tokens")
    unique(len(snapshot.organizations), store.organizations, "organizations")
    unique(len(snapshot.projects), store.projects, "projects")
    unique(len(snapshot.devices), store.devices, "devices")
    unique(len(snapshot.certificates), store.certificates, "certificates")
    unique(len(snapshot.connections), store.connections, "connections")
    expect(store.users, snapshot.admin_user_id, "admin_user_id")
    expect(store.organizations, snapshot.default_organization_id, "default_organization_id")
    if snapshot.admin_token not in store.user_tokens_by_secret:
        problems.append("admin_token is not a user token of the snapshot")
    for user in snapshot.users:
        for organization_id in user.organization_ids:
            expect(store.organizations, organization_id, f"user {user.user_id}")
        for token_id in user.token_ids:
            expect(store.user_tokens, token_id, f"user {user.user_id}")
    for user_token in snapshot.user_tokens:
        expect(store.users, user_token.user_id, f"user token {user_token.token_id}")
    for organization in snapshot.organizations:
        where = f"organization {organization.organization_id}"
        for user_id in organization.members:
            expect(store.users, user_id, where)
        for project_id in organization.project_ids:
            expect(store.projects, project_id, where)
        for repository_id in organization.repository_ids:
            expect(store.repositories, repository_id, where)
        for token_id in organization.api_token_ids:
            expect(store.organization_tokens, token_id, where)
    for organization_token in snapshot.organization_tokens:
        where = f"organization token {organization_token.token_id}"
        expect(store.organizations, organization_token.organization_id, where)
    for project in snapshot.projects:
        where = f"project {project.project_id}"
        expect(store.organizations, project.organization_id, where)
        for device_id in [*project.device_ids, *project.devices_by_fingerprint.values()]:
            expect(store.devices, device_id, where)
        for token_id in project.token_ids:
            expect(store.deployment_tokens, token_id, where)
        for repository_id in project.repository_ids:
            expect(store.repositories, repository_id, where)
    for deployment_token in snapshot.deployment_tokens:
        where = f"deployment token {deployment_token.token_id}"
        expect(store.projects, deployment_token.project_id, where)
    for device in snapshot.devices:
        where = f"device {device.device_id}"
        expect(store.projects, device.project_id, where)
        for certificate_id in device.certificate_ids:
            expect(store.certificates, certificate_id, where)
        for connection_id in [*device.connection_ids, *device.open_connection_ids]:
            expect(store.connections, connection_id, where)
    for certificate in snapshot.certificates:
        expect(store.devices, certificate.device_id, f"certificate {certificate.certificate_id}")
    for connection in snapshot.connections:
        expect(store.devices, connection.device_id, f"connection {connection.connection_id}")
    for repository in snapshot.repositories:
        where = f"repository {repository.repository_id}"
        expect(store.organizations, repository.organization_id, where)
        for project_id in repository.project_ids:
            expect(store.projects, project_id, where)
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=shown + more))
