"""Simulated fleets of a test's hub (``nexigon_fleet``), configured by the marker
``@pytest.mark.nexigon_fleet(count=…, profile=…, seed=…, journaled=…)``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from nexigon_fake.hub import Hub
from nexigon_fake.simulation import SimulatedFleet, start_fleet
from nexigon_fake.testing.plugin.hubs import marker_arguments
from nexigon_fake.testing.plugin.paths import beside_test

FLEET_MARKER_KEYS = ("count", "device_ids", "project_id", "profile", "seed", "journaled")


def fleet_settings(markers: Iterable[pytest.Mark]) -> dict[str, Any]:
    """The ``nexigon_fleet`` markers' arguments, the closest first; unknown ones are a
    usage error."""
    return marker_arguments("nexigon_fleet", markers, FLEET_MARKER_KEYS)


class SimulatedFleets:
    """``nexigon_fleet(count=…, profile=…, …)``: a fleet on the test's hub; arguments not
    given come from the marker (a fleet of one device when neither says)."""

    def __init__(self, hub: Hub, defaults: dict[str, Any], test_dir: Path | None = None) -> None:
        self.hub = hub
        self.defaults = defaults
        self.test_dir = test_dir

    def __call__(self, count: int | None = None, **options: Any) -> SimulatedFleet:
        settings = {**self.defaults, **options}
        if "profile" in settings:  # a relative profile path: next to the test file first
            settings["profile"] = beside_test(settings["profile"], self.test_dir)
        if count is not None:
            settings["count"] = count
            settings.pop("device_ids", None)
        if "count" not in settings and "device_ids" not in settings:
            settings["count"] = 1
        return start_fleet(self.hub, **settings)
