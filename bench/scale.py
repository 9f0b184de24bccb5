"""P3: point actions stay O(1) as the fleet grows; a fleet query costs about its encoding."""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable

import msgspec
from common import Result, at_most, event, fleet, per_call

from nexigon_fake import Credentials
from nexigon_fake.wire.projects import QueryProjectDevicesAction

SMALL = 100
TARGETS = 100
ROUNDS = 5
POINT_GOAL = 1.2
QUERY_GOAL = 2.0


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
