"""`nexigon-fake serve --simulate N [--profile FILE]`, and the timer that drives the hub."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nexigon_fake import Hub
from nexigon_fake.serve.cli import drive_every
from tests.live_server import LiveServer, start_server, stop_server

ACTIONS = "/api/v1/actions/invoke/"
SERVE = [sys.executable, "-m", "nexigon_fake", "serve", "--port", "0"]


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"eventsPerHour": 60, "hostnamePrefix": "kiosk"}))
    return path


@pytest.fixture
def server(profile_file: Path) -> Iterator[LiveServer]:
    live = start_server("--simulate", "3", "--profile", str(profile_file))
    try:
        yield live
    finally:
        stop_server(live)


def invoke(server: LiveServer, action: str, payload: object) -> object:
    response = httpx.post(
        server.url + ACTIONS + action,
        json=payload,
        headers={"Authorization": f"Bearer {server.admin_token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_simulated_fleet_moves_with_the_frozen_clock(server: LiveServer) -> None:
    assert server.process.stdout is not None
    line = server.process.stdout.readline().strip()
    assert line.startswith("simulated devices: 3 in project p_")
    project_id = line.rsplit(" ", 1)[-1]
    devices = invoke(server, "projects_QueryDevices", {"projectId": project_id})
    assert isinstance(devices, dict)
    assert [d["isConnected"] for d in devices["devices"]] == [True] * 3
    device_id = devices["devices"][0]["deviceId"]
    info = invoke(
        server, "devices_GetProperty", {"deviceId": device_id, "name": "dev.nexigon.system.info"}
    )
    assert isinstance(info, dict)
    assert info["value"]["hostname"].startswith("kiosk-")
    moved = httpx.post(f"{server.url}/_fake/clock", json={"advanceSecs": 3600}, timeout=10)
    assert moved.status_code == 200
    events = invoke(server, "devices_QueryEvents", {"deviceId": device_id})
    assert isinstance(events, dict)
    assert len(events["events"]) > 10


def test_a_bad_profile_stops_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"pollIntervalSec": 5}')
    for path in (bad, tmp_path / "missing.json"):
        completed = subprocess.run(
            [*SERVE, "--simulate", "1", "--profile", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert completed.returncode == 2
        assert f"profile {path}" in completed.stderr
        assert completed.stdout == ""


def test_the_timer_drives_the_hub_every_second() -> None:
    hub = Hub(frozen_clock=False)
    fleet = hub.simulate(count=1, profile={"eventsPerHour": 3600 * 10})
    waits: list[float] = []

    async def sleep(secs: float) -> None:
        waits.append(secs)
        if len(waits) > 3:
            raise asyncio.CancelledError
        hub.clock.inner.advance(secs)  # type: ignore[attr-defined]  # time passes unseen

    before = fleet.counters.events
    hub.clock.inner.advance(5)  # type: ignore[attr-defined]
    assert fleet.counters.events == before  # nothing ran: nobody drove the hub
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(drive_every(hub, sleep=sleep))
    assert waits == [1.0, 1.0, 1.0, 1.0]
    assert fleet.counters.events > before
