from collections import Counter

import pytest

OTA_DEVICE = {
    "failures": {
        "offlineShare": 0.05,  # 5 % lose the network some time in the first 12 hours
        "offlineWithinSecs": 43_200,
        "offlineDurationSecs": 86_400,
        "degradedShare": 0.1,
    },
    "eventsPerHour": 0.5,
    "reactions": [  # a new OTA config is installed ten minutes later
        {
            "watch": "dev.nexigon.ota.config",
            "update": "dev.nexigon.ota.status",
            "delaySecs": 600,
            "mutations": [
                {
                    "mutation": "Set",
                    "path": ["currentVersion"],
                    "expr": {
                        "kind": "Get",
                        "expr": {"kind": "NamedValue", "name": "dev.nexigon.ota.config"},
                        "path": ["version"],
                    },
                }
            ],
        }
    ],
}


def dashboard(hub, project_id):
    """The backend under test: what a fleet dashboard shows."""
    devices = hub.invoke("projects_QueryDevices", {"projectId": project_id})["devices"]
    health: Counter[str] = Counter()
    for device in devices:
        found = hub.invoke(
            "devices_GetProperty",
            {"deviceId": device["deviceId"], "name": "dev.nexigon.system.health"},
        )
        health[found["value"]["status"]] += 1
    online = sum(device["isConnected"] for device in devices)
    return {"devices": len(devices), "online": online, "health": dict(health)}


@pytest.mark.nexigon_fleet(count=500, profile=OTA_DEVICE)
def test_a_dashboard_after_a_simulated_day(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    nexigon_hub.clock.advance(86_400)  # a day of 500 devices' lives, in seconds

    shown = dashboard(nexigon_hub, fleet.project_id)
    assert shown["devices"] == 500
    assert 450 <= shown["online"] < 495  # some are in their offline window
    assert 20 < shown["health"]["degraded"] < 80
    device = fleet.devices[0].device_id
    events = nexigon_hub.invoke("devices_QueryEvents", {"deviceId": device})["events"]
    times = [event["emittedAt"] for event in events]
    assert times == sorted(times, reverse=True)  # newest first, each at its own instant


def version_is(version):
    return {
        "kind": "Equals",
        "left": {
            "kind": "Get",
            "expr": {"kind": "NamedValue", "name": "dev.nexigon.ota.status"},
            "path": ["currentVersion"],
        },
        "right": {"kind": "Literal", "value": version},
    }


def roll_out(hub, devices, version, max_failed_share):
    """The rollout tool under test: canaries first, then the rest unless the guard trips."""
    steps = [
        {
            "kind": "SetDeviceProperty",
            "name": "dev.nexigon.ota.config",
            "value": {"version": version},
        },
        {"kind": "WaitForDeviceProperty", "predicate": version_is(version), "timeoutSecs": 1800},
    ]
    canaries, rest = devices[: len(devices) // 10], devices[len(devices) // 10 :]
    for stage in (canaries, rest):
        operations = []
        for device_id in stage:
            created = hub.invoke(
                "devices_CreateOperation",
                {"deviceId": device_id, "name": f"OTA {version}", "steps": steps},
            )
            operations.append({"deviceOperationId": created["deviceOperationId"]})
            hub.invoke("devices_StartOperation", operations[-1])
        hub.clock.advance(1800)  # the stage's deadline: every device has answered or not
        statuses = [
            hub.invoke("devices_GetOperation", op)["summary"]["status"] for op in operations
        ]
        failed = sum(status != "Succeeded" for status in statuses) / len(statuses)
        if failed > max_failed_share:
            return "stopped"
    return "completed"


@pytest.mark.nexigon_fleet(count=100, profile={"reactions": OTA_DEVICE["reactions"]})
def test_an_ota_rollout_completes(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    devices = [device.device_id for device in fleet.devices]

    assert roll_out(nexigon_hub, devices, "2.0", max_failed_share=0.1) == "completed"
    assert fleet.counters.reactions == 100


@pytest.mark.nexigon_fleet(count=100, profile={"reactions": OTA_DEVICE["reactions"]})
def test_the_guard_stops_a_rollout_whose_canaries_do_not_report(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    for canary in fleet.devices[:3]:  # 30 % of the ten canaries never report
        canary.never_report()
    devices = [device.device_id for device in fleet.devices]

    assert roll_out(nexigon_hub, devices, "2.0", max_failed_share=0.1) == "stopped"
    assert fleet.counters.reactions == 7  # the rest never got the new config
