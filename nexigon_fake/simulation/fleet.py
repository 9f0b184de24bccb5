"""``SimulatedFleet``: devices that act like real agents, made by ``hub.simulate(...)``.

A fleet makes what it needs through the hub's own actions, as an operator would: a project
in the default organization (unless given one), a deployment token that accepts
certificates, or a pairing key per device when the profile says so. Its ids come from its
own stream and its randomness from its own seeded generator, so the same seeds give the
same fleet and adding one changes no id a test's own calls get.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from nexigon_fake.hub import Hub
from nexigon_fake.ids import IdSource, seeded_random
from nexigon_fake.simulation.context import FleetContext, FleetCounters
from nexigon_fake.simulation.device import SimulatedDevice
from nexigon_fake.simulation.engine import Simulation, output_of
from nexigon_fake.simulation.profile import DeviceProfile, ProfileSource, load_profile
from nexigon_fake.simulation.work import CONNECT, MICROS, OFFLINE, registration
from nexigon_fake.wire.credentials import Credentials


class SimulatedFleet:
    """The devices of one ``hub.simulate(...)``, what they did, and how to stop them."""

    def __init__(
        self, context: FleetContext, devices: list[SimulatedDevice], project_ids: list[str]
    ) -> None:
        self._context = context
        self.devices: Sequence[SimulatedDevice] = tuple(devices)
        self.project_ids = project_ids
        self._by_id = {device.device_id: device for device in devices}

    @property
    def profile(self) -> DeviceProfile:
        return self._context.profile

    @property
    def counters(self) -> FleetCounters:
        return self._context.counters

    @property
    def project_id(self) -> str | None:
        """The fleet's project (the first, for a fleet of existing devices)."""
        return self.project_ids[0] if self.project_ids else None

    @property
    def journaled(self) -> bool:
        """Whether the fleet's calls go to the hub's journal (off by default)."""
        return self._context.journaled

    @journaled.setter
    def journaled(self, on: bool) -> None:
        self._context.journaled = on

    def device(self, device_id: str) -> SimulatedDevice:
        return self._by_id[device_id]

    def __len__(self) -> int:
        return len(self.devices)

    def __iter__(self) -> Iterator[SimulatedDevice]:
        return iter(self.devices)

    @property
    def stopped(self) -> bool:
        return self._context.stopped

    def stop(self) -> None:
        """Stop simulating: every device disconnects and does nothing more."""
        context = self._context
        simulation = context.simulation
        with simulation.hub.lock:
            if context.stopped:
                return
            for device in self.devices:
                device.disconnect()
                simulation.by_device_id.pop(device.device_id, None)
                simulation.watch_touches.discard(device.device_id)
            context.stopped = True


def start_fleet(
    hub: Hub,
    *,
    count: int | None = None,
    device_ids: Sequence[str] | None = None,
    project_id: str | None = None,
    profile: ProfileSource = None,
    seed: int | None = None,
    journaled: bool = False,
) -> SimulatedFleet:
    """Simulate ``count`` new devices (in ``project_id``, else a new project of the default
    organization) or the existing ``device_ids``. They connect now (or within the profile's
    jitter) and act from then on as the hub clock moves. Raises ``ActionError`` when the
    hub refuses what the fleet needs (an unknown project or device)."""
    if (count is None) == (device_ids is None):
        raise TypeError("simulate() takes count=... or device_ids=[...], not both or neither")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise ValueError(f"simulate(): count must be an integer >= 0, not {count!r}")
    resolved = load_profile(profile)
    simulation = Simulation.of(hub)
    number = len(simulation.fleets)
    fleet_seed = hub.seed if seed is None else seed
    digest = hashlib.sha256(f"nexigon-fake simulation {fleet_seed} {number}".encode()).digest()
    ids = IdSource(int.from_bytes(digest[:8], "big"))
    context = FleetContext(
        simulation=simulation,
        ids=ids,
        random=seeded_random(fleet_seed, f"simulation {number}"),
        profile=resolved,
        journaled=journaled,
        admin=Credentials(hub.admin_token),
        node_id=ids.flat("cluster_node"),
        counters=FleetCounters(),
        behaviours={command.name: command for command in resolved.commands},
        commands={command.name: registration(command) for command in resolved.commands},
    )
    with hub.lock:
        builder = _Builder(hub, context)
        if device_ids is not None:
            devices = [builder.existing(index, id_) for index, id_ in enumerate(device_ids)]
        else:
            assert count is not None
            target = project_id if project_id is not None else builder.new_project(number)
            devices = [builder.new(index, target) for index in range(count)]
        fleet = SimulatedFleet(context, devices, builder.projects)
        simulation.fleets.append(fleet)
        for device in devices:
            _enlist(simulation, context, device)
    simulation.run_due()
    return fleet


class _Builder:
    """Makes what a fleet needs through the hub's actions, as its administrator."""

    def __init__(self, hub: Hub, context: FleetContext) -> None:
        self.hub = hub
        self.context = context
        self.tokens: dict[str, str] = {}  # project -> the fleet's deployment token there
        self.projects: list[str] = []

    def call(self, action: str, payload: dict[str, Any], credentials: Credentials) -> Any:
        context = self.context
        answer = context.simulation.call(
            context.ids, action, payload, credentials, context.journaled, faulted=False
        )
        if answer.error is not None:
            raise answer.error
        return output_of(answer)

    def new_project(self, number: int) -> str:
        payload = {"organizationId": self.hub.default_organization_id}
        payload["name"] = f"Simulated fleet {number + 1}"
        project_id: str = self.call("projects_Create", payload, self.context.admin)["projectId"]
        return project_id

    def token(self, project_id: str) -> str:
        if project_id not in self.tokens:
            payload = {
                "projectId": project_id,
                "name": "simulated fleet",
                "flags": {"autoAccept": True},
            }
            self.tokens[project_id] = self.call(
                "projects_CreateDeploymentToken", payload, self.context.admin
            )["token"]
            self.projects.append(project_id)
        return self.tokens[project_id]

    def new(self, index: int, project_id: str) -> SimulatedDevice:
        context = self.context
        fingerprint = context.ids.secret("d_sk")
        if context.profile.pairing:
            key = self.call(
                "projects_CreateDevicePairingKey", {"projectId": project_id}, context.admin
            )["pairingKey"]
            redeemed = self.call(
                "projects_RedeemDevicePairingKey",
                {"pairingKey": key, "fingerprint": fingerprint},
                Credentials(),
            )
            token = redeemed["token"]
            if project_id not in self.projects:
                self.projects.append(project_id)
        else:
            token = self.token(project_id)
        device = SimulatedDevice(context, index, "", fingerprint, token, _certificate(context))
        device.device_id = device.admit().device_id
        return device

    def existing(self, index: int, device_id: str) -> SimulatedDevice:
        context = self.context
        record = self.hub.store.device(device_id)  # NotFound for an unknown device
        token = self.token(record.project_id)
        device = SimulatedDevice(
            context, index, device_id, record.fingerprint, token, _certificate(context)
        )
        device.admit()
        return device


def _certificate(context: FleetContext) -> str:
    """A client certificate as the hub sees one: PEM armour around the device's own bytes."""
    body = base64.b64encode(context.ids.bytes(48)).decode()
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


def _enlist(simulation: Simulation, context: FleetContext, device: SimulatedDevice) -> None:
    """Register the device with the engine, draw its failure modes, queue its connect."""
    profile, rng = context.profile, context.random
    failures = profile.failures
    simulation.by_device_id[device.device_id] = device
    if profile.reactions:
        simulation.watch_touches.add(device.device_id)
    now = simulation.now_micros()
    if failures.failing_command_share > 0 and rng.random() < failures.failing_command_share:
        device.command_error = failures.failing_command_error
    if failures.hanging_command_share > 0 and rng.random() < failures.hanging_command_share:
        device.command_hangs = True
    if failures.silent_share > 0 and rng.random() < failures.silent_share:
        device.silent = True
    if failures.degraded_share > 0 and rng.random() < failures.degraded_share:
        device.health = "degraded"
    if failures.offline_share > 0 and rng.random() < failures.offline_share:
        start = now + round(rng.uniform(0, failures.offline_within_secs) * MICROS)
        device.schedule(start, OFFLINE, always=True, argument=failures.offline_duration_secs)
    jitter = profile.connect_jitter_secs
    delay = round(rng.uniform(0, jitter) * MICROS) if jitter > 0 else 0
    device.schedule(now + delay, CONNECT, always=True)
    device.schedule_crash()
