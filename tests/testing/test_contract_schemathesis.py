"""Schemathesis against the hub's own OpenAPI document: no server error, conforming responses.

The cases live in ``schemathesis_cases.py`` and run in a pytest process of their own, because
importing schemathesis patches hypothesis process-wide (see that module); this test fails, and
shows schemathesis' report, when any operation fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.testing.contract_support import scaled

CASES = Path(__file__).with_name("schemathesis_cases.py")


def test_schemathesis_finds_no_server_error_and_no_nonconforming_response():
    examples = scaled(1).max_examples
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-W",
            "error",
            str(CASES),
        ],
        cwd=CASES.parents[2],
        env={**os.environ, "NEXIGON_SCHEMATHESIS_EXAMPLES": str(examples)},
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout[-20_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report
    assert " passed" in result.stdout and " failed" not in result.stdout, report
