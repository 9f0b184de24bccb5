"""Every module that needs the ``[testing]`` extra says so when hypothesis is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nexigon_fake.errors.tooling import (
    MSG_MISSING_EXTRA,
)

NEEDS_TESTING = [
    "nexigon_fake.strategies",
    "nexigon_fake.stateful",
    "nexigon_fake.testing.strategies",
    "nexigon_fake.testing.invalid_inputs",
    "nexigon_fake.testing.contract.machine",
]
# ``None`` in sys.modules makes an import fail as a missing package does.
WITHOUT_HYPOTHESIS = """
import sys
sys.modules["hypothesis"] = None
try:
    import {module}
except ImportError as error:
    print(type(error).__name__, error)
else:
    print("imported")
"""


@pytest.mark.parametrize("module", NEEDS_TESTING)
def test_a_missing_extra_is_named(module: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", WITHOUT_HYPOTHESIS.format(module=module)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert completed.stdout.startswith("ImportError "), completed.stdout
    assert "needs `hypothesis`" in completed.stdout
    assert "pip install 'nexigon-fake[testing]'" in completed.stdout
    assert MSG_MISSING_EXTRA.split("{module}")[1].split("{missing}")[0] in completed.stdout


def test_the_plugin_and_the_hub_need_no_extra() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_HYPOTHESIS.format(module="nexigon_fake.testing.plugin.hubs"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert completed.stdout.strip() == "imported"
