"""P9: what the plugin's fixtures cost per test, beyond what a plain test costs.

Every suite runs in a fresh pytest process on this machine in the same run; a conftest there
adds up the durations pytest reports for each test's set-up, call and tear-down, leaving out
the first test. A case's cost per test is that mean minus a plain test's: free of interpreter
start, collection and what a fixture does once per process (starting the live server,
importing the SDK). The goal: ``nexigon_sdk`` costs at most twice what ``nexigon_server``
costs (the SDK's own client builds an SSL context each time, ~30 ms).

    python bench/fixture_cost.py [--tests 500] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import Result, at_most

SDK_GOAL = 2.0
BASELINE = "plain test (baseline)"
CASES: dict[str, tuple[str, str]] = {
    # name: (marker line, test parameters)
    BASELINE: ("", ""),
    "nexigon_hub": ("", "nexigon_hub"),
    "nexigon_client": ("", "nexigon_client"),
    "nexigon_server": ("", "nexigon_server"),
    "nexigon_sdk": ("", "nexigon_sdk"),
    "nexigon_async_sdk": ("@pytest.mark.asyncio", "nexigon_async_sdk"),
    # What nexigon_sdk did before it shared an SSL context: the SDK's own client per test.
    "nexigon_hub_sdk.Client per test": ("", "nexigon_server"),
    "nexigon_hub + showcase fixture": ('@pytest.mark.nexigon(fixture="showcase")', "nexigon_hub"),
    "nexigon_server + showcase fixture": (
        '@pytest.mark.nexigon(fixture="showcase")',
        "nexigon_server",
    ),
    "nexigon_hub + fleet-1000 fixture": (
        '@pytest.mark.nexigon(fixture="fleet-1000")',
        "nexigon_hub",
    ),
}
# Test bodies other than ``pass``.
BODIES = {
    "nexigon_hub_sdk.Client per test": (
        "nexigon_hub_sdk.Client(nexigon_server.url, token='t').close()"
    ),
}
# The goal's two sides (and the baseline) in the quick run.
QUICK = (BASELINE, "nexigon_server", "nexigon_sdk")

# Sums the phases of every test but the first (which pays for what a process does once).
CONFTEST = """
import json

durations = []


def pytest_runtest_logreport(report):
    if not report.nodeid.endswith("::test_0"):
        durations.append(report.duration)


def pytest_sessionfinish(session):
    with open("durations.json", "w") as out:
        json.dump(sum(durations), out)
"""

INI = """[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
"""


def _suite(marker: str, parameters: str, count: int, body: str = "pass") -> str:
    # Imported once up front, as a real suite's first SDK test would, so the measured cost is
    # the per-test one and not the SDK's import.
    lines = ["import contextlib", "import pytest", ""]
    lines += ["with contextlib.suppress(ImportError):", "    import nexigon_hub_sdk", ""]
    for index in range(count):
        if marker:
            lines.append(marker)
        keyword = "async def" if "async" in parameters else "def"
        lines.append(f"{keyword} test_{index}({parameters}):")
        lines.append(f"    {body}")
        lines.append("")
    return "\n".join(lines)


def _run(directory: Path, name: str, count: int) -> float:
    """Seconds per test of a suite of ``count`` tests of a case, the first left out."""
    marker, parameters = CASES[name]
    suite = _suite(marker, parameters, count, BODIES.get(name, "pass"))
    (directory / "test_suite.py").write_text(suite)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_suite.py"],
        cwd=directory,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    total = json.loads((directory / "durations.json").read_text())
    return float(total) / (count - 1)


def costs(names: tuple[str, ...], tests: int, rounds: int) -> dict[str, float]:
    """Seconds per test each case adds to a plain test. Rounds alternate the cases, and each
    keeps its best round (the one least disturbed by the rest of the machine)."""
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "pytest.ini").write_text(INI)
        (directory / "conftest.py").write_text(CONFTEST)
        for _ in range(rounds):
            for name in names:
                elapsed = _run(directory, name, tests)
                best[name] = min(best.get(name, elapsed), elapsed)
    plain = best[BASELINE]
    return {name: best[name] - plain for name in names if name != BASELINE}


def run(quick: bool) -> list[Result]:
    """The SDK goal (the quick run measures only its two sides, on few tests)."""
    tests, rounds = (100, 1) if quick else (400, 3)
    extra = costs(QUICK, tests, rounds)
    server, sdk = extra["nexigon_server"], extra["nexigon_sdk"]
    ratio = sdk / server if server > 0 else float("inf")
    detail = f"({sdk * 1000:.2f} vs {server * 1000:.2f} ms per test, {tests} tests)"
    return [at_most("P9 nexigon_sdk / nexigon_server", ratio, SDK_GOAL, detail)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tests", type=int, default=400, help="tests per suite")
    parser.add_argument("--quick", action="store_true", help="the goal only, on few tests")
    args = parser.parse_args()
    if args.quick:
        for result in run(quick=True):
            print(result.line())
        return
    extra = costs(tuple(CASES), args.tests, 3)
    for name, seconds in extra.items():
        print(f"{name:38s} {seconds * 1000:8.3f} ms/test more than a plain test")
    server, sdk = extra["nexigon_server"], extra["nexigon_sdk"]
    print(at_most("P9 nexigon_sdk / nexigon_server", sdk / server, SDK_GOAL, "").line())


if __name__ == "__main__":
    main()
