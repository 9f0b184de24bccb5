"""Loading fixtures (``fixtures/*.json``) into a hub through its own typed API.

Every item becomes the action a client would call, so the hub's validation and semantics
(conflicting certificates, duplicate fingerprints, OTLP rules) apply to seed data too. Errors
name the file and the JSON path of the item, so a broken fixture is fixed in one look.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors import (
    MSG_FIXTURE_NOT_JSON,
    MSG_FIXTURE_UNKNOWN_FIELD,
    ActionError,
    InvalidError,
    InvalidJsonError,
)
from nexigon_fake.state.fleet_properties import set_computed_value
from nexigon_fake.toolkit.fixture_fleet import FleetOperationStep, run_fleet_operation
from nexigon_fake.toolkit.fixture_format import (
    DEFAULT_ORGANIZATION_KEY,
    FORMAT,
    Fixture,
    FixtureDevice,
    FixtureFleetProperty,
    FixtureProject,
    FixtureRuleError,
    check_rules,
    oldest_secs_ago,
)
from nexigon_fake.toolkit.fixture_operations import OperationStep, run_operation
from nexigon_fake.toolkit.fixture_pairing import PairingKeyStep, run_pairing_key
from nexigon_fake.toolkit.fixture_results import ActionRunner, FixtureError, LoadedFixture
from nexigon_fake.wire.decoding import check_unknown_fields, decode_input, parse_json
from nexigon_fake.wire.devices import ConnectionEndReason
from nexigon_fake.wire.projects import DeploymentTokenFlags, ProjectOtlpConfig
from nexigon_fake.wire.repositories import CreateRepositorySuccess

__all__ = [
    "FixtureError",
    "LoadedFixture",
    "builtin_fixture_names",
    "load_fixture",
    "read_fixture",
    "resolve_fixture",
]

FixtureSource = str | os.PathLike[str] | Mapping[str, Any]

IN_MEMORY = "<fixture>"
SCHEMA_FILE = "schema.json"
DEFAULT_END_REASON: ConnectionEndReason = "Disconnected"


# Finding fixtures.


def _builtin_dir() -> Path:
    """The wheel bundles fixtures as ``nexigon_fake/_fixtures``; a checkout has ``fixtures/``."""
    bundled = importlib.resources.files("nexigon_fake") / "_fixtures"
    if bundled.is_dir():
        return Path(str(bundled))
    return Path(__file__).resolve().parents[2] / "fixtures"


def builtin_fixture_names() -> list[str]:
    """Names ``load_fixture`` accepts besides paths, e.g. ``showcase``."""
    directory = _builtin_dir()
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.json") if p.name != SCHEMA_FILE)


def resolve_fixture(name_or_path: str | os.PathLike[str]) -> Path:
    """An existing file wins; otherwise a built-in fixture's name, with or without ``.json``."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    name = str(name_or_path).removesuffix(".json")
    names = builtin_fixture_names()
    if name in names:
        return _builtin_dir() / f"{name}.json"
    known = ", ".join(names) or "none"
    raise FixtureError(
        str(name_or_path), f"no such file, and no built-in fixture of that name (built-in: {known})"
    )


# Reading and validating.


def _parse_json(origin: str, data: bytes) -> Any:
    """The hub's one strict JSON parser (``wire.decoding.parse_json``), its refusal named
    after the file."""
    try:
        return parse_json(data)
    except InvalidJsonError as error:
        detail = error.message if error.rule is None else error.rule
        raise FixtureError(origin, MSG_FIXTURE_NOT_JSON.format(detail=detail)) from None


def _decode(origin: str, payload: Any) -> Fixture:
    """The typed fixture, or the first structural error with its JSON path."""
    if not isinstance(payload, dict):
        raise FixtureError(origin, "A fixture must be a JSON object.", "$")
    expected = f"expected {json.dumps(FORMAT)}"
    if "format" not in payload:
        raise FixtureError(origin, f"Object missing required field `format` ({expected}).", "$")
    if payload["format"] != FORMAT:
        got = json.dumps(payload["format"], default=repr)
        raise FixtureError(origin, f"Unsupported format {got}; {expected}.", "$.format")
    try:
        fixture: Fixture = decode_input(Fixture, payload, strict=False)
        # The wire records inside (steps, events) accept unknown keys on the wire, as the Hub
        # does; in a fixture, the fake's own format, an unknown key is a typo.
        check_unknown_fields(Fixture, payload, MSG_FIXTURE_UNKNOWN_FIELD)
    except InvalidError as error:
        detail = error.message if error.rule is None else error.rule
        raise FixtureError(origin, detail, error.path or "$") from None
    try:
        check_rules(fixture)
    except FixtureRuleError as error:
        raise FixtureError(origin, error.detail, error.path) from None
    return fixture


def _read(source: FixtureSource) -> tuple[str, str, Fixture]:
    """(origin for messages, fixture name, the validated fixture)."""
    if isinstance(source, Mapping):
        return IN_MEMORY, IN_MEMORY, _decode(IN_MEMORY, dict(source))
    path = resolve_fixture(source)
    origin = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FixtureError(origin, f"cannot read the file: {error.strerror}") from None
    return origin, path.stem, _decode(origin, _parse_json(origin, data))


def read_fixture(source: FixtureSource) -> Fixture:
    """Read and validate a fixture without loading it (structure, keys and references)."""
    return _read(source)[2]


# Loading.


def load_fixture(hub: ActionRunner, source: FixtureSource) -> LoadedFixture:
    """Create a fixture's entities in ``hub``: a path, a built-in name, or a parsed mapping.

    Everything is created at the instant of the oldest connection (``now`` when there is
    none), then connections open and close in chronological order at ``now - secsAgo``; the
    clock is set back to ``now`` afterwards, also on error. A failed load here leaves what it
    created so far; ``Hub.load_fixture`` wraps this and undoes it.
    """
    origin, name, fixture = _read(source)
    loader = _Loader(hub, origin, LoadedFixture(name=name))
    oldest = oldest_secs_ago(fixture)
    with hub.lock:  # a live server must not observe the clock moved back
        now = hub.clock.now()
        # Entities exist before their oldest connection, so `firstSeen` never follows it.
        hub.clock.set(now - dt.timedelta(seconds=oldest))
        try:
            loader.load(fixture, now)
        finally:
            hub.clock.set(now)
    return loader.loaded


@dataclass(frozen=True, slots=True)
class _ConnectionStep:
    """One open (``end_reason`` None) or close of a connection, run at ``now - secs_ago``."""

    secs_ago: int
    order: int
    connection_key: str
    device_id: str
    path: str
    end_reason: ConnectionEndReason | None


class _Loader:
    """Runs a validated fixture's items as actions, recording the created ids by key."""

    def __init__(self, hub: ActionRunner, origin: str, loaded: LoadedFixture) -> None:
        self.hub = hub
        self.origin = origin
        self.loaded = loaded
        self.steps: list[_ConnectionStep] = []
        self.timed: list[PairingKeyStep | OperationStep | FleetOperationStep] = []

    def run(self, path: str, action: str, **fields: Any) -> Any:
        """The action's output; its error becomes a FixtureError at the item's path."""
        try:
            return self.hub.execute_quietly(ACTIONS[action].input_type(**fields))
        except ActionError as error:
            raise FixtureError(self.origin, error.message, path) from error

    def load(self, fixture: Fixture, now: dt.datetime) -> None:
        hub, loaded, run = self.hub, self.loaded, self.run
        loaded.organizations[DEFAULT_ORGANIZATION_KEY] = hub.default_organization_id
        for index, organization in enumerate(fixture.organizations):
            created = run(
                f"$.organizations[{index}]",
                "organizations_Create",
                name=organization.name,
                requires_subscription=False,
            )
            loaded.organizations[organization.key] = created.organization_id
        for index, repository in enumerate(fixture.repositories):
            path = f"$.repositories[{index}]"
            organization_id = loaded.organizations[repository.organization]
            result = run(
                path,
                "repositories_Create",
                organization_id=organization_id,
                display_name=repository.name,
                visibility=repository.visibility,
            )
            if not isinstance(result, CreateRepositorySuccess):
                detail = (
                    f"Organization {organization_id} already has a repository `{repository.name}`."
                )
                raise FixtureError(self.origin, detail, path)
            loaded.repositories[repository.key] = result.repository_id
        for index, project in enumerate(fixture.projects):
            self.load_project(project, f"$.projects[{index}]")
        self.run_connections(now)

    def load_project(self, project: FixtureProject, path: str) -> None:
        loaded, run = self.loaded, self.run
        organization_id = loaded.organizations[project.organization]
        created = run(path, "projects_Create", organization_id=organization_id, name=project.name)
        project_id: str = created.project_id
        loaded.projects[project.key] = project_id
        for index, token in enumerate(project.deployment_tokens):
            flags = None if token.auto_accept is None else DeploymentTokenFlags(token.auto_accept)
            output = run(
                f"{path}.deploymentTokens[{index}]",
                "projects_CreateDeploymentToken",
                project_id=project_id,
                name=token.name,
                flags=flags,
            )
            loaded.deployment_tokens[token.key] = output.token
        for index, repository_key in enumerate(project.linked_repositories):
            run(
                f"{path}.linkedRepositories[{index}]",
                "projects_LinkRepository",
                project_id=project_id,
                repository_id=loaded.repositories[repository_key],
            )
        if project.otlp is not None:
            otlp = project.otlp
            config = ProjectOtlpConfig(
                enabled=otlp.enabled, endpoint=otlp.endpoint, headers=dict(otlp.headers)
            )
            run(f"{path}.otlp", "projects_SetOtlpConfig", project_id=project_id, config=config)
        for index, device in enumerate(project.devices):
            self.load_device(project_id, device, f"{path}.devices[{index}]")
        for index, prop in enumerate(project.fleet_properties):
            self.load_fleet_property(project_id, prop, f"{path}.fleetProperties[{index}]")
        for index, pairing_key in enumerate(project.pairing_keys):
            order = len(self.steps) + len(self.timed)
            step = PairingKeyStep(
                pairing_key.created_secs_ago,
                order,
                project_id,
                pairing_key,
                f"{path}.pairingKeys[{index}]",
            )
            self.timed.append(step)
        for index, spec in enumerate(project.fleet_operations):
            devices = None if spec.devices is None else [loaded.devices[k] for k in spec.devices]
            order = len(self.steps) + len(self.timed)
            secs_ago = spec.started_secs_ago or 0
            at = f"{path}.fleetOperations[{index}]"
            self.timed.append(FleetOperationStep(secs_ago, order, project_id, devices, spec, at))

    def load_fleet_property(self, project_id: str, prop: FixtureFleetProperty, path: str) -> None:
        """A manual value, or a computed definition and, when given, its value (D39)."""
        computed = prop.computed
        if computed is None:
            self.run(
                path, "fleet_SetProperty", project_id=project_id, name=prop.name, value=prop.value
            )
            return
        self.run(
            f"{path}.computed",
            "fleet_DefineComputedProperty",
            project_id=project_id,
            name=prop.name,
            input_properties=list(computed.input_properties),
            strategy=computed.strategy,
            config=computed.config,
        )
        if prop.value is not msgspec.UNSET:
            with self.hub.lock:
                set_computed_value(self.hub.store, project_id, prop.name, prop.value)

    def load_device(self, project_id: str, device: FixtureDevice, path: str) -> None:
        hub, loaded, run = self.hub, self.loaded, self.run
        fingerprint = device.fingerprint or hub.ids.secret("d_sk")
        created = run(path, "devices_Create", project_id=project_id, fingerprint=fingerprint)
        device_id: str = created.device_id
        loaded.devices[device.key] = device_id
        loaded.device_fingerprints[device.key] = fingerprint
        if device.name is not None:
            run(f"{path}.name", "devices_SetName", device_id=device_id, name=device.name)
        for index, certificate in enumerate(device.certificates):
            added = run(
                f"{path}.certificates[{index}]",
                "devices_AddCertificate",
                device_id=device_id,
                fingerprint=certificate.fingerprint,
                status=certificate.status,
            )
            loaded.certificates[f"{device.key}/{index}"] = added.certificate_id
        for index, prop in enumerate(device.properties):
            run(
                f"{path}.properties[{index}]",
                "devices_SetProperty",
                device_id=device_id,
                name=prop.name,
                value=prop.value,
                protected=prop.protected,
            )
        if device.events:
            events = list(device.events)
            run(f"{path}.events", "devices_PublishEvents", device_id=device_id, events=events)
        for index, connection in enumerate(device.connections):
            key, step_path = f"{device.key}/{index}", f"{path}.connections[{index}]"
            moments: list[tuple[int, ConnectionEndReason | None]] = [
                (connection.connected_secs_ago, None)
            ]
            if connection.ended_secs_ago is not None:
                reason = connection.end_reason or DEFAULT_END_REASON
                moments.append((connection.ended_secs_ago, reason))
            for secs_ago, end_reason in moments:
                order = len(self.steps) + len(self.timed)
                step = _ConnectionStep(secs_ago, order, key, device_id, step_path, end_reason)
                self.steps.append(step)
        for index, operation in enumerate(device.operations):
            order = len(self.steps) + len(self.timed)
            secs_ago = operation.started_secs_ago or 0
            op_path = f"{path}.operations[{index}]"
            self.timed.append(OperationStep(secs_ago, order, device_id, operation, op_path))

    def run_connections(self, now: dt.datetime) -> None:
        """Opens and closes (pairing keys and operations too), oldest first, each at its own
        instant; then back to ``now``.

        Connection ids are drawn in declaration order first, so they do not depend on the
        timeline.
        """
        if not self.steps and not self.timed:
            return
        hub, connections = self.hub, self.loaded.connections
        node_id = hub.ids.flat("cluster_node") if self.steps else ""
        for opening in self.steps:
            if opening.end_reason is None:
                connections[opening.connection_key] = hub.ids.flat("d_conn")
        timeline: list[_ConnectionStep | PairingKeyStep | OperationStep | FleetOperationStep] = [
            *self.steps,
            *self.timed,
        ]
        try:
            for step in sorted(timeline, key=lambda s: (-s.secs_ago, s.order)):
                hub.clock.set(now - dt.timedelta(seconds=step.secs_ago))
                if isinstance(step, OperationStep):
                    self.loaded.operations[step.spec.key] = run_operation(self.run, step)
                    continue
                if isinstance(step, FleetOperationStep):
                    fleet_id = run_fleet_operation(self.run, step)
                    self.loaded.fleet_operations[step.spec.key] = fleet_id
                    continue
                if isinstance(step, PairingKeyStep):
                    created = run_pairing_key(self.run, step)
                    self.loaded.pairing_key_ids[step.spec.key] = created.pairing_key_id
                    self.loaded.pairing_keys[step.spec.key] = created.pairing_key
                    continue
                connection_id = connections[step.connection_key]
                if step.end_reason is None:
                    self.run(
                        step.path,
                        "devices_RegisterConnection",
                        device_id=step.device_id,
                        node_id=node_id,
                        connection_id=connection_id,
                    )
                else:
                    self.run(
                        step.path,
                        "devices_UnregisterConnection",
                        connection_id=connection_id,
                        end_reason=step.end_reason,
                    )
        finally:
            hub.clock.set(now)
