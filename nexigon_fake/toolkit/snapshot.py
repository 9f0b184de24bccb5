"""Snapshots: the whole state of a hub as JSON, and a hub rebuilt from one.

A snapshot holds every table, the clock, the id generator's position and the JWT secret, so a
restored hub answers the next calls exactly as the original would have. Secondary indexes are
not stored; they are rebuilt. A snapshot is checked before it replaces anything: a malformed
or inconsistent one is ``Invalid`` and the hub keeps its state.
"""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass
from typing import Any

import msgspec

from nexigon_fake.clock import Clock, ClockError, FrozenClock, SystemClock
from nexigon_fake.errors import (
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_KEEP_CREDENTIALS_TAKEN,
)
from nexigon_fake.ids import IdSource
from nexigon_fake.state.fleet_operation_records import FleetOperationTables
from nexigon_fake.state.operation_records import OperationTables
from nexigon_fake.state.store import Store
from nexigon_fake.toolkit.fixture_loader import LoadedFixture
from nexigon_fake.toolkit.snapshot_checks import MSG_BAD_SNAPSHOT, check, check_records
from nexigon_fake.toolkit.snapshot_format import (
    SNAPSHOT_FORMAT,
    ClockState,
    Snapshot,
    StoredCertificate,
    StoredDevice,
)
from nexigon_fake.toolkit.snapshot_integrity import check_integrity


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
        pairing_keys=list(store.pairing_keys.values()),
        operations=list(store.operations.operations.values()),
        operations_origin=store.operations.origin,
        operations_queue_sequence=store.operations.queue_sequence,
        fleet_properties=[r for table in store.fleet_properties.values() for r in table.values()],
        fleet_property_definitions=[
            d for table in store.fleet_property_definitions.values() for d in table.values()
        ],
        fleet_operations=list(store.fleet_operations.fleets.values()),
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
    try:
        clock = (
            FrozenClock(snapshot.clock.now)
            if snapshot.clock.frozen
            else SystemClock(snapshot.clock.now)
        )
    except ClockError as error:
        raise InvalidError(MSG_BAD_SNAPSHOT.format(detail=f"`clock.now`: {error}")) from None
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
    check_integrity(store, snapshot)
    # Restoring does not drive (C31): what fell due waits for the next call or clock move.
    store.operations = OperationTables(snapshot.operations_origin or snapshot.clock.now)
    store.operations.rebuild(snapshot.operations, store.options.operation_tick_secs)
    store.fleet_operations = FleetOperationTables()
    store.fleet_operations.rebuild(snapshot.fleet_operations, store.operations.operations)
    for fleet in snapshot.fleet_operations:
        if fleet.next_due is not None:
            key, entry = fleet.fleet_operation_id, fleet.timer_entry
            fleet.timer_entry = store.operations.schedule_timer(key, fleet.next_due, entry)
    store.operations.queue_sequence = max(
        store.operations.queue_sequence, snapshot.operations_queue_sequence
    )
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


def with_admin_token(restored: Restored, token: str) -> Restored:
    """``restored`` with its admin's token secret replaced by ``token`` (the token keeps its
    id, name and age), so clients holding the current hub's admin token keep working."""
    store = restored.store
    if token == restored.admin_token:
        return restored
    holder = store.user_tokens_by_secret.get(token)
    if holder is not None:
        user_id = store.user_tokens[holder].user_id
        if user_id != restored.admin_user_id:
            raise InvalidError(MSG_KEEP_CREDENTIALS_TAKEN.format(user_id=user_id))
        return dataclasses.replace(restored, admin_token=token)
    token_id = store.user_tokens_by_secret.pop(restored.admin_token)
    store.user_tokens[token_id].secret = token
    store.user_tokens_by_secret[token] = token_id
    return dataclasses.replace(restored, admin_token=token)


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
    # Keyed as users_Create keys it: case-folded, so uniqueness survives a restore.
    store.users_by_email = {user.email.lower(): user.user_id for user in snapshot.users}
    store.user_tokens_by_secret = {t.secret: t.token_id for t in snapshot.user_tokens}
    store.organization_tokens_by_secret = {
        t.secret: t.token_id for t in snapshot.organization_tokens
    }
    store.deployment_tokens_by_secret = {t.secret: t.token_id for t in snapshot.deployment_tokens}
    for certificate in store.certificates.values():
        store.add_certificate_holder(certificate.digest, certificate.certificate_id)
    for record in snapshot.audit:
        store.audit.append(record)
    _fill_pairing(store, snapshot)
    for prop in snapshot.fleet_properties:
        store.fleet_properties.setdefault(prop.project_id, {})[prop.name] = prop
    for definition in snapshot.fleet_property_definitions:
        table = store.fleet_property_definitions.setdefault(definition.project_id, {})
        table[definition.name] = definition


def _fill_pairing(store: Store, snapshot: Snapshot) -> None:
    """Pairing keys and their selector index (a later key wins: it was created after the
    earlier one expired), and the tokens bound to each device."""
    store.pairing_keys = {k.pairing_key_id: k for k in snapshot.pairing_keys}
    for key in snapshot.pairing_keys:
        if key.used_at is None and key.revoked_at is None:
            store.pairing_keys_by_selector[key.selector] = key.pairing_key_id
    for token in snapshot.deployment_tokens:
        if token.device_id is not None:
            store.bound_tokens.setdefault(token.device_id, {})[token.token_id] = None
