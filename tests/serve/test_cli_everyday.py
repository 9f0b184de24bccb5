"""Everyday command-line edges: `--version`, and `--start-time now`."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import subprocess
import sys

import httpx

from nexigon_fake.clock import parse_timestamp
from tests.live_server import start_server, stop_server


def test_version_comes_from_the_package_metadata():
    completed = subprocess.run(
        [sys.executable, "-m", "nexigon_fake", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    expected = importlib.metadata.version("nexigon-fake")
    assert completed.stdout.strip() == f"nexigon-fake {expected}"


def test_start_time_now_is_the_wall_clock_at_start_then_frozen():
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    server = start_server("--start-time", "now")
    try:
        after = dt.datetime.now(dt.UTC)
        clock = httpx.get(server.url + "/_fake/clock", timeout=10).json()
        assert clock["frozen"] is True
        assert before <= parse_timestamp(clock["now"]) <= after
        again = httpx.get(server.url + "/_fake/clock", timeout=10).json()
        assert again == clock
    finally:
        stop_server(server)
        if server.process.stdout is not None:
            server.process.stdout.close()
