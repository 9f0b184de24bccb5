"""A fixture's fleet operations (``projects[].fleetOperations``) as steps of the loader's
timeline.

Each is created and started at ``now - startedSecsAgo`` (paused or cancelled then too, when
asked), through the hub's own actions; the loader runs these steps with its other timed
steps, oldest first, and moving the clock back to ``now`` drives what fell due in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nexigon_fake.toolkit.fixture_format import FixtureFleetOperation
from nexigon_fake.wire.fleet_operations import FleetOperationTargetSelector

Run = Callable[..., Any]
"""The loader's ``run(path, action, **fields)``: an action's output, errors at the path."""


@dataclass(frozen=True, slots=True)
class FleetOperationStep:
    """One fleet operation of a project, created (and maybe started, paused, cancelled)."""

    secs_ago: int
    order: int
    project_id: str
    device_ids: list[str] | None  # the allow-list, resolved from device keys
    spec: FixtureFleetOperation
    path: str


def run_fleet_operation(run: Run, step: FleetOperationStep) -> str:
    """Create the fleet operation, start, pause and cancel it as asked; its id."""
    spec, path = step.spec, step.path
    created = run(
        path,
        "fleet_CreateOperation",
        project_id=step.project_id,
        name=spec.name,
        description=spec.description,
        enrollment_interval_secs=spec.enrollment_interval_secs,
        close_when_converged=spec.close_when_converged,
        selector=FleetOperationTargetSelector(
            device_ids=step.device_ids, predicates=list(spec.predicates)
        ),
        stages=list(spec.stages),
        steps=list(spec.steps),
    )
    fleet_operation_id: str = created.fleet_operation_id
    if spec.started_secs_ago is not None:
        run(f"{path}.startedSecsAgo", "fleet_StartOperation", fleet_operation_id=fleet_operation_id)
    if spec.paused:
        run(f"{path}.paused", "fleet_PauseOperation", fleet_operation_id=fleet_operation_id)
    if spec.cancelled:
        run(f"{path}.cancelled", "fleet_CancelOperation", fleet_operation_id=fleet_operation_id)
    return fleet_operation_id
