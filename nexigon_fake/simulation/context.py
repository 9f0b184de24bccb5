"""What the devices of one fleet share: the simulation, their streams, profile and counters.

Kept apart from ``fleet.py`` so a device can name it without importing the fleet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields

from nexigon_fake.commands.definitions import RegisteredCommand
from nexigon_fake.ids import IdSource
from nexigon_fake.simulation.engine import Simulation
from nexigon_fake.simulation.profile import CommandBehaviour, DeviceProfile
from nexigon_fake.wire.credentials import Credentials


@dataclass(slots=True)
class FleetCounters:
    """What a fleet did: calls made, and what came of them."""

    connects: int = 0
    connect_failures: int = 0
    disconnects: int = 0
    calls: int = 0
    rejected_calls: int = 0  # answered with an error (logged by the agent, not retried)
    lost_calls: int = 0  # lost in transport (the retry path, where the agent has one)
    system_info_reports: int = 0
    events: int = 0
    polls: int = 0  # claims sent
    skipped_polls: int = 0  # polls that would have found nothing, not sent
    claims: int = 0  # work items received
    commands_run: int = 0
    reports: int = 0  # acknowledged step reports
    report_retries: int = 0
    resent_reports: int = 0  # saved results sent again under a new claim (no replay)
    reactions: int = 0
    crashes: int = 0
    offline_windows: int = 0

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(slots=True)
class FleetContext:
    """The shared part of every device of one fleet."""

    simulation: Simulation
    ids: IdSource  # the fleet's own ids: fingerprints, connections, events, and the hub's
    random: random.Random  # draws during the fleet's calls
    profile: DeviceProfile
    journaled: bool
    admin: Credentials  # the cluster node's calls (connection registry)
    node_id: str
    counters: FleetCounters
    # The profile's commands by name, as the registry holds them (schemas compiled once).
    behaviours: dict[str, CommandBehaviour]
    commands: dict[str, RegisteredCommand]
    stopped: bool = False
