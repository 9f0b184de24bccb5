"""Each failure mode, per device at run time and as a share of the fleet (seeded)."""

from __future__ import annotations

import pytest

from nexigon_fake import Hub
from tests.simulation.helpers import operation, start_operation

REBOOT = {"commands": [{"name": "reboot", "output": {"ok": True}, "durationSecs": 10}]}


def connected(hub: Hub, device_id: str) -> bool:
    result: bool = hub.invoke("devices_GetDetails", {"deviceId": device_id})["isConnected"]
    return result


def test_an_offline_window_ends_the_connection_and_reconnects_after_it() -> None:
    hub = Hub()
    device = hub.simulate(count=1, journaled=True).devices[0]
    device.go_offline(for_secs=600)
    assert not connected(hub, device.device_id)
    hub.clock.advance(599)
    assert not connected(hub, device.device_id)
    hub.clock.advance(1)
    assert connected(hub, device.device_id)

    connections = hub.invoke("devices_QueryConnections", {"deviceId": device.device_id})
    ended = [c for c in connections["connections"] if "endedAt" in c]
    assert [c["endReason"] for c in ended] == ["Disconnected"]
    assert device.fleet.counters.offline_windows == 1


def test_offline_until_told_to_come_back() -> None:
    hub = Hub()
    device = hub.simulate(count=1).devices[0]
    device.go_offline()
    hub.clock.advance(86_400)
    assert not connected(hub, device.device_id)
    device.come_back()
    assert connected(hub, device.device_id)


def test_an_offline_device_sends_nothing() -> None:
    hub = Hub()
    device = hub.simulate(count=1, journaled=True).devices[0]
    device.go_offline()
    before = len(hub.journal)
    hub.clock.advance(7200)
    assert len(hub.journal) == before


def test_an_offline_share_of_the_fleet_has_its_window_within_the_day() -> None:
    hub = Hub()
    failures = {"offlineShare": 0.5, "offlineWithinSecs": 3600, "offlineDurationSecs": 7200}
    fleet = hub.simulate(count=40, profile={"failures": failures})
    hub.clock.advance(3600)
    offline = [d for d in fleet.devices if not connected(hub, d.device_id)]
    assert 10 <= len(offline) <= 30
    assert fleet.counters.offline_windows == len(offline)
    hub.clock.advance(7200)
    assert all(connected(hub, d.device_id) for d in fleet.devices)


def test_crashes_restart_the_agent_after_the_restart_delay() -> None:
    hub = Hub()
    profile = {"failures": {"crashesPerDay": 4}, "restartDelaySecs": 30}
    fleet = hub.simulate(count=5, profile=profile, journaled=True)
    hub.clock.advance(86_400)

    assert fleet.counters.crashes > 5
    assert fleet.counters.connects == 5 + fleet.counters.crashes
    registrations = hub.journal.calls("devices_RegisterConnection")
    assert len(registrations) == fleet.counters.connects
    assert all(connected(hub, d.device_id) for d in fleet.devices if not d.offline)


def test_failing_commands_report_the_failure() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT).devices[0]
    device.fail_commands()
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(120)
    found = operation(hub, operation_id)
    assert found["summary"]["status"] == "Failed"
    assert found["stepStates"][0]["error"] == "command exited with status 1"


def test_a_profile_command_that_fails() -> None:
    hub = Hub()
    profile = {"commands": [{"name": "reboot", "error": "no space left on device"}]}
    device = hub.simulate(count=1, profile=profile).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(60)
    assert operation(hub, operation_id)["stepStates"][0]["error"] == "no space left on device"


def test_a_hanging_command_ends_with_the_agents_timeout() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT).devices[0]
    device.hang_commands()
    steps = [{"kind": "DeviceCommand", "command": "reboot", "input": None, "timeoutSecs": 7200}]
    operation_id = start_operation(hub, device.device_id, steps)
    hub.clock.advance(60 + 3599)
    assert operation(hub, operation_id)["summary"]["status"] == "Running"
    hub.clock.advance(1)
    found = operation(hub, operation_id)
    assert found["summary"]["status"] == "Failed"
    assert found["stepStates"][0]["error"] == "command timed out after 3600s"


def test_a_command_longer_than_its_step_runs_into_the_hubs_deadline() -> None:
    hub = Hub()
    profile = {"commands": [{"name": "reboot", "durationSecs": 1200}]}
    device = hub.simulate(count=1, profile=profile).devices[0]
    steps = [{"kind": "DeviceCommand", "command": "reboot", "input": None, "timeoutSecs": 600}]
    operation_id = start_operation(hub, device.device_id, steps)
    hub.clock.advance(3600)
    summary = operation(hub, operation_id)["summary"]
    assert summary["status"] == "TimedOut"  # before the agent's own 600 s from its claim
    assert summary["lastError"] == "Step timed out after 600s."


def test_lost_calls_are_drawn_from_the_fleets_stream() -> None:
    hub = Hub()
    fleet = hub.simulate(count=20, profile={"failures": {"callFailureRate": 0.25}})
    hub.clock.advance(6 * 3600)
    counters = fleet.counters
    share = counters.lost_calls / (counters.lost_calls + counters.calls)
    assert 0.15 < share < 0.35
    assert counters.connects + counters.connect_failures >= 20


def test_a_silent_device_connects_and_then_never_reports() -> None:
    hub = Hub()
    profile = {**REBOOT, "failures": {"silentShare": 1.0}}
    device = hub.simulate(count=1, profile=profile, journaled=True).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(7200)

    assert connected(hub, device.device_id)
    actions = {entry.action for entry in hub.journal if entry.actor is not None}
    assert "devices_ClaimOperationWork" not in actions
    assert hub.journal.calls("devices_SetProperty") == []
    assert operation(hub, operation_id)["summary"]["status"] == "TimedOut"


def test_never_report_at_run_time_and_back() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT).devices[0]
    device.never_report()
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(600)
    assert operation(hub, operation_id)["summary"]["status"] == "Running"
    device.never_report(False)
    hub.clock.advance(120)
    assert operation(hub, operation_id)["summary"]["status"] == "Succeeded"


@pytest.mark.parametrize("status", ["degraded", "error"])
def test_health_reports(status: str) -> None:
    hub = Hub()
    fleet = hub.simulate(count=2, profile={"failures": {"degradedShare": 1.0}})
    device = fleet.devices[0]

    def health(device_id: str) -> object:
        return hub.invoke(
            "devices_GetProperty", {"deviceId": device_id, "name": "dev.nexigon.system.health"}
        )["value"]

    assert health(device.device_id) == {"status": "degraded"}
    device.set_health(status)
    assert health(device.device_id) == {"status": status}
