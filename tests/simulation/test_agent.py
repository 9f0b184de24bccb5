"""Each agent behaviour of SEMANTICS-HEAD §III.9.1 and §III.4.7, read from the journal."""

from __future__ import annotations

from nexigon_fake import Hub
from nexigon_fake.errors import MSG_AGENT_INTERRUPTED
from tests.simulation.helpers import (
    agent_calls,
    end_lease,
    operation,
    property_names,
    start_operation,
)

REBOOT_30S = {"commands": [{"name": "reboot", "output": {"rebooted": True}, "durationSecs": 30}]}


def test_a_connection_follows_the_agents_order() -> None:
    hub = Hub()
    fleet = hub.simulate(count=1, journaled=True)
    device = fleet.devices[0]

    assert agent_calls(hub, device.device_id) == [
        ("07:00:00", "devices_RegisterConnection"),
        ("07:00:00", "actor_GetActor"),
        ("07:00:00", "devices_SetProperty"),
        ("07:00:00", "devices_SetProperty"),
        ("07:00:00", "devices_SetProperty"),
    ]
    assert property_names(hub, device.device_id) == [
        "dev.nexigon.system.info",
        "dev.nexigon.commands",
        "dev.nexigon.system.health",
    ]
    actor = hub.journal.calls("actor_GetActor")[0].output["actor"]
    assert actor == {
        "actor": "Device",
        "deviceId": device.device_id,
        "tokenId": actor["tokenId"],
    }
    details = hub.invoke("devices_GetDetails", {"deviceId": device.device_id})
    assert details["isConnected"] is True
    assert len(details["certificates"]) == 1
    assert details["certificates"][0]["status"] == "Active"


def test_system_info_every_30_minutes() -> None:
    hub = Hub()
    device = hub.simulate(count=1, journaled=True).devices[0]
    hub.clock.advance(2 * 3600)

    times = [
        entry.time.strftime("%H:%M")
        for entry in hub.journal.calls("devices_SetProperty")
        if entry.input["name"] == "dev.nexigon.system.info"
    ]
    assert times == ["07:00", "07:30", "08:00", "08:30", "09:00"]
    info = hub.invoke(
        "devices_GetProperty", {"deviceId": device.device_id, "name": "dev.nexigon.system.info"}
    )["value"]
    assert info["hostname"] == "sim-device-00000"
    assert info["memory"] == {"total": 2_147_483_648}


def test_polls_fall_on_the_60s_ticks_and_come_again_at_once_after_work() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT_30S, journaled=True).devices[0]
    hub.clock.advance(10)
    first = start_operation(hub, device.device_id)
    second = start_operation(hub, device.device_id)
    hub.clock.advance(600)

    claims = hub.journal.calls("devices_ClaimOperationWork")
    assert all(entry.input == claims[0].input for entry in claims)
    assert claims[0].input == {
        "deviceId": device.device_id,
        "limit": 1,
        "kinds": ["DeviceCommand"],
    }
    calls = [c for c in agent_calls(hub, device.device_id) if "Operation" in c[1]]
    assert calls == [
        ("07:01:00", "devices_ClaimOperationWork"),  # the first tick after the work appeared
        ("07:01:00", "devices_ClaimOperationWork"),  # at once again: a second slot
        ("07:01:30", "devices_ReportOperationStep"),
        ("07:01:30", "devices_ReportOperationStep"),
    ]
    for operation_id in (first, second):
        found = operation(hub, operation_id)
        assert found["summary"]["status"] == "Succeeded"
        assert found["stepStates"][0]["output"] == {"rebooted": True}


def test_a_poll_that_would_find_nothing_is_not_sent() -> None:
    hub = Hub()
    fleet = hub.simulate(count=3, journaled=True)
    hub.clock.advance(86_400)

    assert hub.journal.calls("devices_ClaimOperationWork") == []
    assert fleet.counters.polls == 0
    assert fleet.counters.skipped_polls == 3


def test_lost_reports_are_retried_after_1_2_4_and_8_seconds() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT_30S, journaled=True).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(60)  # claimed at 07:01, running until 07:01:30
    device.fail_calls(1.0)
    hub.clock.advance(31)
    assert hub.journal.calls("devices_ReportOperationStep") == []
    hub.clock.advance(7)  # 1 + 2 + 4 s of retries have gone; the next is due after 8 s more
    device.fail_calls(0.0)
    hub.clock.advance(8)

    reports = hub.journal.calls("devices_ReportOperationStep")
    assert [entry.time.strftime("%H:%M:%S") for entry in reports] == ["07:01:45"]
    assert device.fleet.counters.report_retries == 4
    assert operation(hub, operation_id)["summary"]["status"] == "Succeeded"


def test_after_five_lost_reports_the_claim_is_left_to_expire() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT_30S, journaled=True).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(60)
    device.fail_calls(1.0)
    hub.clock.advance(60)  # every attempt lost: 07:01:30, then after 1, 2, 4 and 8 s
    device.fail_calls(0.0)
    hub.clock.advance(3600)

    assert device.fleet.counters.lost_calls == 5
    assert hub.journal.calls("devices_ReportOperationStep") == []
    summary = operation(hub, operation_id)["summary"]
    assert summary["status"] == "TimedOut"  # the lease outlives the step's deadline (C11)
    assert device.fleet.counters.commands_run == 1


def test_a_saved_result_goes_out_under_the_next_claim_without_running_again() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT_30S, journaled=True).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(60)
    device.fail_calls(1.0)
    hub.clock.advance(60)  # the result is saved, never acknowledged
    device.fail_calls(0.0)
    end_lease(hub, operation_id)
    hub.clock.advance(60)

    claims = hub.journal.calls("devices_ClaimOperationWork")
    assert len(claims) == 2
    report = hub.journal.calls("devices_ReportOperationStep")[-1]
    assert report.input["claimId"] == claims[1].output["work"][0]["claimId"]
    assert report.input["report"] == {"status": "Succeeded", "output": {"rebooted": True}}
    assert device.fleet.counters.commands_run == 1  # sent again, not run again
    assert device.fleet.counters.resent_reports == 1
    assert operation(hub, operation_id)["summary"]["status"] == "Succeeded"


def test_a_command_dispatched_before_a_crash_is_never_run_again() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT_30S, journaled=True).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(70)  # claimed at 07:01, running
    device.crash()
    hub.clock.advance(10)
    end_lease(hub, operation_id)
    hub.clock.advance(60)

    found = operation(hub, operation_id)
    assert found["summary"]["status"] == "Failed"
    assert found["stepStates"][0]["error"] == MSG_AGENT_INTERRUPTED
    assert device.fleet.counters.commands_run == 1
    registrations = hub.journal.calls("devices_RegisterConnection")
    assert [entry.time.strftime("%H:%M:%S") for entry in registrations] == [
        "07:00:00",
        "07:01:15",  # restarted after the profile's 5 s
    ]


def test_a_rejected_report_is_not_retried() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT_30S, journaled=True).devices[0]
    hub.faults.inject(
        "devices_ReportOperationStep", kind="Internal", device_id=device.device_id, times=1
    )
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(120)

    reports = hub.journal.calls("devices_ReportOperationStep")
    assert [(entry.status, entry.fault_injected) for entry in reports] == [(500, True)]
    assert device.fleet.counters.rejected_calls == 1
    assert device.fleet.counters.report_retries == 0
    end_lease(hub, operation_id)  # the saved result goes out under the next claim
    hub.clock.advance(60)
    assert operation(hub, operation_id)["summary"]["status"] == "Succeeded"
    assert device.fleet.counters.commands_run == 1


def test_commands_disabled_still_claims_and_fails_the_step() -> None:
    hub = Hub()
    profile = {**REBOOT_30S, "commandsEnabled": False}
    device = hub.simulate(count=1, profile=profile, journaled=True).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(60)

    assert "dev.nexigon.commands" not in property_names(hub, device.device_id)
    found = operation(hub, operation_id)
    assert found["stepStates"][0]["error"] == "commands not enabled"


def test_the_agents_strings_for_unknown_and_invalid_commands() -> None:
    hub = Hub()
    profile = {"commands": [{"name": "set", "inputSchema": {"type": "object"}}]}
    device = hub.simulate(count=1, profile=profile).devices[0]
    missing = start_operation(
        hub, device.device_id, [{"kind": "DeviceCommand", "command": "nope", "input": None}]
    )
    bad_input = start_operation(
        hub, device.device_id, [{"kind": "DeviceCommand", "command": "set", "input": 3}]
    )
    hub.clock.advance(60)

    assert operation(hub, missing)["stepStates"][0]["error"] == "command not found"
    error = operation(hub, bad_input)["stepStates"][0]["error"]
    assert error.startswith("command input does not satisfy its declared schema: ")


def test_the_tests_own_handlers_run_and_enter_the_manifest() -> None:
    hub = Hub()
    device = hub.simulate(count=1).devices[0]
    hub.devices.on_command(device.device_id, "greet", lambda data, log: {"hello": data})
    device.crash()  # the manifest is written at connect
    hub.clock.advance(5)
    operation_id = start_operation(
        hub, device.device_id, [{"kind": "DeviceCommand", "command": "greet", "input": "you"}]
    )
    hub.clock.advance(60)

    manifest = hub.invoke(
        "devices_GetProperty", {"deviceId": device.device_id, "name": "dev.nexigon.commands"}
    )["value"]
    assert manifest == {"commands": [{"name": "greet"}]}
    assert operation(hub, operation_id)["stepStates"][0]["output"] == {"hello": "you"}


def test_task_workers_get_input_and_checkpoint_and_report_progress() -> None:
    hub = Hub()
    device = hub.simulate(count=1).devices[0]
    seen = []

    def worker(data, checkpoint, progress):
        seen.append((data, checkpoint))
        progress({"done": 1})
        return {"copied": data["files"]}

    device.on_task(worker)
    task = {"kind": "DeviceTask", "task": "copy", "input": {"files": 2}}
    operation_id = start_operation(hub, device.device_id, [task])
    hub.clock.advance(60)

    assert seen == [({"files": 2}, None)]
    found = operation(hub, operation_id)
    assert found["summary"]["status"] == "Succeeded"
    assert found["stepStates"][0]["output"] == {"copied": 2}
    assert found["stepStates"][0]["checkpoint"] == {"done": 1}


def test_operations_disabled_never_polls() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile={"operationsEnabled": False}).devices[0]
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(600)
    assert hub.journal.calls("devices_ClaimOperationWork") == []
    assert operation(hub, operation_id)["summary"]["status"] == "Running"
