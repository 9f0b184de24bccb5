"""P3: point actions stay O(1) as the fleet grows; a fleet query costs about its encoding.

P3b: publishing to a device with a long history costs about what it costs with a short one.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable

import msgspec
from common import Result, at_most, event, fleet, per_call

from nexigon_fake import Credentials, Hub
from nexigon_fake.wire.projects import QueryProjectDevicesAction

SMALL = 100
TARGETS = 100
ROUNDS = 5
POINT_GOAL = 1.2
QUERY_GOAL = 2.0
LONG_HISTORY = 20_000
SHORT_HISTORY = 10
HISTORY_GOAL = 2.0


def point_actions(devices: int) -> dict[str, Callable[[], object]]:
    """Three point actions, each on 100 devices spread over a fleet of ``devices``."""
    hub, device_ids = fleet(devices)
    step = devices // TARGETS
    targets = itertools.cycle(device_ids[::step][:TARGETS])
    numbers = itertools.count()

    def get_details() -> object:
        return hub.invoke("devices_GetDetails", {"deviceId": next(targets)})

    def set_property() -> object:
        return hub.invoke(
            "devices_SetProperty",
            {"deviceId": next(targets), "name": "app.setting-0", "value": {"n": 1}},
        )

    def publish_events() -> object:
        number = next(numbers)
        return hub.invoke(
            "devices_PublishEvents", {"deviceId": next(targets), "events": [event(number, 0)]}
        )

    return {
        "devices_GetDetails": get_details,
        "devices_SetProperty": set_property,
        "devices_PublishEvents": publish_events,
    }


def point_latencies(large: int, calls: int) -> dict[str, tuple[float, float]]:
    """Seconds per call of each point action on the small and the large fleet: the best of
    batches that alternate between the two, so the machine's drift weighs on both alike."""
    small_actions, large_actions = point_actions(SMALL), point_actions(large)
    # Building 100,000 devices leaves the collector owing a full pass over them; paid during
    # the measurement, it would land in whichever batch it hits, not in the action's cost.
    gc.collect()
    latencies = {}
    for action, on_small in small_actions.items():
        batch = calls // 5 if action == "devices_PublishEvents" else calls
        best_small = best_large = float("inf")
        for _ in range(ROUNDS):
            best_small = min(best_small, per_call(on_small, batch, 1))
            best_large = min(best_large, per_call(large_actions[action], batch, 1))
        latencies[action] = (best_small, best_large)
    return latencies


def query_ratio(devices: int) -> tuple[float, float, float]:
    """(query seconds, encode-only seconds, ratio) for projects_QueryDevices."""
    hub, _ = fleet(devices)
    project_id = hub.projects.query().projects[0].project_id
    body = msgspec.json.encode({"projectId": project_id})
    credentials = Credentials(hub.admin_token)
    output = hub.execute(QueryProjectDevicesAction(project_id=project_id))
    assert len(output.devices) == devices
    repeats = 200
    query = per_call(
        lambda: hub.invoke_json("projects_QueryDevices", body, credentials), 1, repeats
    )
    encode = per_call(lambda: msgspec.json.encode(output), 1, repeats)
    return query, encode, query / encode


def run(quick: bool) -> list[Result]:
    large = 5_000 if quick else 100_000
    calls = 2_000 if quick else 20_000
    started = time.perf_counter()
    results = []
    for action, (on_small, on_large) in point_latencies(large, calls).items():
        results.append(
            at_most(
                f"P3 {action} {large:,} / {SMALL}",
                on_large / on_small,
                POINT_GOAL,
                f"{on_large * 1e6:.1f} us vs {on_small * 1e6:.1f} us per call",
            )
        )
    query, encode, ratio = query_ratio(1_000 if quick else 10_000)
    results.append(
        at_most(
            "P3 projects_QueryDevices / encode",
            ratio,
            QUERY_GOAL,
            f"{query * 1000:.2f} ms vs msgspec encode {encode * 1000:.2f} ms "
            f"({1_000 if quick else 10_000:,} devices; {time.perf_counter() - started:.0f} s)",
        )
    )
    return results


def history_latencies(long_devices: int, calls: int) -> tuple[float, float]:
    """Seconds per one-event publish to devices with 10 events and with 20,000: the best of
    batches alternating between the two. Each batch spreads its calls over the devices, so a
    short history gains at most one event a batch and stays short."""
    short_hub, short_ids = fleet(calls, events=SHORT_HISTORY)
    long_hub, long_ids = fleet(long_devices)
    numbers = itertools.count(calls * 16)  # ids unlike those the fleets were built with
    for device_id in long_ids:
        for _ in range(LONG_HISTORY // 1000):
            batch = [event(next(numbers), 0) for _ in range(1000)]
            long_hub.invoke("devices_PublishEvents", {"deviceId": device_id, "events": batch})
    assert len(long_hub.store.devices[long_ids[0]].events or ()) == LONG_HISTORY
    gc.collect()

    def publisher(hub: Hub, device_ids: list[str]) -> Callable[[], object]:
        targets = itertools.cycle(device_ids)

        def publish() -> object:
            body = {"deviceId": next(targets), "events": [event(next(numbers), 0)]}
            return hub.invoke("devices_PublishEvents", body)

        return publish

    on_short, on_long = publisher(short_hub, short_ids), publisher(long_hub, long_ids)
    best_short = best_long = float("inf")
    for _ in range(ROUNDS):
        best_short = min(best_short, per_call(on_short, calls, 1))
        best_long = min(best_long, per_call(on_long, calls, 1))
    return best_short, best_long


def run_long_history(quick: bool) -> list[Result]:
    started = time.perf_counter()
    long_devices = 2 if quick else 10
    on_short, on_long = history_latencies(long_devices, 200 if quick else 1_000)
    return [
        at_most(
            f"P3b devices_PublishEvents {LONG_HISTORY:,} / {SHORT_HISTORY} events",
            on_long / on_short,
            HISTORY_GOAL,
            f"{on_long * 1e6:.1f} us vs {on_short * 1e6:.1f} us per call "
            f"({long_devices} devices with {LONG_HISTORY:,} events; "
            f"{time.perf_counter() - started:.0f} s)",
        )
    ]
