"""Consistency of a snapshot before it replaces a hub's state.

Ids must be well formed and unique, and every reference must resolve and agree in both
directions (a device's project lists the device, and so on), so that no later call can trip
over restored state and answer 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from typing import Any

from nexigon_fake.clock import parse_timestamp
from nexigon_fake.errors import InvalidError
from nexigon_fake.ids import is_well_formed
from nexigon_fake.state.store import Store
from nexigon_fake.toolkit.snapshot_format import Snapshot
from nexigon_fake.wire.pairing_keys import normalize_pairing_key

MSG_BAD_SNAPSHOT = "Not a valid snapshot: {detail}"

# Id kinds of each table's primary id (and secret), as ``nexigon-ids`` writes them.
ID_TAGS = {
    "users": ("user_id", "u"),
    "user_tokens": ("token_id", "u_pk"),
    "organizations": ("organization_id", "org"),
    "organization_tokens": ("token_id", "org_pk"),
    "projects": ("project_id", "p"),
    "deployment_tokens": ("token_id", "deployment_id"),
    "devices": ("device_id", "d"),
    "certificates": ("certificate_id", "d_c"),
    "connections": ("connection_id", "d_conn"),
    "repositories": ("repository_id", "repo"),
    "pairing_keys": ("pairing_key_id", "d_pairing"),
    "operations": ("device_operation_id", "d_op"),
    "fleet_operations": ("fleet_operation_id", "flt_op"),
}
MIN_JWT_SECRET_BYTES = 16


class _Problems:
    """Collects what is wrong with a snapshot, to report the first few at once."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, problem: str) -> None:
        self.found.append(problem)

    def expect(self, table: dict[str, Any], key: str | None, where: str) -> bool:
        if key is not None and key not in table:
            self.add(f"{where} refers to unknown id {key}")
            return False
        return True

    def owned(
        self, table: dict[str, Any], key: str, where: str, attribute: str, owner: str
    ) -> None:
        """``key`` must exist and belong back to the entity that lists it."""
        if self.expect(table, key, where) and getattr(table[key], attribute) != owner:
            self.add(f"{where} lists {key}, which belongs to another {attribute}")

    def back(self, holder: str, listed: Container[str], key: str, where: str) -> None:
        """``key`` must be listed by the entity it points at (both directions agree)."""
        if key not in listed:
            self.add(f"{where} is not listed by {holder}")

    def raise_if_any(self) -> None:
        if self.found:
            shown = "; ".join(self.found[:5])
            more = f" (and {len(self.found) - 5} more)" if len(self.found) > 5 else ""
            raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=shown + more))


def check_records(snapshot: Snapshot) -> None:
    """What the compact stores need before they take a record: instants with an offset, and
    a device's events agreeing with its list of event ids."""
    problems = _Problems()
    for index, record in enumerate(snapshot.audit):
        if record.created_at.tzinfo is None:
            problems.add(f"`audit[{index}].created_at` has no offset")
    for device in snapshot.devices:
        where = f"device {device.device_id}"
        event_ids = [stored.event.event_id for stored in device.events]
        if len(set(event_ids)) != len(event_ids):
            problems.add(f"{where} has two events with one id")
        if set(event_ids) != set(device.event_ids):
            problems.add(f"{where}: `event_ids` disagrees with its events")
        for name, prop in device.properties.items():
            if prop.last_updated.tzinfo is None:
                problems.add(f"{where}: property {name} has a `last_updated` without offset")
        for stored in device.events:
            if not _same_instant(stored.emitted_at, stored.event.emitted_at):
                problems.add(f"{where}: event {stored.event.event_id} has two emission times")
    problems.raise_if_any()


def _same_instant(instant: dt.datetime, text: str) -> bool:
    """``text`` is already canonical: decoding an event normalises its timestamps."""
    return instant.tzinfo is not None and instant == parse_timestamp(text)


def check(store: Store, snapshot: Snapshot) -> None:
    """Ids are well formed and unique, and every reference resolves and agrees both ways, so no
    later call can trip over the restored state."""
    problems = _Problems()
    _check_ids(snapshot, problems)
    problems.raise_if_any()
    if len(store.jwt_secret) < MIN_JWT_SECRET_BYTES:
        problems.add(f"jwt_secret must have at least {MIN_JWT_SECRET_BYTES} bytes")
    if store.options.token_validity_secs < 1:
        problems.add("options.token_validity_secs must be at least 1")
    problems.expect(store.users, snapshot.admin_user_id, "admin_user_id")
    problems.expect(
        store.organizations, snapshot.default_organization_id, "default_organization_id"
    )
    if snapshot.admin_token not in store.user_tokens_by_secret:
        problems.add("admin_token is not a user token of the snapshot")
    _check_people(store, snapshot, problems)
    _check_projects(store, snapshot, problems)
    _check_devices(store, snapshot, problems)
    _check_pairing(store, snapshot, problems)
    _check_operations(store, snapshot, problems)
    _check_fleet_operations(store, snapshot, problems)
    problems.raise_if_any()


def _check_fleet_operations(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    """Each fleet belongs to a project; each target is a device of it whose operation the fleet
    owns, in one of its stages; every fleet-owned operation is a target of its fleet."""
    fleets = {fleet.fleet_operation_id: fleet for fleet in snapshot.fleet_operations}
    operations = {o.device_operation_id: o for o in snapshot.operations}
    for fleet in snapshot.fleet_operations:
        where = f"fleet operation {fleet.fleet_operation_id}"
        problems.expect(store.projects, fleet.project_id, where)
        if not fleet.stages or not fleet.steps:
            problems.add(f"{where} needs at least one stage and one step")
        elif not 0 <= fleet.active_stage_index < len(fleet.stages):
            problems.add(f"{where} has active stage {fleet.active_stage_index}")
        for device_id, member in fleet.targets.items():
            operation = operations.get(member.device_operation_id)
            if (
                device_id != member.device_id
                or operation is None
                or operation.device_id != device_id
                or operation.fleet_operation_id != fleet.fleet_operation_id
                or not 0 <= member.stage_index < len(fleet.stages)
            ):
                problems.add(f"{where} has a target {device_id} that does not fit it")
        for device_id in fleet.selection_errors:
            problems.expect(store.devices, device_id, f"{where} selection error")
    for operation in snapshot.operations:
        fleet_id = operation.fleet_operation_id
        if fleet_id is None:
            continue
        owner = fleets.get(fleet_id)
        target = None if owner is None else owner.targets.get(operation.device_id)
        if target is None or target.device_operation_id != operation.device_operation_id:
            problems.add(
                f"device operation {operation.device_operation_id} is not a target of {fleet_id}"
            )


def _check_operations(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    """Each operation belongs to a device of its project, and its step states fit its steps."""
    for operation in snapshot.operations:
        where = f"device operation {operation.device_operation_id}"
        device = store.devices.get(operation.device_id)
        if device is None or device.project_id != operation.project_id:
            problems.add(f"{where} is not bound to a device of project {operation.project_id}")
        count = len(operation.steps)
        indexes = [state.step_index for state in operation.step_states]
        if not operation.steps or not 0 <= operation.step_index < count:
            problems.add(f"{where} has step index {operation.step_index} of {count} steps")
        elif indexes != list(range(len(indexes))) or len(indexes) > operation.step_index + 1:
            problems.add(f"{where} has step states that do not follow its steps")
        for claim_index in operation.claims.values():
            if not 0 <= claim_index < count:
                problems.add(f"{where} has a claim for step {claim_index} of {count} steps")


def _check_ids(snapshot: Snapshot, problems: _Problems) -> None:
    for table, (attribute, tag) in ID_TAGS.items():
        records = getattr(snapshot, table)
        ids = [getattr(record, attribute) for record in records]
        if len(set(ids)) != len(ids):
            problems.add(f"duplicate ids among {table}")
        for value in ids:
            if not is_well_formed(tag, value):
                problems.add(f"{table}: {value!r} is not a well-formed `{tag}_` id")
    secrets = [
        ("user_tokens", "u_sk"),
        ("organization_tokens", "org_sk"),
        ("deployment_tokens", "deployment"),
    ]
    for table, tag in secrets:
        for record in getattr(snapshot, table):
            if not is_well_formed(tag, record.secret):
                problems.add(f"{table}: a secret is not a well-formed `{tag}_` token")
    for device in snapshot.devices:
        if not is_well_formed("d_sk", device.fingerprint):
            problems.add(f"device {device.device_id}: malformed fingerprint")


def _check_people(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    for user in snapshot.users:
        where = f"user {user.user_id}"
        for organization_id in user.organization_ids:
            if problems.expect(store.organizations, organization_id, where):
                organization = store.organizations[organization_id]
                problems.back(
                    f"organization {organization_id}", organization.members, user.user_id, where
                )
        for token_id in user.token_ids:
            problems.owned(store.user_tokens, token_id, where, "user_id", user.user_id)
    for user_token in snapshot.user_tokens:
        where = f"user token {user_token.token_id}"
        if problems.expect(store.users, user_token.user_id, where):
            user = store.users[user_token.user_id]
            problems.back(f"user {user.user_id}", user.token_ids, user_token.token_id, where)
    for organization in snapshot.organizations:
        where = f"organization {organization.organization_id}"
        for user_id in organization.members:
            if problems.expect(store.users, user_id, where):
                member = store.users[user_id]
                problems.back(
                    f"user {user_id}",
                    member.organization_ids,
                    organization.organization_id,
                    where,
                )
        for token_id in organization.api_token_ids:
            problems.expect(store.organization_tokens, token_id, where)
        for repository_id in organization.repository_ids:
            problems.expect(store.repositories, repository_id, where)
        for project_id in organization.project_ids:
            problems.owned(
                store.projects, project_id, where, "organization_id", organization.organization_id
            )
    for organization_token in snapshot.organization_tokens:
        where = f"organization token {organization_token.token_id}"
        organization_id = organization_token.organization_id
        if problems.expect(store.organizations, organization_id, where):
            listed = store.organizations[organization_id].api_token_ids
            problems.back(
                f"organization {organization_id}", listed, organization_token.token_id, where
            )
    for repository in snapshot.repositories:
        where = f"repository {repository.repository_id}"
        if problems.expect(store.organizations, repository.organization_id, where):
            listed = store.organizations[repository.organization_id].repository_ids
            problems.back(
                f"organization {repository.organization_id}",
                listed,
                repository.repository_id,
                where,
            )
        for project_id in repository.project_ids:
            if problems.expect(store.projects, project_id, where):
                listed = store.projects[project_id].repository_ids
                problems.back(f"project {project_id}", listed, repository.repository_id, where)


def _check_projects(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    for project in snapshot.projects:
        where = f"project {project.project_id}"
        if problems.expect(store.organizations, project.organization_id, where):
            listed = store.organizations[project.organization_id].project_ids
            problems.back(
                f"organization {project.organization_id}", listed, project.project_id, where
            )
        for device_id in project.device_ids:
            problems.owned(store.devices, device_id, where, "project_id", project.project_id)
        for fingerprint, device_id in project.devices_by_fingerprint.items():
            device = store.devices.get(device_id)
            if device is None or device.fingerprint != fingerprint:
                problems.add(f"{where}: fingerprint index disagrees with device {device_id}")
        for token_id in project.token_ids:
            problems.expect(store.deployment_tokens, token_id, where)
        for repository_id in project.repository_ids:
            if problems.expect(store.repositories, repository_id, where):
                listed = store.repositories[repository_id].project_ids
                problems.back(f"repository {repository_id}", listed, project.project_id, where)
    for deployment_token in snapshot.deployment_tokens:
        where = f"deployment token {deployment_token.token_id}"
        if problems.expect(store.projects, deployment_token.project_id, where):
            listed = store.projects[deployment_token.project_id].token_ids
            problems.back(
                f"project {deployment_token.project_id}",
                listed,
                deployment_token.token_id,
                where,
            )


def _check_devices(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    for device in snapshot.devices:
        where = f"device {device.device_id}"
        if problems.expect(store.projects, device.project_id, where):
            project = store.projects[device.project_id]
            problems.back(
                f"project {project.project_id}", project.device_ids, device.device_id, where
            )
            if project.devices_by_fingerprint.get(device.fingerprint) != device.device_id:
                problems.add(f"{where} is missing from its project's fingerprint index")
        for certificate_id in device.certificate_ids:
            problems.owned(store.certificates, certificate_id, where, "device_id", device.device_id)
        for connection_id in device.connection_ids:
            problems.owned(store.connections, connection_id, where, "device_id", device.device_id)
        for connection_id in device.open_connection_ids:
            connection = store.connections.get(connection_id)
            if connection_id not in device.connection_ids or connection is None:
                problems.add(f"{where} has open connection {connection_id} it does not list")
            elif connection.ended_at is not None:
                problems.add(f"{where} lists ended connection {connection_id} as open")
    for certificate in snapshot.certificates:
        where = f"certificate {certificate.certificate_id}"
        if problems.expect(store.devices, certificate.device_id, where):
            problems.back(
                f"device {certificate.device_id}",
                store.devices[certificate.device_id].certificate_ids,
                certificate.certificate_id,
                where,
            )
    for connection in snapshot.connections:
        where = f"connection {connection.connection_id}"
        if problems.expect(store.devices, connection.device_id, where):
            listed = store.devices[connection.device_id].connection_ids or {}
            problems.back(f"device {connection.device_id}", listed, connection.connection_id, where)


def _check_pairing(store: Store, snapshot: Snapshot, problems: _Problems) -> None:
    """Pairing keys and device-bound tokens: a key's ``deviceId`` and ``tokenId`` are history
    and need not resolve (D41), but a bound token's device must exist in its project."""
    for project in snapshot.projects:
        for pairing_key_id in project.pairing_key_ids:
            problems.owned(
                store.pairing_keys,
                pairing_key_id,
                f"project {project.project_id}",
                "project_id",
                project.project_id,
            )
    for key in snapshot.pairing_keys:
        where = f"pairing key {key.pairing_key_id}"
        if problems.expect(store.projects, key.project_id, where):
            listed = store.projects[key.project_id].pairing_key_ids
            problems.back(f"project {key.project_id}", listed, key.pairing_key_id, where)
        if normalize_pairing_key(key.key) != key.key:
            problems.add(f"{where}: `key` is not 10 upper-case Crockford base32 characters")
        instants = (key.created_at, key.expires_at, key.used_at, key.revoked_at)
        if any(instant is not None and instant.tzinfo is None for instant in instants):
            problems.add(f"{where} has an instant without offset")
            continue
        if key.expires_at <= key.created_at:
            problems.add(f"{where} expires before it was created")
        used = (key.used_at is not None, key.device_id is not None, key.token_id is not None)
        if len(set(used)) != 1:
            problems.add(f"{where}: `used_at`, `device_id` and `token_id` come together")
        if key.used_at is not None and key.revoked_at is not None:
            problems.add(f"{where} is both used and revoked")
        if key.device_id is not None and not is_well_formed("d", key.device_id):
            problems.add(f"{where}: {key.device_id!r} is not a well-formed `d_` id")
        if key.token_id is not None and not is_well_formed("deployment_id", key.token_id):
            problems.add(f"{where}: {key.token_id!r} is not a well-formed `deployment_id_` id")
    now = store.clock.now()
    redeemable = [
        k.selector
        for k in snapshot.pairing_keys
        if k.expires_at.tzinfo is not None and k.active_at(now)
    ]
    if len(set(redeemable)) != len(redeemable):
        problems.add("two redeemable pairing keys share a selector")
    for token in snapshot.deployment_tokens:
        if token.device_id is None:
            continue
        where = f"deployment token {token.token_id}"
        known = problems.expect(store.devices, token.device_id, where)
        if known and store.devices[token.device_id].project_id != token.project_id:
            problems.add(f"{where} is bound to a device of another project")
