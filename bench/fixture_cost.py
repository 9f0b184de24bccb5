"""What the plugin's fixtures cost per test: N tests using a fixture, minus N plain tests.

Both suites run in fresh pytest processes on this machine in the same run, so the difference is
the fixture's cost (set-up plus tear-down) per test, free of interpreter and collection time.

    python bench/fixture_cost.py [--tests 500]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES: dict[str, tuple[str, str]] = {
    # name: (marker line, test parameters)
    "plain test (baseline)": ("", ""),
    "nexigon_hub": ("", "nexigon_hub"),
    "nexigon_client": ("", "nexigon_client"),
    "nexigon_server": ("", "nexigon_server"),
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

INI = """[pytest]
asyncio_default_fixture_loop_scope = function
"""


def _suite(marker: str, parameters: str, count: int) -> str:
    lines = ["import pytest", ""]
    for index in range(count):
        if marker:
            lines.append(marker)
        lines.append(f"def test_{index}({parameters}):")
        lines.append("    pass")
        lines.append("")
    return "\n".join(lines)


def _run(directory: Path, marker: str, parameters: str, count: int) -> float:
    (directory / "test_suite.py").write_text(_suite(marker, parameters, count))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_suite.py"],
        cwd=directory,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tests", type=int, default=500, help="tests per suite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "pytest.ini").write_text(INI)
        baseline = None
        for name, (marker, parameters) in CASES.items():
            elapsed = min(_run(directory, marker, parameters, args.tests) for _ in range(3))
            if baseline is None:
                baseline = elapsed
                print(f"{name:38s} {elapsed / args.tests * 1000:8.3f} ms/test (whole test)")
                continue
            extra = (elapsed - baseline) / args.tests * 1000
            print(f"{name:38s} {extra:8.3f} ms/test more than a plain test")


if __name__ == "__main__":
    main()
