"""What armed faults and hooks cost the calls they do not hit: a point action's time with 1,000
faults or 1,000 hooks (the caps) aimed at another action, against the same calls on a hub with
none, measured in the same run.

    python bench/steering.py [--quick]

Goals: each ratio <= 1.5 (a hub steered elsewhere answers about as fast as a plain one).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Result, at_most

from nexigon_fake import Hub
from nexigon_fake.toolkit.faults import MAX_FAULTS
from nexigon_fake.toolkit.hooks import MAX_HOOKS

GOAL = 1.5


def _calls_per_second(hub: Hub, calls: int) -> float:
    organization = hub.default_organization_id
    project = hub.projects.create(organization_id=organization, name="p").project_id
    device = hub.devices.create(project_id=project, fingerprint="d_sk_" + "a" * 44).device_id
    payload = {"deviceId": device, "name": "a.b", "value": 0}
    best = float("inf")
    for _ in range(3):  # the best of three: the least disturbed by whatever else runs
        started = time.perf_counter()
        for _ in range(calls):
            hub.invoke("devices_SetProperty", payload)
        best = min(best, time.perf_counter() - started)
    return calls / best


def _armed_faults(hub: Hub) -> None:
    for _ in range(MAX_FAULTS):
        hub.faults.inject("devices_Delete", times=None)


def _armed_hooks(hub: Hub) -> None:
    for _ in range(MAX_HOOKS):
        hub.hooks.before("devices_Delete", lambda call: None)


def run(quick: bool) -> list[Result]:
    calls = 200 if quick else 5_000
    _calls_per_second(Hub(), calls)  # warm up, so the baseline is not the one run cold
    plain = _calls_per_second(Hub(), calls)
    results = []
    cases: list[tuple[str, Callable[[Hub], None]]] = [
        ("steering: 1,000 faults elsewhere", _armed_faults),
        ("steering: 1,000 hooks elsewhere", _armed_hooks),
    ]
    for name, arm in cases:
        hub = Hub()
        arm(hub)
        steered = _calls_per_second(hub, calls)
        detail = f"{steered:,.0f} calls/s against {plain:,.0f} on a plain hub"
        results.append(at_most(name, plain / steered, GOAL, detail))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few calls: a smoke test")
    args = parser.parse_args()
    for result in run(args.quick):
        print(result.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
