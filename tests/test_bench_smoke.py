"""The benchmark command runs and prints a verdict line per goal (timings are not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^P[1-5] .+ +-?[0-9.]+  goal [<>]= [0-9.]+ +(PASS|FAIL)  .+$")


def test_quick_benchmarks_print_one_verdict_per_goal() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "P2,P3"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    verdicts = [line for line in completed.stdout.splitlines() if not line.startswith("#")]
    assert len(verdicts) == 5, completed.stdout  # P2, and P3's three point actions and query
    for line in verdicts:
        assert LINE.match(line), line
    assert verdicts[0].startswith("P2 ") and all(v.startswith("P3 ") for v in verdicts[1:])


def test_quick_dashboard_benchmark_prints_its_verdict() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "P9"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    verdicts = [line for line in completed.stdout.splitlines() if not line.startswith("#")]
    assert len(verdicts) == 1, completed.stdout
    assert re.match(r"^P9 project page, .+ +[0-9.]+  goal <= 2 +(PASS|FAIL)  .+$", verdicts[0])


def test_unknown_goal_is_a_usage_error() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "P99"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "P99" in completed.stderr
