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


GUARD = {"minSuccessPercent": 90, "maxFailurePercent": 10, "gates": []}
OTA_ROLLOUT = {
    "name": "OTA 2.0",
    "selector": {"predicates": []},
    "stages": [
        {"name": "canary", "percentage": 10, "autoAdvance": True, "guard": GUARD},
        {"name": "everyone"},
    ],
    "steps": [  # set the config, then wait until the device reports the version running
        {
            "kind": "SetDeviceProperty",
            "name": "dev.nexigon.ota.config",
            "value": {"version": "2.0"},
        },
        {"kind": "WaitForDeviceProperty", "predicate": version_is("2.0"), "timeoutSecs": 1800},
    ],
}


def start_rollout(hub, project_id):
    created = hub.invoke("fleet_CreateOperation", {"projectId": project_id, **OTA_ROLLOUT})
    rollout = {"fleetOperationId": created["fleetOperationId"]}
    hub.invoke("fleet_StartOperation", rollout)
    return rollout


@pytest.mark.nexigon_fleet(count=100, profile={"reactions": OTA_DEVICE["reactions"]})
def test_an_ota_rollout_completes(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    rollout = start_rollout(nexigon_hub, fleet.project_id)

    nexigon_hub.clock.advance(3600)  # canaries install, the guard passes, everyone installs

    summary = nexigon_hub.invoke("fleet_GetOperation", rollout)["summary"]
    assert summary["status"] == "Completed"
    assert summary["progress"]["succeeded"] == 100
    assert fleet.counters.reactions == 100


@pytest.mark.nexigon_fleet(count=100, profile={"reactions": OTA_DEVICE["reactions"]})
def test_the_guard_stops_a_rollout_whose_canaries_do_not_report(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    rollout = start_rollout(nexigon_hub, fleet.project_id)
    targets = nexigon_hub.invoke("fleet_QueryOperationTargets", rollout)["targets"]
    canaries = [t["deviceId"] for t in targets if t["stageIndex"] == 0]
    assert len(canaries) >= 5
    for device_id in canaries[: round(len(canaries) * 0.3)]:  # 30 % never report
        fleet.device(device_id).never_report()

    nexigon_hub.clock.advance(3600)  # the silent canaries' waits time out

    blocked = nexigon_hub.invoke("fleet_AdvanceOperationStage", rollout)
    assert blocked["result"] == "GuardBlocked"
    assert blocked["failurePercent"] > blocked["maxFailurePercent"] == 10
    targets = nexigon_hub.invoke("fleet_QueryOperationTargets", rollout)["targets"]
    assert {t["status"] for t in targets if t["stageIndex"] > 0} == {"Pending"}
    assert fleet.counters.reactions == len(canaries) - round(len(canaries) * 0.3)
