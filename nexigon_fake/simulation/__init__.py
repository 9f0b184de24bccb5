"""Simulated devices: fleets that act like ``nexigon-agent`` through the hub's own actions.

``hub.simulate(count=…)`` (or ``start_fleet(hub, …)``, typed) makes a ``SimulatedFleet``;
everything its devices do is scheduled on the hub clock (``engine``), so advancing a frozen
clock by a day runs a day of a fleet's life, deterministically. Importing this package
installs the factory ``hub.simulate`` uses (``commands.simulators``: the hub's seam).
"""

from nexigon_fake.commands.simulators import Simulators
from nexigon_fake.simulation.context import FleetCounters
from nexigon_fake.simulation.device import SimulatedDevice
from nexigon_fake.simulation.fleet import SimulatedFleet, start_fleet
from nexigon_fake.simulation.profile import (
    DEFAULT_PROFILE,
    CommandBehaviour,
    DeviceProfile,
    Failures,
    Reaction,
    load_profile,
)

Simulators.factory = start_fleet

__all__ = [
    "DEFAULT_PROFILE",
    "CommandBehaviour",
    "DeviceProfile",
    "Failures",
    "FleetCounters",
    "Reaction",
    "SimulatedDevice",
    "SimulatedFleet",
    "load_profile",
    "start_fleet",
]
