"""P8: simulated devices cost the calls they make, an idle fleet costs nothing, and a
simulated device is small.

P8a runs 1,000 simulated devices with the default profile through 24 simulated hours (in
one-hour advances), against the same calls made directly through ``hub.invoke`` as the same
devices, in the same run (goal <= 1.5x). The calls are taken from a journaled twin of the
fleet (same seeds, so the same calls), and replayed on a hub with its journal off, as the
measured fleet's.
P8b advances 24 hours for 10,000 simulated devices with nothing scheduled in that window
(no system-info period, no events, no work), against the same for 10 devices (goal <= 2x).
P8c is the memory a simulated device takes beyond its device state (goal <= 1 KiB): what
tracemalloc sees freed when the simulation of 10,000 connected devices is dropped.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any

from common import Result, at_most, per_call

from nexigon_fake import Hub
from nexigon_fake.wire.actor import DeviceActor

DEVICES = 1_000
IDLE_DEVICES = 10_000
HOURS = 24
RUN_GOAL = 1.5
IDLE_GOAL = 2.0
MEMORY_GOAL_BYTES = 1024
IDLE_PROFILE = {"systemInfoIntervalSecs": None}


def _day(devices: int, journal_cap: int) -> tuple[Hub, Any, float]:
    """A hub with a connected fleet, and the seconds its next 24 hours took."""
    hub = Hub(journal_cap=journal_cap)
    fleet = hub.simulate(count=devices, journaled=journal_cap > 0)
    gc.collect()
    started = time.perf_counter()
    for _ in range(HOURS):
        hub.clock.advance(3600)
    return hub, fleet, time.perf_counter() - started


def run_costs(devices: int) -> tuple[float, float, int]:
    """Seconds for the fleet's day, for the same calls through ``hub.invoke``, and how many."""
    twin = Hub(journal_cap=10 * devices * HOURS)
    twin.simulate(count=devices, journaled=True)
    calls_before = len(twin.journal)
    for _ in range(HOURS):
        twin.clock.advance(3600)
    entries = twin.journal.entries()[calls_before:]
    _, fleet, simulated = _day(devices, 0)
    made = fleet.counters.calls - devices * 4  # less each device's connect (before the day)
    replayed = []
    for entry in entries:
        actor = entry.actor
        assert isinstance(actor, DeviceActor), entry.action
        replayed.append((entry.action, entry.input, actor.device_id))
    assert len(replayed) == made, (len(replayed), made)
    direct_hub, direct_fleet, _ = _day(devices, 0)  # the same devices, on a hub of their own
    direct_fleet.stop()
    by_id = {d.device_id: d for d in direct_fleet.devices}
    gc.collect()
    started = time.perf_counter()
    for action, payload, device_id in replayed:
        device = by_id[device_id]
        direct_hub.invoke(
            action,
            payload,
            device.deployment_token,
            device_fingerprint=device.fingerprint,
            client_cert=device.certificate,
        )
    direct = time.perf_counter() - started
    return simulated, direct, len(replayed)


def idle_costs(small: int, large: int) -> tuple[float, float]:
    """Seconds per idle 24-hour advance for ``small`` and ``large`` simulated devices."""
    hubs = []
    for count in (small, large):
        hub = Hub(journal_cap=0)
        hub.simulate(count=count, profile=IDLE_PROFILE)
        hubs.append(hub)
    gc.collect()
    best = [float("inf"), float("inf")]
    for _ in range(5):
        for index, hub in enumerate(hubs):
            cost = per_call(lambda hub=hub: hub.clock.advance(86_400), 20, 1)  # type: ignore[misc]
            best[index] = min(best[index], cost)
    return best[0], best[1]


def memory_per_device(devices: int) -> float:
    """Bytes per simulated device beyond its device state."""
    hub = Hub(journal_cap=0)
    Hub(journal_cap=0).simulate(count=10)  # import and warm everything first
    gc.collect()
    tracemalloc.start()
    fleet = hub.simulate(count=devices)
    gc.collect()
    with_simulation = tracemalloc.get_traced_memory()[0]
    assert all(d.device_id in hub.store.devices for d in fleet.devices)
    del fleet
    hub.simulators.clear()  # the simulation goes; the devices it made stay
    gc.collect()
    without = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(hub.store.devices) == devices
    return (with_simulation - without) / devices


def run(quick: bool) -> list[Result]:
    devices = 100 if quick else DEVICES
    started = time.perf_counter()
    simulated, direct, calls = run_costs(devices)
    small, large = idle_costs(10, 1_000 if quick else IDLE_DEVICES)
    per_device = memory_per_device(1_000 if quick else IDLE_DEVICES)
    took = time.perf_counter() - started
    return [
        at_most(
            f"P8 {devices:,} devices x 24 h / hub.invoke",
            simulated / direct,
            RUN_GOAL,
            f"{simulated:.2f} s vs {direct:.2f} s for {calls:,} calls",
        ),
        at_most(
            f"P8 idle 24 h, {1_000 if quick else IDLE_DEVICES:,} / 10 devices",
            large / small,
            IDLE_GOAL,
            f"{large * 1e6:.1f} us vs {small * 1e6:.1f} us per advance",
        ),
        at_most(
            "P8 memory per simulated device (KiB)",
            per_device / 1024,
            MEMORY_GOAL_BYTES / 1024,
            f"{per_device:,.0f} B/device beyond its device state ({took:.0f} s)",
        ),
    ]
