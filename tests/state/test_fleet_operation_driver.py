"""The fleet's part of the driver (D19, D35-D37): one queue, and work only for what changed.

A drive with nothing due must not look at any fleet (let alone its targets): fleets are
re-evaluated only when one of their operations changed status, a target's properties changed,
or their timer fell due."""

from __future__ import annotations

from collections import Counter

import pytest

from nexigon_fake import Hub
from nexigon_fake.state import fleet_operation_driver
from nexigon_fake.state.fleet_operation_records import FleetOperationRecord
from nexigon_fake.state.store import Store

from .fleet_operation_helpers import command_step, fleet, stage, started, summary
from .helpers import make_device, set_property
from .operation_helpers import claim, report


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    seen: Counter[str] = Counter()
    original = fleet_operation_driver.evaluate

    def counting(store: Store, fleet: FleetOperationRecord) -> None:
        seen[fleet.fleet_operation_id] += 1
        original(store, fleet)

    monkeypatch.setattr(fleet_operation_driver, "evaluate", counting)
    return seen


def test_a_drive_with_nothing_due_looks_at_no_fleet(hub: Hub, evaluations: Counter[str]) -> None:
    project, devices = fleet(hub, 20)
    fleet_id = started(
        hub,
        project,
        enrollmentIntervalSecs=600,
        closeWhenConverged=False,
        stages=[stage("a", percentage=50), stage("b")],
        steps=[command_step()],
    )
    evaluations.clear()
    for _ in range(5):
        hub.clock.advance(60)
    hub.invoke("projects_GetDetails", {"projectId": project})
    assert evaluations[fleet_id] == 0
    hub.clock.advance(300)  # 600 s after the first pass: the timer falls due
    assert evaluations[fleet_id] == 1
    assert devices


def test_changes_reach_only_the_fleets_they_concern(hub: Hub, evaluations: Counter[str]) -> None:
    project, devices = fleet(hub, 2)
    mine = started(
        hub, project, selector={"deviceIds": [devices[0]], "predicates": []}, steps=[command_step()]
    )
    other = started(
        hub, project, selector={"deviceIds": [devices[1]], "predicates": []}, steps=[command_step()]
    )
    evaluations.clear()
    set_property(hub, devices[0], "x", 1)  # a target's property: its fleet looks again
    assert (evaluations[mine], evaluations[other]) == (1, 0)
    make_device(hub, project)  # not a target of anything
    assert (evaluations[mine], evaluations[other]) == (1, 0)
    (item,) = [w for w in claim(hub, devices[1], limit=5)]
    report(hub, devices[1], item, "Succeeded")  # a status change of its operation
    assert evaluations[other] == 1
    assert summary(hub, other)["status"] == "Completed"
    assert summary(hub, mine)["status"] == "Running"


def test_ended_fleets_keep_no_timer(hub: Hub) -> None:
    project, _ = fleet(hub, 1)
    fleet_id = started(
        hub, project, enrollmentIntervalSecs=60, closeWhenConverged=False, steps=[command_step()]
    )
    assert fleet_id in hub.store.operations.timers
    hub.invoke("fleet_PauseOperation", {"fleetOperationId": fleet_id})
    assert fleet_id not in hub.store.operations.timers
    hub.invoke("fleet_StartOperation", {"fleetOperationId": fleet_id})
    assert fleet_id in hub.store.operations.timers
    hub.invoke("fleet_CancelOperation", {"fleetOperationId": fleet_id})
    assert fleet_id not in hub.store.operations.timers
