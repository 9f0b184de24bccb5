"""The JSON format of fixtures: seed data a hub can load (``fixtures/*.json``).

The format is msgspec Structs so that decoding, error paths and the published JSON Schema
(``fixtures/schema.json``) come from one definition. Fields reuse the wire types, so a
fixture is held to the same rules as the actions the loader runs for it. Struct docstrings
become the schema's descriptions; ``check_rules`` holds what a schema cannot say (unique keys,
references, connection times).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from nexigon_fake.ids import END
from nexigon_fake.wire.common import (
    CertificateFingerprint,
    DeviceFingerprint,
    JsonValue,
    WireStruct,
    length_rule,
    range_rule,
)
from nexigon_fake.wire.devices import (
    ConnectionEndReason,
    DeviceCertificateStatus,
    DeviceEvent,
    DeviceName,
    PropertyName,
)
from nexigon_fake.wire.fleet_operations import (
    EnrollmentInterval,
    FleetOperationDescription,
    FleetOperationName,
    Stages,
)
from nexigon_fake.wire.fleet_properties import StrategyName
from nexigon_fake.wire.json import JsonExpr
from nexigon_fake.wire.operations import (
    DeviceOperationStep,
    OperationDescription,
    OperationName,
    Steps,
)
from nexigon_fake.wire.organizations import OrganizationName
from nexigon_fake.wire.pairing_keys import PairingKeyName, PairingKeyValidity
from nexigon_fake.wire.projects import OtlpEndpoint, ProjectName, TokenName
from nexigon_fake.wire.repositories import RepositoryDisplayName, RepositoryVisibility

FORMAT = "nexigon-fake-fixture/1"
DEFAULT_ORGANIZATION_KEY = "default"
MAX_SECS_AGO = 10 * 365 * 86_400

KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*" + END
FixtureKey = Annotated[
    str,
    length_rule(
        1,
        128,
        "Key must be between 1 and 128 characters.",
        pattern=KEY_PATTERN,
        rule="Key must start with a letter or digit and contain only letters, digits, `.`, `_` "
        "and `-`.",
    ),
]
SecsAgo = Annotated[
    int,
    range_rule(0, MAX_SECS_AGO, f"Seconds ago must be between 0 and {MAX_SECS_AGO} (10 years)."),
]


class FixtureStruct(WireStruct, forbid_unknown_fields=True):
    """A fixture record: camelCase keys as on the wire, and a typo is an error, not a no-op."""


class FixtureOrganization(FixtureStruct):
    """An organization to create; the hub's own default organization is the key `default`."""

    key: FixtureKey
    name: OrganizationName


class FixtureRepository(FixtureStruct):
    """A repository of an organization (by key), which projects may link; ``name`` is its
    display name."""

    key: FixtureKey
    name: RepositoryDisplayName
    organization: FixtureKey = DEFAULT_ORGANIZATION_KEY
    visibility: RepositoryVisibility | None = None


class FixtureDeploymentToken(FixtureStruct):
    """A deployment token of the project; its secret is reported under its key after loading."""

    key: FixtureKey
    name: TokenName
    auto_accept: bool | None = None


class FixturePairingKey(FixtureStruct):
    """A device pairing key created `createdSecsAgo` before the load (0: at the end of it).
    `redeemedBy` redeems it at once with that device fingerprint (and `deviceName`), `revoked`
    revokes it at once; it has expired when `createdSecsAgo` reaches its validity."""

    key: FixtureKey
    name: PairingKeyName | None = None
    valid_for_secs: PairingKeyValidity | None = None
    created_secs_ago: SecsAgo = 0
    redeemed_by: DeviceFingerprint | None = None
    device_name: DeviceName | None = None
    revoked: bool = False


class FixtureOtlpConfig(FixtureStruct):
    """The project's OTLP forwarding, as `projects_SetOtlpConfig` takes it."""

    enabled: bool
    endpoint: OtlpEndpoint | None = None
    headers: dict[str, str] = {}


class FixtureCertificate(FixtureStruct):
    """A certificate added to the device; a fingerprint on two devices puts both in `Conflict`."""

    fingerprint: CertificateFingerprint
    status: DeviceCertificateStatus | None = None


class FixtureConnection(FixtureStruct):
    """A connection opened `connectedSecsAgo` before the load; still open without `endedSecsAgo`."""

    connected_secs_ago: SecsAgo
    ended_secs_ago: SecsAgo | None = None
    end_reason: ConnectionEndReason | None = None


class FixtureProperty(FixtureStruct):
    """A device property, as `devices_SetProperty` takes it."""

    name: PropertyName
    value: JsonValue
    protected: bool | None = None


class FixtureEvent(DeviceEvent, forbid_unknown_fields=True):
    """A device event exactly as `devices_PublishEvents` takes it (the hub sets `receivedAt`)."""


class FixtureOperation(FixtureStruct):
    """A device operation, created `startedSecsAgo` before the load and started then; without
    `startedSecsAgo` it is created at the end of the load and stays `Pending`. `cancelled`
    cancels it at that instant. Its steps run as they would: hub-side steps complete, command
    steps wait for the device, and a step whose deadline has passed by the end has timed out."""

    key: FixtureKey
    name: OperationName
    steps: list[DeviceOperationStep]
    description: OperationDescription | None = None
    started_secs_ago: SecsAgo | None = None
    cancelled: bool = False


class FixtureDevice(FixtureStruct):
    """A device; without `fingerprint` one is drawn from the hub's seed."""

    key: FixtureKey
    name: DeviceName | None = None
    fingerprint: DeviceFingerprint | None = None
    certificates: list[FixtureCertificate] = []
    connections: list[FixtureConnection] = []
    properties: list[FixtureProperty] = []
    events: list[FixtureEvent] = []
    operations: list[FixtureOperation] = []


class FixtureComputedFleetProperty(FixtureStruct):
    """The definition of a computed fleet property, as `fleet_DefineComputedProperty` takes it."""

    input_properties: list[PropertyName]
    strategy: StrategyName
    config: JsonValue | None = None


class FixtureFleetProperty(FixtureStruct):
    """A fleet property: a manual one with its `value` (`fleet_SetProperty`), or a computed one
    with its definition under `computed`, whose `value`, when given, is set as a test would set
    it (`hub.fleet.set_computed_value`); without one it is `null` with the fake's error."""

    name: PropertyName
    value: JsonValue | msgspec.UnsetType = msgspec.UNSET
    computed: FixtureComputedFleetProperty | None = None


class FixtureFleetOperation(FixtureStruct):
    """A fleet operation of the project, created `startedSecsAgo` before the load and started
    then; without `startedSecsAgo` it is created at the end of the load and stays `Draft`.
    `devices` (keys of the project's devices) is its `deviceIds` allow-list; `paused` pauses and
    `cancelled` cancels it at its start instant. It then runs as it would: hub-side steps
    complete, command steps wait for the devices, deadlines passed by the end have timed out."""

    key: FixtureKey
    name: FleetOperationName
    stages: Stages
    steps: Steps
    description: FleetOperationDescription | None = None
    devices: list[FixtureKey] | None = None
    predicates: list[JsonExpr] = []
    enrollment_interval_secs: EnrollmentInterval | None = None
    close_when_converged: bool | None = None
    started_secs_ago: SecsAgo | None = None
    paused: bool = False
    cancelled: bool = False


class FixtureProject(FixtureStruct):
    """A project of an organization (by key) with its tokens, links, OTLP config, devices,
    pairing keys and fleet properties."""

    key: FixtureKey
    name: ProjectName
    organization: FixtureKey = DEFAULT_ORGANIZATION_KEY
    deployment_tokens: list[FixtureDeploymentToken] = []
    linked_repositories: list[FixtureKey] = []
    otlp: FixtureOtlpConfig | None = None
    devices: list[FixtureDevice] = []
    pairing_keys: list[FixturePairingKey] = []
    fleet_properties: list[FixtureFleetProperty] = []
    fleet_operations: list[FixtureFleetOperation] = []


class Fixture(FixtureStruct):
    """Seed data for nexigon-fake (format `nexigon-fake-fixture/1`)."""

    format: Literal["nexigon-fake-fixture/1"]
    schema: str | None = msgspec.field(default=None, name="$schema")
    description: str | None = None
    organizations: list[FixtureOrganization] = []
    repositories: list[FixtureRepository] = []
    projects: list[FixtureProject] = []


class FixtureRuleError(ValueError):
    """A rule the schema cannot express is broken at ``path`` (a JSON path)."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


def check_rules(fixture: Fixture) -> None:
    """Unique keys per kind, references to known keys, connection times that make sense."""
    seen: dict[str, dict[str, str]] = {
        kind: {}
        for kind in (
            "organization",
            "repository",
            "project",
            "deployment token",
            "device",
            "pairing key",
            "operation",
            "fleet operation",
        )
    }
    seen["organization"][DEFAULT_ORGANIZATION_KEY] = "the hub's default organization"

    def define(kind: str, key: str, path: str) -> None:
        first = seen[kind].get(key)
        if first is not None:
            raise FixtureRuleError(path, f"Duplicate {kind} key `{key}` (already {first}).")
        seen[kind][key] = f"at {path}"

    def refer(kind: str, key: str, path: str) -> None:
        if key not in seen[kind]:
            known = ", ".join(f"`{k}`" for k in seen[kind]) or "none"
            raise FixtureRuleError(path, f"Unknown {kind} `{key}` (known: {known}).")

    for index, organization in enumerate(fixture.organizations):
        define("organization", organization.key, f"$.organizations[{index}].key")
    for index, repository in enumerate(fixture.repositories):
        path = f"$.repositories[{index}]"
        define("repository", repository.key, f"{path}.key")
        refer("organization", repository.organization, f"{path}.organization")
    for p_index, project in enumerate(fixture.projects):
        path = f"$.projects[{p_index}]"
        define("project", project.key, f"{path}.key")
        refer("organization", project.organization, f"{path}.organization")
        for index, token in enumerate(project.deployment_tokens):
            define("deployment token", token.key, f"{path}.deploymentTokens[{index}].key")
        for index, repository_key in enumerate(project.linked_repositories):
            refer("repository", repository_key, f"{path}.linkedRepositories[{index}]")
        for d_index, device in enumerate(project.devices):
            device_path = f"{path}.devices[{d_index}]"
            define("device", device.key, f"{device_path}.key")
            for index, connection in enumerate(device.connections):
                _check_connection(connection, f"{device_path}.connections[{index}]")
            for index, operation in enumerate(device.operations):
                define("operation", operation.key, f"{device_path}.operations[{index}].key")
        for index, pairing_key in enumerate(project.pairing_keys):
            key_path = f"{path}.pairingKeys[{index}]"
            define("pairing key", pairing_key.key, f"{key_path}.key")
            _check_pairing_key(pairing_key, key_path)
        _check_fleet_properties(project.fleet_properties, f"{path}.fleetProperties")
        own_devices = {device.key for device in project.devices}
        for index, fleet_operation in enumerate(project.fleet_operations):
            _check_fleet_operation(fleet_operation, own_devices, f"{path}.fleetOperations[{index}]")
            define("fleet operation", fleet_operation.key, f"{path}.fleetOperations[{index}].key")


def _check_fleet_operation(spec: FixtureFleetOperation, own_devices: set[str], path: str) -> None:
    """Its devices are the project's own; a pause needs a start."""
    for index, key in enumerate(spec.devices or ()):
        if key not in own_devices:
            known = ", ".join(f"`{k}`" for k in sorted(own_devices)) or "none"
            raise FixtureRuleError(
                f"{path}.devices[{index}]",
                f"Unknown device `{key}` of this project (known: {known}).",
            )
    if spec.paused and spec.started_secs_ago is None:
        raise FixtureRuleError(
            f"{path}.paused", "`paused` needs `startedSecsAgo`: only a running rollout pauses."
        )


def _check_connection(connection: FixtureConnection, path: str) -> None:
    ended, connected = connection.ended_secs_ago, connection.connected_secs_ago
    if ended is None:
        if connection.end_reason is not None:
            raise FixtureRuleError(
                f"{path}.endReason",
                "`endReason` needs `endedSecsAgo`: an open connection has no end.",
            )
    elif ended >= connected:
        raise FixtureRuleError(
            f"{path}.endedSecsAgo",
            f"`endedSecsAgo` ({ended}) must be less than `connectedSecsAgo` ({connected}).",
        )


def _check_pairing_key(pairing_key: FixturePairingKey, path: str) -> None:
    """A used key cannot be revoked (D33), and only a redemption names a device."""
    if pairing_key.device_name is not None and pairing_key.redeemed_by is None:
        raise FixtureRuleError(
            f"{path}.deviceName",
            "`deviceName` needs `redeemedBy`: only a redemption names a device.",
        )
    if pairing_key.revoked and pairing_key.redeemed_by is not None:
        raise FixtureRuleError(
            f"{path}.revoked",
            "A pairing key is either `redeemedBy` a device or `revoked`, not both.",
        )


def _check_fleet_properties(properties: list[FixtureFleetProperty], path: str) -> None:
    """One property per name, and a manual one has a value (which may be `null`)."""
    names: dict[str, int] = {}
    for index, prop in enumerate(properties):
        first = names.setdefault(prop.name, index)
        if first != index:
            raise FixtureRuleError(
                f"{path}[{index}].name",
                f"Duplicate fleet property `{prop.name}` (already at {path}[{first}]).",
            )
        if prop.computed is None and prop.value is msgspec.UNSET:
            raise FixtureRuleError(
                f"{path}[{index}]",
                "A manual fleet property needs `value` (`null` is a value); a computed one "
                "needs `computed`.",
            )


def oldest_secs_ago(fixture: Fixture) -> int:
    """How far back the fixture's timeline starts: its oldest connection, pairing key or
    operation start."""
    connections = (
        connection.connected_secs_ago
        for project in fixture.projects
        for device in project.devices
        for connection in device.connections
    )
    keys = (key.created_secs_ago for project in fixture.projects for key in project.pairing_keys)
    operations = (
        operation.started_secs_ago or 0
        for project in fixture.projects
        for device in project.devices
        for operation in device.operations
    )
    rollouts = (
        spec.started_secs_ago or 0
        for project in fixture.projects
        for spec in project.fleet_operations
    )
    return max((*connections, *keys, *operations, *rollouts), default=0)


def fixture_json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, as published in ``fixtures/schema.json``."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "nexigon-fake fixture",
    }
    schema.update(msgspec.json.schema(Fixture))
    return schema
