"""A test's fake hub: its settings (marker, then options, then defaults) and its fresh state."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nexigon_fake.clock import START_NOW, parse_timestamp, wall_now
from nexigon_fake.hub import Hub
from nexigon_fake.testing.plugin.paths import beside_test
from nexigon_fake.toolkit.snapshot import Baseline

MARKER_KEYS = ("seed", "now", "fixture", "strict", "all_fired", "cors")  # cors: the live server's


def marker_arguments(
    name: str, markers: Iterable[pytest.Mark], keys: tuple[str, ...]
) -> dict[str, Any]:
    """The keyword arguments of the ``name`` markers, the closest first; positional or unknown
    ones are a usage error."""
    found: dict[str, Any] = {}
    for marker in markers:
        if marker.args:
            raise pytest.UsageError(f"{name} marker takes keyword arguments only")
        unknown = set(marker.kwargs) - set(keys)
        if unknown:
            raise pytest.UsageError(
                f"{name} marker: unknown argument(s) {sorted(unknown)}; it takes {', '.join(keys)}"
            )
        for key, value in marker.kwargs.items():
            found.setdefault(key, value)
    return found


@dataclass(frozen=True)
class HubSettings:
    """What one test's fake hub is built from (marker first, then options, then defaults)."""

    seed: int = 0
    now: dt.datetime | None = None
    fixture: str | None = None
    strict: bool = False


def parse_now(value: Any) -> dt.datetime:
    """The marker's ``now``: RFC 3339 text, an aware datetime or ``"now"`` (the wall-clock
    time as the test's hub is configured, then frozen); anything else is a usage error."""
    if value == START_NOW:
        return wall_now()
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError as error:
            raise pytest.UsageError(f"nexigon marker: `now` {value!r}: {error}") from None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    raise pytest.UsageError(
        f"nexigon marker: `now` must be a timezone-aware datetime or RFC 3339 text, not {value!r}"
    )


def hub_settings(
    markers: Iterable[pytest.Mark],
    seed_option: int | None,
    fixture_option: str | None,
    test_dir: Path | None = None,
) -> HubSettings:
    """The settings of ``nexigon`` markers (closest first) over the ``--nexigon-*`` options;
    a marker's relative fixture path is looked for next to the test file (``test_dir``) first."""
    found = marker_arguments("nexigon", markers, MARKER_KEYS)
    seed = found.get("seed", seed_option)
    if seed is None:
        seed = 0
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise pytest.UsageError(f"nexigon: the seed must be an integer >= 0, not {seed!r}")
    strict = found.get("strict", False)
    if not isinstance(strict, bool):
        raise pytest.UsageError(f"nexigon marker: `strict` must be a boolean, not {strict!r}")
    fixture = beside_test(found["fixture"], test_dir) if "fixture" in found else fixture_option
    if fixture is not None:
        fixture = str(fixture)
    now = found.get("now")
    return HubSettings(seed, None if now is None else parse_now(now), fixture, strict)


def build_hub(settings: HubSettings) -> Hub:
    return Hub(
        seed=settings.seed,
        start_time=settings.now,
        strict=settings.strict,
        fixture=settings.fixture,
    )


class FreshHubs:
    """Hubs in a test's starting state, per pytest process (so per xdist worker): a fixture
    is loaded once per settings, then restored from its snapshot."""

    def __init__(self) -> None:
        self._baselines: dict[HubSettings, Baseline] = {}
        self._lock = threading.Lock()

    def baseline(self, settings: HubSettings) -> Baseline:
        with self._lock:
            found = self._baselines.get(settings)
            if found is None:
                found = Baseline(build_hub(settings).snapshot_json())
                self._baselines[settings] = found
            return found

    def fresh(self, settings: HubSettings, hub: Hub | None = None) -> Hub:
        """A hub in the starting state; ``hub`` (the live server's) is reset in place."""
        if hub is None and settings.fixture is None:
            return build_hub(settings)  # cheaper than restoring a snapshot
        if hub is None:
            hub = Hub(seed=settings.seed)
        hub.reset_to(self.baseline(settings))
        return hub
