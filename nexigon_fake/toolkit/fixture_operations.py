"""A fixture's device operations (``devices[].operations``) as steps of the loader's timeline.

Each operation is created and started at ``now - startedSecsAgo`` (cancelled then too, when
asked), through the hub's own actions; the loader runs these steps with its connection and
pairing-key steps, oldest first. Moving the clock back to the load's ``now`` drives what fell
due in between, so an old command step has timed out by the end, as it would have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nexigon_fake.toolkit.fixture_format import FixtureOperation

Run = Callable[..., Any]
"""The loader's ``run(path, action, **fields)``: an action's output, errors at the path."""


@dataclass(frozen=True, slots=True)
class OperationStep:
    """One operation of a device, created (and maybe started or cancelled) at its instant."""

    secs_ago: int
    order: int
    device_id: str
    spec: FixtureOperation
    path: str


def run_operation(run: Run, step: OperationStep) -> str:
    """Create the operation, start and cancel it as asked; its id."""
    spec, path = step.spec, step.path
    created = run(
        path,
        "devices_CreateOperation",
        device_id=step.device_id,
        name=spec.name,
        description=spec.description,
        steps=list(spec.steps),
    )
    operation_id: str = created.device_operation_id
    if spec.started_secs_ago is not None:
        run(f"{path}.startedSecsAgo", "devices_StartOperation", device_operation_id=operation_id)
    if spec.cancelled:
        run(f"{path}.cancelled", "devices_CancelOperation", device_operation_id=operation_id)
    return operation_id
