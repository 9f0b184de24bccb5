"""P2: the cost of the fake inside a test process, against moto's per-test cost."""

from __future__ import annotations

import statistics
import time

from common import Result, at_least, fleet, per_call

from nexigon_fake import Hub

CALLS_PER_SECOND_GOAL = 50_000
FRESH_HUB_GOAL_MS = 1.0
MOTO_RATIO_GOAL = 10.0
FRESH_PER_MOTO = 16  # fresh hubs measured per moto sample (a fresh hub is far cheaper)


def fresh_hub_and_first_call() -> float:
    started = time.perf_counter()
    hub = Hub()
    hub.invoke("actor_GetActor", {})
    return time.perf_counter() - started


def moto_enter_exit() -> float | None:
    try:
        from moto import mock_aws
    except ImportError:
        return None
    started = time.perf_counter()
    with mock_aws():
        pass
    return time.perf_counter() - started


def run(quick: bool) -> Result:
    hub, [device_id] = fleet(1, journal_cap=10_000)  # the default journal, as users run it
    payload = {"deviceId": device_id, "name": "app.setting-0"}
    seconds = per_call(
        lambda: hub.invoke("devices_GetProperty", payload), 2_000 if quick else 20_000
    )
    calls_per_second = 1 / seconds
    # Interleaved, so that a machine whose speed drifts weighs on both sides alike.
    fresh_samples: list[float] = []
    moto_samples: list[float] = []
    for _ in range(5 if quick else 30):
        fresh_samples += [fresh_hub_and_first_call() for _ in range(FRESH_PER_MOTO)]
        sample = moto_enter_exit()
        if sample is not None:
            moto_samples.append(sample)
    fresh = statistics.median(fresh_samples)
    moto = statistics.median(moto_samples) if moto_samples else None
    ratio = moto / fresh if moto is not None else 0.0
    detail = (
        f"GetProperty {calls_per_second:,.0f} calls/s (goal >= {CALLS_PER_SECOND_GOAL:,}); "
        f"fresh Hub + first call {fresh * 1000:.3f} ms median (goal <= {FRESH_HUB_GOAL_MS} ms); "
        + (
            f"moto mock_aws() enter+exit {moto * 1000:.1f} ms = {ratio:.0f}x a fresh hub"
            if moto is not None
            else "moto not installed: run `scripts/bench`, which installs it"
        )
    )
    result = at_least("P2 in-process (moto / fresh hub)", ratio, MOTO_RATIO_GOAL, detail)
    passed = (
        result.passed
        and calls_per_second >= CALLS_PER_SECOND_GOAL
        and fresh * 1000 <= FRESH_HUB_GOAL_MS
    )
    return Result(result.goal, result.ratio, result.target, passed, detail)
