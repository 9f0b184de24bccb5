"""The benchmark command runs and prints a verdict line per goal (timings are not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^P[1-5] .+ +-?[0-9.]+  goal [<>]= [0-9.]+ +(PASS|FAIL)  .+$")


def bench(script: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def quick_verdicts(goals: str) -> list[str]:
    """The verdict lines of ``run.py --quick --only goals``, which must exit 0."""
    completed = bench("run.py", "--quick", "--only", goals)
    assert completed.returncode == 0, completed.stderr
    return [line for line in completed.stdout.splitlines() if not line.startswith("#")]


def test_quick_benchmarks_print_one_verdict_per_goal() -> None:
    verdicts = quick_verdicts("P2,P3")
    assert len(verdicts) == 5, verdicts  # P2, and P3's three point actions and query
    for line in verdicts:
        assert LINE.match(line), line
    assert verdicts[0].startswith("P2 ") and all(v.startswith("P3 ") for v in verdicts[1:])


def test_quick_dashboard_benchmark_prints_its_verdict() -> None:
    verdicts = quick_verdicts("P10")
    assert len(verdicts) == 1, verdicts
    assert re.match(r"^P10 project page, .+ +[0-9.]+  goal <= 2 +(PASS|FAIL)  .+$", verdicts[0])


def test_unknown_goal_is_a_usage_error() -> None:
    completed = bench("run.py", "--only", "P99", timeout=60)
    assert completed.returncode == 2
    assert "P99" in completed.stderr


def test_the_steering_benchmark_prints_a_verdict_per_case() -> None:
    completed = bench("steering.py", "--quick", timeout=120)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["steering", "steering"], lines
    for line in lines:
        assert re.search(r" +[0-9.]+  goal <= 1.5 +(PASS|FAIL)  .+ calls/s against ", line), line


def test_quick_fixture_cost_prints_the_sdk_verdict() -> None:
    """P9 runs inner pytest sessions with the plugin; the quick run measures only its goal."""
    verdicts = quick_verdicts("P9")
    assert len(verdicts) == 1, verdicts
    assert re.match(
        r"^P9 nexigon_sdk / nexigon_server +(-?[0-9.]+|inf)  goal <= 2 +(PASS|FAIL)  ", verdicts[0]
    ), verdicts[0]
