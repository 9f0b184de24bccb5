"""P4: memory per device, as tracemalloc counts it, over a large fleet."""

from __future__ import annotations

import gc
import tracemalloc

from common import Result, at_most, fleet

GOAL_BYTES = 2.5 * 1024


def run(quick: bool) -> Result:
    devices = 5_000 if quick else 100_000
    fleet(10)  # import and warm everything before counting
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    hub, _ = fleet(devices, properties=5, certificates=2, events=10)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_device = (after - before) / devices
    audit = len(hub.store.audit)
    return at_most(
        "P4 memory per device (KiB)",
        per_device / 1024,
        GOAL_BYTES / 1024,
        f"{per_device:,.0f} B/device over {devices:,} devices with 5 properties, "
        f"2 certificates, 10 events ({audit:,} audit events included)",
    )
