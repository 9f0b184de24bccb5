"""The package as a user installs it: the wheel, in a fresh virtual environment, with only
the ``[testing]`` extra (none of the dev toolchain), runs a suite using the plugin; without
the extra, a module that needs it says which extra to install."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

USER_SUITE = """
import pytest
from hypothesis import given, settings

from nexigon_fake.strategies import action_input


@pytest.mark.nexigon(fixture="showcase")
def test_the_plugin_gives_a_hub_and_a_client(nexigon_hub, nexigon_client):
    assert nexigon_hub.fixture.devices  # the built-in fixtures come with the wheel
    response = nexigon_client.post("/api/v1/actions/invoke/projects_Query", json={})
    assert response.status_code == 200
    assert len(response.json()["projects"]) >= 1


@settings(max_examples=5, database=None)
@given(payload=action_input("projects_Create"))
def test_strategies_come_with_the_extra(payload):
    assert set(payload) == {"organizationId", "name"}
"""

CHECK_INSTALLED = """
import importlib.util, pathlib, sys
import nexigon_fake, conftest_plugin
for module in (nexigon_fake, conftest_plugin):
    assert pathlib.Path(sys.prefix) in pathlib.Path(module.__file__).parents, module.__file__
dev_only = ("ruff", "mypy", "xdist", "schemathesis", "pytest_asyncio")
assert [name for name in dev_only if importlib.util.find_spec(name)] == []
"""


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command with no trace of this checkout on its import path."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def ok(completed: subprocess.CompletedProcess[str]) -> str:
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_the_wheel_with_only_the_testing_extra_runs_a_plugin_suite(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    ok(
        run(
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            wheels,
            ROOT,
            cwd=tmp_path,
        )
    )
    (wheel,) = wheels.glob("nexigon_fake-*.whl")
    ok(run(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path))
    python = tmp_path / "venv" / "bin" / "python"

    ok(run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path))
    missing = run(python, "-c", "import nexigon_fake.strategies", cwd=tmp_path)
    assert missing.returncode != 0
    assert "pip install 'nexigon-fake[testing]'" in missing.stderr, missing.stderr
    assert "ImportError" in missing.stderr and "`hypothesis`" in missing.stderr

    ok(run(python, "-m", "pip", "install", "-q", f"{wheel}[testing]", cwd=tmp_path))
    ok(run(python, "-c", CHECK_INSTALLED, cwd=tmp_path))
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_user.py").write_text(textwrap.dedent(USER_SUITE))
    output = ok(run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=suite))
    assert "2 passed" in output, output
