"""``hub.simulate``: what a fleet makes, its options, its counters and ``stop``."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import NotFoundError
from nexigon_fake.simulation import (
    DEFAULT_PROFILE,
    DeviceProfile,
    Failures,
    load_profile,
    start_fleet,
)


def test_a_fleet_makes_a_project_in_the_default_organization() -> None:
    hub = Hub()
    fleet = hub.simulate(count=4)
    assert len(fleet) == 4
    projects = hub.invoke(
        "organizations_QueryProjects", {"organizationId": hub.default_organization_id}
    )["projects"]
    assert fleet.project_id in [project["projectId"] for project in projects]
    devices = hub.invoke("projects_QueryDevices", {"projectId": fleet.project_id})["devices"]
    assert sorted(d["deviceId"] for d in devices) == sorted(d.device_id for d in fleet)
    assert all(d["isConnected"] for d in devices)
    first = fleet.devices[0]
    assert first.fingerprint.startswith("d_sk_")
    assert first.deployment_token.startswith("deployment_")
    assert first.profile is DEFAULT_PROFILE
    assert fleet.device(first.device_id) is first


def test_a_fleet_in_a_given_project() -> None:
    hub = Hub()
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "mine"}
    )["projectId"]
    fleet = hub.simulate(count=2, project_id=project)
    assert fleet.project_id == project


def test_existing_devices_are_simulated_with_their_fingerprints() -> None:
    hub = Hub()
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "mine"}
    )["projectId"]
    fingerprint = hub.ids.secret("d_sk")
    device_id = hub.devices.create(project_id=project, fingerprint=fingerprint).device_id
    fleet = hub.simulate(device_ids=[device_id])
    assert fleet.devices[0].device_id == device_id
    assert fleet.devices[0].fingerprint == fingerprint
    assert hub.invoke("devices_GetDetails", {"deviceId": device_id})["isConnected"] is True
    with pytest.raises(NotFoundError):
        hub.simulate(device_ids=["d_" + "1" * 22])


def test_pairing_devices_redeem_a_key_each() -> None:
    hub = Hub()
    fleet = hub.simulate(count=2, profile={"pairing": True}, journaled=True)
    redeemed = hub.journal.calls("projects_RedeemDevicePairingKey")
    assert [entry.output["deviceId"] for entry in redeemed] == [d.device_id for d in fleet]
    tokens = hub.invoke("projects_QueryDeploymentTokens", {"projectId": fleet.project_id})
    bound = {t["deviceId"] for t in tokens["tokens"] if "deviceId" in t}
    assert bound == {d.device_id for d in fleet}


def test_bad_arguments_are_refused() -> None:
    hub = Hub()
    with pytest.raises(TypeError):
        hub.simulate()
    with pytest.raises(TypeError):
        hub.simulate(count=1, device_ids=[])
    with pytest.raises(ValueError, match="count"):
        hub.simulate(count=-1)
    with pytest.raises(msgspec.ValidationError, match="pollIntervalSec"):
        hub.simulate(count=1, profile={"pollIntervalSec": 5})


def test_stop_disconnects_and_ends_everything() -> None:
    hub = Hub()
    fleet = hub.simulate(count=2, journaled=True)
    fleet.stop()
    assert fleet.stopped
    before = len(hub.journal)
    hub.clock.advance(86_400)
    assert len(hub.journal) == before
    devices = hub.invoke("projects_QueryDevices", {"projectId": fleet.project_id})["devices"]
    assert not any(d["isConnected"] for d in devices)


def test_reset_forgets_fleets() -> None:
    hub = Hub()
    hub.simulate(count=2)
    hub.reset()
    assert hub.simulators.members == []
    hub.clock.advance(3600)
    assert hub.journal.calls() == []


def test_the_journal_is_off_by_default_and_a_switch_turns_it_on() -> None:
    hub = Hub()
    fleet = hub.simulate(count=1)
    assert len(hub.journal) == 0
    fleet.journaled = True
    hub.clock.advance(1800)
    assert [entry.action for entry in hub.journal] == ["devices_SetProperty"]


def test_counters() -> None:
    hub = Hub()
    fleet = hub.simulate(count=3, profile={"eventsPerHour": 6})
    hub.clock.advance(3600)
    counters = fleet.counters.as_dict()
    assert counters["connects"] == 3
    assert counters["system_info_reports"] == 9  # 07:00, 07:30 and 08:00
    assert counters["events"] == fleet.counters.events > 0
    events = hub.invoke("devices_QueryEvents", {"deviceId": fleet.devices[0].device_id})
    emitted = [e["emittedAt"] for e in events["events"]]
    assert emitted == sorted(emitted, reverse=True)  # newest first, each at its own instant
    assert len(set(emitted)) == len(emitted)


def test_start_fleet_is_the_typed_spelling() -> None:
    hub = Hub()
    fleet = start_fleet(hub, count=1)
    assert fleet.devices[0].device_id in hub.store.devices


def test_profiles_load_from_json_text_files_and_data(tmp_path: Path) -> None:
    data = {"pollIntervalSecs": 30, "failures": {"silentShare": 0.5}}
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    expected = DeviceProfile(poll_interval_secs=30, failures=load_profile(data).failures)
    assert load_profile(path) == load_profile(str(path)) == load_profile(json.dumps(data))
    assert load_profile(data) == expected
    assert load_profile(None) == DeviceProfile()


def test_the_defaults_are_the_agents() -> None:
    profile = DeviceProfile()
    assert profile.poll_interval_secs == 60
    assert profile.system_info_interval_secs == 30 * 60
    assert profile.report_retry_delays_secs == [1, 2, 4, 8]
    assert profile.max_concurrent_commands == 4


def test_an_idle_fleet_has_nothing_on_the_queue() -> None:
    hub = Hub()
    fleet = hub.simulate(count=200, profile={"systemInfoIntervalSecs": None})
    simulation = hub.simulators.members[0]
    assert simulation.heap == []  # type: ignore[attr-defined]
    calls = fleet.counters.calls
    hub.clock.advance(86_400)
    assert fleet.counters.calls == calls


def test_after_a_restore_the_fleet_hears_of_new_work() -> None:
    hub = Hub()
    profile = {"commands": [{"name": "reboot"}]}
    device = hub.simulate(count=1, profile=profile).devices[0]
    hub.restore(hub.snapshot_json())
    created = hub.invoke(
        "devices_CreateOperation",
        {
            "deviceId": device.device_id,
            "name": "reboot",
            "steps": [{"kind": "DeviceCommand", "command": "reboot", "input": None}],
        },
    )
    target = {"deviceOperationId": created["deviceOperationId"]}
    hub.invoke("devices_StartOperation", target)
    hub.clock.advance(60)
    assert hub.invoke("devices_GetOperation", target)["summary"]["status"] == "Succeeded"


def test_the_readme_table_names_every_profile_field() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Simulated devices")[1].split("\n## ")[0]
    first_column = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    listed = {name.strip() for cell in first_column for name in cell.split(",")}
    listed = {name.strip("`") for name in listed} - {"DeviceProfile` field (JSON)"}
    expected = {f.encode_name for f in msgspec.structs.fields(DeviceProfile)} - {"failures"}
    expected |= {"failures." + f.encode_name for f in msgspec.structs.fields(Failures)}
    assert listed == expected
