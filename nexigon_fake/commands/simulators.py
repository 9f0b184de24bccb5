"""The seam between a hub and its simulated devices (``simulation/``, a layer above the hub).

The hub drives what is registered here when its clock moves and after every call, and
forgets it on reset; ``hub.simulate(...)`` makes a fleet through the factory the simulation
layer installs when it is imported (``nexigon_fake`` imports it, so it is always there).
Nothing here knows what a fleet is: a ``Simulator`` is anything with work on the hub clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol


class Simulator(Protocol):
    """Time-driven work of a hub's own (simulated devices): run what is due, or stop."""

    def run_due(self) -> None:
        """Run everything due up to the hub's now, in the order it fell due."""

    def stop(self) -> None:
        """Forget every scheduled action (the hub was reset)."""


# How ``hub.simulate(...)`` makes a fleet; the simulation layer provides it.
FleetFactory = Callable[..., Any]


class Simulators:
    """The simulators of one hub, driven in the order they registered."""

    factory: ClassVar[FleetFactory | None] = None  # stateless; set once by simulation/

    def __init__(self) -> None:
        self.members: list[Simulator] = []

    def register(self, simulator: Simulator) -> None:
        self.members.append(simulator)

    def run_due(self) -> None:
        for simulator in self.members:
            simulator.run_due()

    def clear(self) -> None:
        """Stop and forget every simulator (``reset``: the devices they drove are gone)."""
        members, self.members = self.members, []
        for simulator in members:
            simulator.stop()

    @classmethod
    def make_fleet(cls, hub: Any, **options: Any) -> Any:
        if cls.factory is None:  # pragma: no cover - nexigon_fake always installs it
            raise RuntimeError("simulated fleets need nexigon_fake.simulation to be imported")
        return cls.factory(hub, **options)
