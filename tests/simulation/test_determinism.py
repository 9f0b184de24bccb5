"""Same seeds, same fleet, byte for byte; a fleet never shifts the ids a test's calls get."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

BUSY: dict[str, Any] = {
    "eventsPerHour": 3,
    "commands": [{"name": "reboot", "durationSecs": 20}],
    "failures": {
        "offlineShare": 0.2,
        "crashesPerDay": 2,
        "callFailureRate": 0.05,
        "degradedShare": 0.3,
        "failingCommandShare": 0.2,
    },
}


def run(seed: int, fleet_seed: int | None) -> bytes:
    hub = Hub(seed=seed)
    fleet = hub.simulate(count=20, profile=BUSY, seed=fleet_seed)
    for device in fleet.devices[:5]:
        created = hub.invoke(
            "devices_CreateOperation",
            {
                "deviceId": device.device_id,
                "name": "reboot",
                "steps": [{"kind": "DeviceCommand", "command": "reboot", "input": None}],
            },
        )
        hub.invoke("devices_StartOperation", {"deviceOperationId": created["deviceOperationId"]})
    hub.clock.advance(6 * 3600)
    return hub.snapshot_json()


def test_two_runs_with_the_same_seeds_give_byte_identical_snapshots() -> None:
    assert run(1, 7) == run(1, 7)
    assert run(1, None) == run(1, None)


def test_another_fleet_seed_gives_another_fleet() -> None:
    assert run(1, 7) != run(1, 8)


def test_a_fleet_does_not_change_the_ids_the_tests_calls_get() -> None:
    def own_ids(with_fleet: bool) -> list[str]:
        hub = Hub(seed=3)
        if with_fleet:
            hub.simulate(count=10, profile=BUSY)
            hub.clock.advance(3600)
        organization = hub.default_organization_id
        project = hub.invoke("projects_Create", {"organizationId": organization, "name": "mine"})
        token = hub.invoke(
            "projects_CreateDeploymentToken", {"projectId": project["projectId"], "name": "t"}
        )
        key = hub.invoke("projects_CreateDevicePairingKey", {"projectId": project["projectId"]})
        return [project["projectId"], token["tokenId"], token["token"], key["pairingKeyId"]]

    assert own_ids(True) == own_ids(False)


def test_two_fleets_on_one_hub_get_different_devices() -> None:
    hub = Hub()
    first = hub.simulate(count=3, seed=5)
    second = hub.simulate(count=3, seed=5)
    ids = {d.device_id for d in first.devices} | {d.device_id for d in second.devices}
    assert len(ids) == 6
    assert first.project_id != second.project_id
