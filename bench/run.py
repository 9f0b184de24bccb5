"""Run every benchmark and print one line per goal: the measured ratio, the goal, PASS/FAIL.

    scripts/bench            # the full run (a few minutes); see bench/RESULTS.md
    scripts/bench --quick    # small sizes and short loads: a smoke test, not a measurement
    scripts/bench --only P1,P3,P3b

Absolute numbers vary between machines; every goal is a ratio against a baseline measured in
the same run. The exit status is 0 whatever the verdicts: benchmarks inform, tests assert.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Result

GOALS = ("P1", "P2", "P3", "P3b", "P4", "P5", "P6", "P7", "P8", "P9", "P10")


def runners() -> dict[str, Callable[[bool], list[Result]]]:
    import dashboard
    import driver
    import fixture_cost
    import http_load
    import inprocess
    import memory
    import rollout
    import scale
    import simulation

    return {
        "P1": lambda quick: [http_load.run_p1(quick)],
        "P2": lambda quick: [inprocess.run(quick)],
        "P3": scale.run,
        "P3b": scale.run_long_history,
        "P4": lambda quick: [memory.run(quick)],
        "P5": lambda quick: [http_load.run_p5(quick)],
        "P6": driver.run,
        "P7": rollout.run,
        "P8": simulation.run,
        "P9": fixture_cost.run,
        "P10": dashboard.run,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, short loads")
    parser.add_argument("--only", default=",".join(GOALS), help="comma-separated goals")
    args = parser.parse_args()
    by_name = {goal.upper(): goal for goal in GOALS}
    named = [goal.strip() for goal in args.only.split(",") if goal.strip()]
    unknown = sorted(goal for goal in named if goal.upper() not in by_name)
    if unknown:
        parser.error(f"unknown goals {unknown}; choose from {', '.join(GOALS)}")
    chosen = [by_name[goal.upper()] for goal in named]
    print(
        f"# {platform.python_implementation()} {platform.python_version()} on "
        f"{platform.machine()}, {'quick' if args.quick else 'full'} run"
    )
    table = runners()
    for goal in chosen:
        started = time.perf_counter()
        for result in table[goal](args.quick):
            print(result.line(), flush=True)
        print(f"#   {goal} took {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
