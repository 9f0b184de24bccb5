"""P6: the operation driver costs what is due, not what exists; an operation costs its steps.

P6a advances the clock by one hour with 10,000 running operations whose deadlines all lie
beyond that hour, against the same advance on a hub without operations (goal <= 2x).
P6b runs a three-step operation (set, update, a wait that is already true) from create to
``Succeeded``, against one ``devices_SetProperty`` (goal <= 10x).
"""

from __future__ import annotations

import gc
import itertools
import time
from typing import Any

from common import Result, at_most, fleet, per_call

from nexigon_fake import Hub

RUNNING = 10_000
ADVANCE_SECS = 3600
ROUNDS = 5
ADVANCE_GOAL = 2.0
OPERATION_GOAL = 10.0
# A command step: it stays running (nobody claims it) until its deadline, a day away.
WAITING_STEPS = [{"kind": "DeviceCommand", "command": "noop", "input": None, "timeoutSecs": 86400}]
SET_UPDATE_WAIT = [
    {"kind": "SetDeviceProperty", "name": "app.config", "value": {"channel": "stable"}},
    {
        "kind": "UpdateDeviceProperty",
        "name": "app.config",
        "mutation": {
            "mutation": "Set",
            "path": ["level"],
            "expr": {"kind": "Literal", "value": 3},
        },
    },
    {
        "kind": "WaitForDeviceProperty",
        "predicate": {
            "kind": "Exists",
            "expr": {"kind": "NamedValue", "name": "app.config"},
            "path": ["level"],
        },
    },
]


def _hub_with_running(operations: int) -> Hub:
    """A hub whose fleet has ``operations`` operations running, one per device."""
    hub, device_ids = fleet(max(operations, 1))
    for device_id in device_ids[:operations]:
        created = hub.invoke(
            "devices_CreateOperation",
            {"deviceId": device_id, "name": "wait", "steps": WAITING_STEPS},
        )
        hub.invoke("devices_StartOperation", created)
    return hub


def advance_costs(operations: int) -> tuple[float, float]:
    """Seconds per one-hour advance without and with ``operations`` running operations: the
    best of batches alternating between the two hubs. Each advance moves the clock, so every
    batch ends an hour later; 24 advances stay inside the operations' one-day deadlines."""
    empty, busy = _hub_with_running(0), _hub_with_running(operations)
    gc.collect()
    best_empty = best_busy = float("inf")
    for _ in range(ROUNDS):
        best_empty = min(best_empty, per_call(lambda: empty.clock.advance(ADVANCE_SECS), 4, 1))
        best_busy = min(best_busy, per_call(lambda: busy.clock.advance(ADVANCE_SECS), 4, 1))
    statuses = busy.invoke("devices_QueryOperations", {"deviceId": _first_device(busy)})
    assert statuses["operations"][0]["status"] == "Running", statuses
    return best_empty, best_busy


def _first_device(hub: Hub) -> str:
    return next(iter(hub.store.devices))


def operation_costs(calls: int) -> tuple[float, float]:
    """Seconds per ``devices_SetProperty`` and per create+start of the three-step operation."""
    hub, device_ids = fleet(100)
    targets = itertools.cycle(device_ids)

    def set_property() -> Any:
        return hub.invoke(
            "devices_SetProperty",
            {"deviceId": next(targets), "name": "app.setting", "value": {"n": 1}},
        )

    def run_operation() -> Any:
        device_id = next(targets)
        created = hub.invoke(
            "devices_CreateOperation",
            {"deviceId": device_id, "name": "configure", "steps": SET_UPDATE_WAIT},
        )
        hub.invoke("devices_StartOperation", created)
        return created

    done = hub.invoke("devices_GetOperation", run_operation())
    assert done["summary"]["status"] == "Succeeded", done
    gc.collect()
    best_set = best_operation = float("inf")
    for _ in range(ROUNDS):
        best_set = min(best_set, per_call(set_property, calls, 1))
        best_operation = min(best_operation, per_call(run_operation, calls, 1))
    return best_set, best_operation


def run(quick: bool) -> list[Result]:
    started = time.perf_counter()
    operations = 1_000 if quick else RUNNING
    empty, busy = advance_costs(operations)
    set_cost, operation_cost = operation_costs(200 if quick else 2_000)
    took = time.perf_counter() - started
    return [
        at_most(
            f"P6 advance 1 h, {operations:,} running / none",
            busy / empty,
            ADVANCE_GOAL,
            f"{busy * 1e6:.1f} us vs {empty * 1e6:.1f} us per advance",
        ),
        at_most(
            "P6 set+update+wait operation / SetProperty",
            operation_cost / set_cost,
            OPERATION_GOAL,
            f"{operation_cost * 1e6:.1f} us vs {set_cost * 1e6:.1f} us ({took:.0f} s)",
        ),
    ]
