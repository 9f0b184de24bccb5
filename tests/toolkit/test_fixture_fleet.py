"""Fixture fleet operations (``projects[].fleetOperations``): created, started, paused and
cancelled on the loader's timeline; the showcase holds a rollout in every status."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.toolkit.fixture_results import FixtureError

COMMAND = {"kind": "DeviceCommand", "command": "apply", "input": None, "timeoutSecs": 60}
SET = {"kind": "SetDeviceProperty", "name": "app.mode", "value": "on"}


def _fixture(rollouts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "nexigon-fake-fixture/1",
        "projects": [
            {
                "key": "p",
                "name": "P",
                "devices": [{"key": "a"}, {"key": "b"}],
                "fleetOperations": rollouts,
            }
        ],
    }


def _rollout(key: str, steps: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "stages": [{"name": "all"}], "steps": steps, **extra}


def _summary(hub: Hub, fleet_id: str) -> dict[str, Any]:
    return hub.invoke("fleet_GetOperation", {"fleetOperationId": fleet_id})["summary"]


def test_the_showcase_has_a_rollout_in_every_status() -> None:
    hub = Hub(fixture="showcase")
    assert hub.fixture is not None
    statuses = {_summary(hub, f)["status"] for f in hub.fixture.fleet_operations.values()}
    assert statuses == {"Draft", "Running", "Paused", "Completed", "Failed", "Cancelled"}


def test_fixture_rollouts_end_as_their_steps_and_times_give() -> None:
    hub = Hub()
    loaded = hub.load_fixture(
        _fixture(
            [
                _rollout("draft", [SET]),
                _rollout("done", [SET], startedSecsAgo=30, devices=["b"]),
                _rollout("late", [COMMAND], startedSecsAgo=120),
                _rollout("held", [COMMAND], startedSecsAgo=120, paused=True),
                _rollout("stopped", [COMMAND], startedSecsAgo=10, cancelled=True),
            ]
        )
    )
    status = {key: _summary(hub, f)["status"] for key, f in loaded.fleet_operations.items()}
    assert status == {
        "draft": "Draft",
        "done": "Completed",
        "late": "Failed",  # its command timed out 60 s after the start, before the load's end
        "held": "Paused",  # paused at once: no deadline ran
        "stopped": "Cancelled",
    }
    done = _summary(hub, loaded.fleet_operations["done"])
    assert done["progress"]["total"] == 1
    assert done["startedAt"] == "2026-05-04T06:59:30Z"
    value = hub.invoke("devices_GetProperty", {"deviceId": loaded.devices["b"], "name": "app.mode"})
    assert value["value"] == "on"


@pytest.mark.parametrize(
    ("rollout", "where"),
    [
        (_rollout("x", [SET], devices=["nope"]), "$.projects[0].fleetOperations[0].devices[0]"),
        (_rollout("x", [SET], paused=True), "$.projects[0].fleetOperations[0].paused"),
        (_rollout("x", [{"kind": "DeviceCommand"}]), "$.projects[0].fleetOperations[0].steps[0]"),
        (_rollout("x", [SET], stages=[]), "$.projects[0].fleetOperations[0].stages"),
    ],
)
def test_a_bad_rollout_names_its_path_and_loads_nothing(
    rollout: dict[str, Any], where: str
) -> None:
    hub = Hub()
    before = hub.snapshot_json()
    with pytest.raises(FixtureError) as info:
        hub.load_fixture(_fixture([rollout]))
    assert where in str(info.value)
    assert hub.snapshot_json() == before


def test_duplicate_rollout_keys_are_refused() -> None:
    hub = Hub()
    with pytest.raises(FixtureError, match="Duplicate fleet operation key"):
        hub.load_fixture(_fixture([_rollout("x", [SET]), _rollout("x", [SET])]))
