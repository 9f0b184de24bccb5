"""Fleet operations as stored: records, per-stage tallies and the indexes the driver needs
(SEMANTICS-HEAD §III.7, D35-D38, D41).

Plain data. The device-operation code reads only ``frozen`` (is the owning fleet paused?) and
writes only ``touched`` (a fleet-owned operation changed status) and ``dirty`` (a target's
properties changed); the fleet driver re-tallies and re-evaluates just those, so a drive with
nothing due never looks at a fleet's targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from nexigon_fake.state.operation_records import OperationRecord
from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.fleet_operations import (
    FleetOperationStage,
    FleetOperationStatus,
    FleetOperationTargetSelector,
)
from nexigon_fake.wire.operations import DeviceOperationStep

TERMINAL_FLEET: frozenset[str] = frozenset({"Completed", "Failed", "Cancelled"})
STATUSES = ("Pending", "Running", "Succeeded", "Failed", "TimedOut", "Cancelled")


def empty_tally() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass(slots=True)
class FleetTargetRecord:
    """A device the fleet operation applies to; its device operation carries the work."""

    device_id: str
    device_operation_id: str
    stage_index: int
    counted: str = "Pending"  # the status this target is counted under in the stage tally


@dataclass(slots=True)
class SelectionErrorRecord:
    device_id: str
    error: str
    updated_at: dt.datetime


@dataclass(slots=True)
class FleetOperationRecord:
    """One fleet operation: its definition as given (D45), its status and its targets."""

    fleet_operation_id: str
    project_id: str
    created_by: Actor
    name: str
    description: str | None
    enrollment_interval_secs: int | None
    close_when_converged: bool
    selector: FleetOperationTargetSelector
    stages: list[FleetOperationStage]
    steps: list[DeviceOperationStep]
    status: FleetOperationStatus
    created_at: dt.datetime
    sequence: int  # creation order among all records (D30 ties)
    active_stage_index: int = 0
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    last_enrollment_at: dt.datetime | None = None
    # device id -> target, in enrolment order; device id -> its latest selection error
    targets: dict[str, FleetTargetRecord] = field(default_factory=dict)
    selection_errors: dict[str, SelectionErrorRecord] = field(default_factory=dict)
    next_due: dt.datetime | None = None  # the instant of its live timer in the due queue
    # Derived (rebuilt on restore): per stage, status -> number of targets.
    tally: list[dict[str, int]] = field(default_factory=list)

    def total(self, status: str) -> int:
        return sum(stage[status] for stage in self.tally)


class FleetOperationTables:
    """Every fleet operation of a hub with the indexes that keep the driver's work small."""

    def __init__(self) -> None:
        self.fleets: dict[str, FleetOperationRecord] = {}
        self.by_project: dict[str, dict[str, None]] = {}
        self.by_device: dict[str, dict[str, None]] = {}  # device -> fleets it is a target of
        self.errors_by_device: dict[str, dict[str, None]] = {}  # device -> fleets it failed
        self.frozen: set[str] = set()  # paused fleets: their device operations stand still
        self.dirty: dict[str, None] = {}  # fleets to re-evaluate (guards, convergence)
        self.touched: dict[str, OperationRecord] = {}  # fleet-owned operations to re-tally

    def add(self, fleet: FleetOperationRecord) -> None:
        self.fleets[fleet.fleet_operation_id] = fleet
        self.by_project.setdefault(fleet.project_id, {})[fleet.fleet_operation_id] = None
        if not fleet.tally:
            fleet.tally = [empty_tally() for _ in fleet.stages]

    def add_target(self, fleet: FleetOperationRecord, target: FleetTargetRecord) -> None:
        fleet.targets[target.device_id] = target
        fleet.tally[target.stage_index][target.counted] += 1
        self.by_device.setdefault(target.device_id, {})[fleet.fleet_operation_id] = None

    def is_frozen(self, operation: OperationRecord) -> bool:
        """Whether a device operation belongs to a paused fleet (D38)."""
        return operation.fleet_operation_id is not None and (
            operation.fleet_operation_id in self.frozen
        )

    def touch(self, operation: OperationRecord) -> None:
        """A fleet-owned operation changed status: its fleet re-tallies it and looks again."""
        if operation.fleet_operation_id is not None:
            self.touched[operation.device_operation_id] = operation

    def properties_changed(self, device_id: str) -> None:
        """A target's properties changed: property gates of its fleets may read otherwise."""
        for fleet_id in self.by_device.get(device_id, ()):
            self.dirty[fleet_id] = None

    def forget_device(self, device_id: str) -> None:
        """Cascade (D41, C43, C53): the device leaves every fleet's targets (totals shrink)
        and selection errors; running fleets look again (they may have converged)."""
        for fleet_id in self.by_device.pop(device_id, {}):
            fleet = self.fleets[fleet_id]
            target = fleet.targets.pop(device_id, None)
            if target is not None:
                fleet.tally[target.stage_index][target.counted] -= 1
                self.touched.pop(target.device_operation_id, None)
            self.dirty[fleet_id] = None
        for fleet_id in self.errors_by_device.pop(device_id, {}):
            self.fleets[fleet_id].selection_errors.pop(device_id, None)

    def set_selection_error(
        self, fleet: FleetOperationRecord, device_id: str, error: str, now: dt.datetime
    ) -> None:
        """Upsert the device's selection error (D35): the latest message and time."""
        fleet.selection_errors[device_id] = SelectionErrorRecord(device_id, error, now)
        self.errors_by_device.setdefault(device_id, {})[fleet.fleet_operation_id] = None

    def clear_selection_error(self, fleet: FleetOperationRecord, device_id: str) -> None:
        if fleet.selection_errors.pop(device_id, None) is not None:
            fleets = self.errors_by_device[device_id]
            del fleets[fleet.fleet_operation_id]
            if not fleets:
                del self.errors_by_device[device_id]

    def forget_project(self, project_id: str) -> list[FleetOperationRecord]:
        """Cascade (D41): the project's fleet operations go; their timers die with them."""
        removed = []
        for fleet_id in self.by_project.pop(project_id, {}):
            fleet = self.fleets.pop(fleet_id)
            self.frozen.discard(fleet_id)
            self.dirty.pop(fleet_id, None)
            for index, device_ids in (
                (self.by_device, fleet.targets),
                (self.errors_by_device, fleet.selection_errors),
            ):
                for device_id in device_ids:
                    fleets = index.get(device_id)
                    if fleets is not None:
                        fleets.pop(fleet_id, None)
                        if not fleets:
                            del index[device_id]
            removed.append(fleet)
        return removed

    def rebuild(
        self, fleets: list[FleetOperationRecord], operations: dict[str, OperationRecord]
    ) -> None:
        """Indexes and tallies from restored records (a snapshot keeps only the records)."""
        for fleet in fleets:
            fleet.tally = []
            self.add(fleet)
            targets = list(fleet.targets.values())
            fleet.targets = {}
            for target in targets:
                operation = operations.get(target.device_operation_id)
                target.counted = "Pending" if operation is None else operation.status
                self.add_target(fleet, target)
            for device_id in fleet.selection_errors:
                self.errors_by_device.setdefault(device_id, {})[fleet.fleet_operation_id] = None
            if fleet.status == "Paused":
                self.frozen.add(fleet.fleet_operation_id)
