"""``SimulatedDevice``: one device of a fleet, acting as ``nexigon-agent run`` does.

On each connection, in the agent's order (SEMANTICS-HEAD §III.9.1): admission with its
deployment token, fingerprint and certificate, ``devices_RegisterConnection`` by a cluster
node, ``actor_GetActor``, ``dev.nexigon.system.info`` (then every 30 minutes),
``dev.nexigon.commands``, then the operation loop (``work.py``). The fake adds
``dev.nexigon.system.health`` at connect and on change, events at the profile's rate and
reactions to watched properties. Nothing here sleeps: each next action is an entry on the
simulation's queue, and a connection that ends kills its pending entries (``generation``).
"""

from __future__ import annotations

import math
from typing import Any

from nexigon_fake.errors import ActionError
from nexigon_fake.pipeline import Answer, authenticate_caller
from nexigon_fake.simulation import reports
from nexigon_fake.simulation.context import FleetContext
from nexigon_fake.simulation.engine import ALWAYS, output_of
from nexigon_fake.simulation.profile import DeviceProfile, HealthStatus
from nexigon_fake.simulation.work import (
    COMMAND_DONE,
    CONNECT,
    CRASH,
    EVENT,
    INFO,
    MICROS,
    OFFLINE,
    ONLINE,
    POLL,
    REACT,
    REPORT_RETRY,
    OperationWork,
    TaskHandler,
)
from nexigon_fake.state.storage import property_codec
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.credentials import Credentials

DEVICE_ACTOR = "Device"


class SimulatedDevice:
    """A device of a simulated fleet; its methods change how it behaves from now on."""

    __slots__ = (
        "call_failure_rate",
        "command_error",
        "command_hangs",
        "connected",
        "connection_id",
        "credentials",
        "deployment_token",
        "device_id",
        "events_sent",
        "fingerprint",
        "fleet",
        "generation",
        "health",
        "index",
        "next_poll",
        "offline",
        "phase",
        "seen",
        "silent",
        "work",
    )

    def __init__(
        self,
        fleet: FleetContext,
        index: int,
        device_id: str,
        fingerprint: str,
        deployment_token: str,
        certificate: str,
    ) -> None:
        self.fleet = fleet
        self.index = index
        self.device_id = device_id
        self.fingerprint = fingerprint
        self.deployment_token = deployment_token
        self.credentials = Credentials(deployment_token, fingerprint, certificate)
        self.generation = 0
        self.connected = False
        self.offline = False
        self.connection_id: str | None = None
        self.phase = 0  # the last idle poll: the next falls ``pollIntervalSecs`` after it
        self.next_poll: int | None = None  # the poll on the queue; None: parked
        self.silent = False
        self.call_failure_rate = fleet.profile.failures.call_failure_rate
        self.command_error: str | None = None
        self.command_hangs = False
        self.health: HealthStatus = fleet.profile.health
        self.events_sent = 0
        self.seen: dict[str, int | None] | None = None  # watched property -> version seen
        self.work: OperationWork | None = None  # made on the first work

    @property
    def profile(self) -> DeviceProfile:
        return self.fleet.profile

    @property
    def certificate(self) -> str | None:
        return self.credentials.client_cert

    def __repr__(self) -> str:
        state = "offline" if self.offline else "connected" if self.connected else "down"
        return f"SimulatedDevice({self.device_id!r}, {state})"

    # Changing behaviour at run time.

    def go_offline(self, for_secs: float | None = None) -> None:
        """Lose the network now: the connection ends; back after ``for_secs`` (or never,
        until ``come_back``)."""
        with self.fleet.simulation.hub.lock:
            self._offline(for_secs)

    def disconnect(self) -> None:
        """End the connection for good (the fleet stops): nothing restarts it."""
        with self.fleet.simulation.hub.lock:
            self.offline = True
            self._drop()

    def come_back(self) -> None:
        """End an offline window now: the agent reconnects at once."""
        with self.fleet.simulation.hub.lock:
            self.offline = False
            self.schedule(self.now_micros(), CONNECT, always=True)
        self.fleet.simulation.run_due()

    def crash(self) -> None:
        """The agent process dies now (running commands with it) and restarts after the
        profile's ``restartDelaySecs``."""
        with self.fleet.simulation.hub.lock:
            self._crash()

    def fail_calls(self, rate: float = 1.0) -> None:
        """Lose this share of the device's calls in transport from now on (0 to stop)."""
        self.call_failure_rate = rate

    def fail_commands(self, error: str | None = "command exited with status 1") -> None:
        """Every command fails with ``error`` from now on (``None``: they run again)."""
        self.command_error = error

    def hang_commands(self, hangs: bool = True) -> None:
        """Every command hangs until the agent's timeout ends it."""
        self.command_hangs = hangs

    def never_report(self, silent: bool = True) -> None:
        """Stay connected but send nothing more: no polls, reports, reactions or events."""
        self.silent = silent
        if not silent:
            self.wake()

    def set_health(self, status: HealthStatus) -> None:
        """Report ``dev.nexigon.system.health`` with this status now."""
        with self.fleet.simulation.hub.lock:
            self.health = status
            if self.connected and not self.silent:
                self._set_property("dev.nexigon.system.health", {"status": status})

    def on_task(self, handler: TaskHandler) -> None:
        """Work ``DeviceTask`` steps too: ``handler(input, checkpoint, progress)`` returns
        the output or raises; ``progress(checkpoint)`` reports the step still running."""
        self._work().task_handler = handler
        self.wake()

    def wake(self) -> None:
        """Poll for work at the next tick (as after any hub change)."""
        with self.fleet.simulation.hub.lock:
            self.work_claimable(self.now_micros())
        self.fleet.simulation.run_due()

    # The engine's side.

    def run(self, kind: int, argument: Any) -> None:
        if self.fleet.stopped:
            return
        if kind == POLL:
            self.next_poll = None
            if self.work is not None or self._may_work():
                self._work().poll()
        elif kind == INFO:
            self._system_info()
        elif kind == EVENT:
            self._event()
        elif kind == CONNECT:
            self._connect()
        elif kind == REACT:
            self._react(argument)
        elif kind == COMMAND_DONE:
            self._work().command_done(argument)
        elif kind == REPORT_RETRY:
            self._work().report(*argument)
        elif kind == OFFLINE:
            self._offline(argument)
        elif kind == ONLINE:
            self.offline = False
            self._connect()
        elif kind == CRASH:
            self._crash()
            self.schedule_crash()

    def schedule_crash(self) -> None:
        """The next crash of the profile's Poisson process, if it has one."""
        rate = self.profile.failures.crashes_per_day / 86_400
        if rate > 0:
            self.schedule(self.now_micros() + _exponential(self.fleet, rate), CRASH, always=True)

    def work_claimable(self, at_micros: int) -> None:
        """Work may be claimable from ``at``: poll at the first tick of ours from then."""
        if not self.connected or self.silent or not self._may_work():
            return
        interval = round(self.profile.poll_interval_secs * MICROS)
        # The agent sleeps ``interval`` after its last idle poll (``phase``), which has seen
        # whatever was there at its instant.
        tick = self.phase + max(1, math.ceil((at_micros - self.phase) / interval)) * interval
        if self.next_poll is None or tick < self.next_poll:
            self.next_poll = tick
            self.schedule(tick, POLL)

    def touched(self) -> None:
        """The hub changed the device: react to watched properties written since we looked."""
        seen = self.seen
        if seen is None or not self.connected or self.silent:
            return
        device = self.fleet.simulation.hub.store.devices.get(self.device_id)
        if device is None:
            return
        for number, reaction in enumerate(self.profile.reactions):
            found = property_codec.read(device, reaction.watch)
            version = None if found is None else found.version
            if version != seen.get(reaction.watch):
                seen[reaction.watch] = version
                if version is not None:
                    delay = round(reaction.delay_secs * MICROS)
                    self.schedule(self.now_micros() + delay, REACT, argument=number)

    # The connection.

    def admit(self) -> DeviceActor:
        """The WebSocket upgrade: the hub admits the device (creating it on first sight)."""
        simulation = self.fleet.simulation
        actor = simulation.with_ids(
            self.fleet.ids, lambda: authenticate_caller(simulation.hub.store, self.credentials)
        )
        assert isinstance(actor, DeviceActor)
        return actor

    def _connect(self) -> None:
        fleet = self.fleet
        if self.connected or self.offline:
            return
        try:
            self.admit()
        except ActionError:
            fleet.counters.connect_failures += 1
            self._restart_later()
            return
        connection_id = fleet.ids.flat("d_conn")
        payload = {
            "deviceId": self.device_id,
            "nodeId": fleet.node_id,
            "connectionId": connection_id,
        }
        answer = self._node_call("devices_RegisterConnection", payload)
        if answer.error is not None:
            fleet.counters.connect_failures += 1
            self._restart_later()
            return
        self.connected, self.connection_id, self.phase = True, connection_id, self.now_micros()
        fleet.counters.connects += 1
        actor = self._call("actor_GetActor", {})
        if actor is None or actor["actor"].get("actor") != DEVICE_ACTOR:
            self._drop()  # "received unexpected actor type": the agent exits
            self._restart_later()
            return
        profile = self.profile
        if self.silent:
            return
        if profile.system_info:
            self._system_info()
        if profile.commands_enabled:
            registry = reports.manifest(fleet, fleet.simulation.hub.commands, self.device_id)
            self._set_property("dev.nexigon.commands", registry)
        self._set_property("dev.nexigon.system.health", {"status": self.health})
        if profile.reactions:
            self.seen = {} if self.seen is None else self.seen
            self.touched()
        if self._may_work():
            self.schedule(self.now_micros(), POLL)  # the loop's first poll, at once
        if profile.events_per_hour > 0:
            rate = profile.events_per_hour / 3600
            self.schedule(self.now_micros() + _exponential(fleet, rate), EVENT)

    def _drop(self) -> None:
        """The connection ends: pending entries die, the node unregisters it."""
        self.generation += 1
        self.next_poll = None
        if self.work is not None:
            self.work.connection_lost()
        if not self.connected:
            return
        self.connected = False
        self.fleet.counters.disconnects += 1
        payload = {"connectionId": self.connection_id, "endReason": "Disconnected"}
        self._node_call("devices_UnregisterConnection", payload)

    def _crash(self) -> None:
        if not self.connected:
            return
        self.fleet.counters.crashes += 1
        self._drop()
        self._restart_later()

    def _offline(self, for_secs: float | None) -> None:
        self.fleet.counters.offline_windows += 1
        self.offline = True
        self._drop()
        if for_secs is not None:
            self.schedule(self.now_micros() + round(for_secs * MICROS), ONLINE, always=True)

    def _restart_later(self) -> None:
        delay = round(self.profile.restart_delay_secs * MICROS)
        self.schedule(self.now_micros() + delay, CONNECT, always=True)

    # What the device reports.

    def _system_info(self) -> None:
        profile = self.profile
        if not self.connected or self.silent:
            return
        if self._set_property("dev.nexigon.system.info", reports.system_info(profile, self.index)):
            self.fleet.counters.system_info_reports += 1
        interval = profile.system_info_interval_secs
        if interval is not None and interval > 0:
            self.schedule(self.now_micros() + round(interval * MICROS), INFO)

    def _event(self) -> None:
        fleet, profile = self.fleet, self.profile
        if not self.connected or self.silent:
            return
        self.events_sent += 1
        now = fleet.simulation.hub.clock.now()
        payload = {
            "deviceId": self.device_id,
            "events": [reports.event(profile, fleet.ids, now, self.events_sent)],
        }
        if self._call("devices_PublishEvents", payload) is not None:
            fleet.counters.events += 1
        rate = profile.events_per_hour / 3600
        self.schedule(self.now_micros() + _exponential(fleet, rate), EVENT)

    def _react(self, number: int) -> None:
        if not self.connected or self.silent:
            return
        reaction = self.profile.reactions[number]
        device = self.fleet.simulation.hub.store.devices.get(self.device_id)
        if device is None:
            return
        value = reports.reaction_value(reaction, device)
        if value is reports.UNANSWERED:
            return
        if self._set_property(reaction.update, value):
            self.fleet.counters.reactions += 1
        if self.seen is not None and reaction.update in self.seen:
            found = property_codec.read(device, reaction.update)
            self.seen[reaction.update] = None if found is None else found.version

    # Calls.

    def _set_property(self, name: str, value: Any) -> bool:
        payload = {"deviceId": self.device_id, "name": name, "value": value}
        return self._call("devices_SetProperty", payload) is not None

    def _call(self, action: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """A call of the device's; ``None`` when lost in transport or refused."""
        answer = self.send(action, payload)
        return None if answer is None else output_of(answer)

    def send(self, action: str, payload: dict[str, Any]) -> Answer | None:
        """A call of the device's as sent; ``None`` when lost in transport."""
        fleet = self.fleet
        rate = self.call_failure_rate
        if rate > 0 and fleet.random.random() < rate:
            fleet.counters.lost_calls += 1
            return None
        fleet.counters.calls += 1
        answer = fleet.simulation.call(
            fleet.ids, action, payload, self.credentials, fleet.journaled
        )
        if answer.error is not None:
            fleet.counters.rejected_calls += 1
        return answer

    def _node_call(self, action: str, payload: dict[str, Any]) -> Answer:
        """A call of the cluster node's (the connection registry): never faulted or lost."""
        fleet = self.fleet
        simulation = fleet.simulation
        return simulation.call(fleet.ids, action, payload, fleet.admin, fleet.journaled, False)

    # Helpers.

    def now_micros(self) -> int:
        return self.fleet.simulation.now_micros()

    def schedule(self, at: int, kind: int, always: bool = False, argument: Any = None) -> None:
        simulation = self.fleet.simulation
        simulation.schedule(at, self, kind, argument, ALWAYS if always else None)

    def _may_work(self) -> bool:
        return self.profile.operations_enabled

    def _work(self) -> OperationWork:
        if self.work is None:
            self.work = OperationWork(self)
        return self.work


def _exponential(fleet: FleetContext, rate_per_sec: float) -> int:
    """Micros to the next event of a Poisson process of this (positive) rate."""
    return max(1, round(fleet.random.expovariate(rate_per_sec) * MICROS))
