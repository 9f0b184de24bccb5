"""P7: a staged rollout costs its targets, and a drive with nothing due costs nothing per target.

P7a runs a fleet operation over 10,000 devices (one hub-side step each, three stages of 5 %,
50 % and 100 % that advance by themselves once every target of a stage succeeded) from
``fleet_StartOperation`` to ``Completed``, against 10,000 ``devices_SetProperty`` calls in the
same run (goal <= 15x). P7b moves the clock by a second (a drive with nothing due) on a hub
whose running rollout has 10,000 targets, against one whose rollout has 10 (goal <= 2x).
"""

from __future__ import annotations

import gc
import itertools
import time
from typing import Any

from common import Result, at_most, fleet, per_call

from nexigon_fake import Hub

TARGETS = 10_000
ROLLOUT_GOAL = 15.0
IDLE_GOAL = 2.0
ROUNDS = 3
GUARD = {"minSuccessPercent": 100, "gates": []}
STAGES = [
    {"name": "canary", "percentage": 5, "autoAdvance": True, "guard": GUARD},
    {"name": "half", "percentage": 50, "autoAdvance": True, "guard": GUARD},
    {"name": "everyone"},
]
HUB_SIDE = [{"kind": "SetDeviceProperty", "name": "app.target", "value": "1.4.0"}]
# A command nobody claims: running for a day; and enrolment passes an hour apart.
WAITING = [{"kind": "DeviceCommand", "command": "noop", "input": None, "timeoutSecs": 86400}]


def _project(hub: Hub) -> str:
    return next(iter(hub.store.projects))


def _create(hub: Hub, steps: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body = {
        "projectId": _project(hub),
        "name": "rollout",
        "selector": {"predicates": []},
        "stages": STAGES,
        "steps": steps,
        **extra,
    }
    return hub.invoke("fleet_CreateOperation", body)


def rollout_costs(targets: int) -> tuple[float, float]:
    """Seconds for ``targets`` SetProperty calls and for one rollout start -> Completed over
    as many devices (the best of a few rounds, each on a fresh fleet operation)."""
    hub, device_ids = fleet(targets)
    cycle = itertools.cycle(device_ids)

    def set_property() -> Any:
        return hub.invoke(
            "devices_SetProperty", {"deviceId": next(cycle), "name": "app.x", "value": 1}
        )

    best_set = best_rollout = float("inf")
    for _ in range(ROUNDS):
        gc.collect()
        best_set = min(best_set, per_call(set_property, targets, 1) * targets)
        created = _create(hub, HUB_SIDE)
        gc.collect()
        started = time.perf_counter()
        hub.invoke("fleet_StartOperation", created)
        best_rollout = min(best_rollout, time.perf_counter() - started)
        summary = hub.invoke("fleet_GetOperation", created)["summary"]
        assert summary["status"] == "Completed", summary
        assert summary["progress"]["succeeded"] == targets, summary
        assert summary["activeStageIndex"] == 2, summary
    return best_set, best_rollout


def _hub_with_rollout(targets: int) -> Hub:
    hub, _ = fleet(targets)
    created = _create(hub, WAITING, enrollmentIntervalSecs=3600, closeWhenConverged=False)
    hub.invoke("fleet_StartOperation", created)
    return hub


def idle_costs(small: int, large: int) -> tuple[float, float]:
    """Seconds per one-second clock move on a hub whose rollout has ``small`` and ``large``
    running targets: nothing is due (deadlines a day away, the next pass an hour away)."""
    few, many = _hub_with_rollout(small), _hub_with_rollout(large)
    gc.collect()
    best_few = best_many = float("inf")
    for _ in range(5):
        best_few = min(best_few, per_call(lambda: few.clock.advance(1), 200, 1))
        best_many = min(best_many, per_call(lambda: many.clock.advance(1), 200, 1))
    return best_few, best_many


def run(quick: bool) -> list[Result]:
    started = time.perf_counter()
    targets = 1_000 if quick else TARGETS
    set_cost, rollout_cost = rollout_costs(targets)
    few, many = idle_costs(10, targets)
    took = time.perf_counter() - started
    return [
        at_most(
            f"P7 rollout of {targets:,} / {targets:,} SetProperty",
            rollout_cost / set_cost,
            ROLLOUT_GOAL,
            f"{rollout_cost * 1e3:.0f} ms vs {set_cost * 1e3:.0f} ms",
        ),
        at_most(
            f"P7 idle drive, {targets:,} targets / 10",
            many / few,
            IDLE_GOAL,
            f"{many * 1e6:.1f} us vs {few * 1e6:.1f} us per drive ({took:.0f} s)",
        ),
    ]
