"""Stage sampling (D35) and stage guards with their status reports (D36).

Pure reads of a fleet operation and its targets' properties. Counts come from the stage's
tally, so a guard without ``DeviceProperty`` gates costs nothing per target; a property gate
reads the stage's targets once.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from nexigon_fake.clock import parse_timestamp
from nexigon_fake.errors import (
    MSG_GATE_ERRORS,
    MSG_GATE_MATCH_SUMMARY,
    MSG_GATE_NOT_BEFORE,
    MSG_GATE_ONE_ERROR,
)
from nexigon_fake.exprs import EvaluationError, Missing, evaluate_condition
from nexigon_fake.state.fleet_operation_records import FleetOperationRecord
from nexigon_fake.state.operation_steps import PropertyNames
from nexigon_fake.state.store import Store
from nexigon_fake.wire.fleet_operations import (
    FleetOperationDevicePropertyGate,
    FleetOperationNotBeforeGate,
    FleetOperationStageGateStatus,
    FleetOperationStageGuard,
    FleetOperationStageGuardStatus,
)


def bucket(fleet_operation_id: str, device_id: str) -> int:
    """D35: the first 8 bytes of SHA-256 of ``"{fleetOperationId}:{deviceId}"``, big-endian,
    mod 100: stable per operation and device."""
    digest = hashlib.sha256(f"{fleet_operation_id}:{device_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def stage_of(fleet: FleetOperationRecord, device_id: str) -> int | None:
    """The first stage whose percentage (default 100) exceeds the bucket; None: no stage."""
    sample = bucket(fleet.fleet_operation_id, device_id)
    for index, stage in enumerate(fleet.stages):
        if sample < (100 if stage.percentage is None else stage.percentage):
            return index
    return None


Status = FleetOperationStageGateStatus


def _percent(part: int, total: int) -> int:
    """floor(100·part/total); an empty stage reports 100 (D36)."""
    return 100 if total == 0 else part * 100 // total


def _failure_percent(failed: int, total: int) -> int:
    """An empty stage reports a failure of 0 (D36)."""
    return 0 if total == 0 else failed * 100 // total


def _counts(fleet: FleetOperationRecord, stage_index: int) -> tuple[int, int, int]:
    tally = fleet.tally[stage_index]
    return sum(tally.values()), tally["Succeeded"], tally["Failed"] + tally["TimedOut"]


def _counts_pass(guard: FleetOperationStageGuard, total: int, succeeded: int, failed: int) -> bool:
    """D36's exact tests: succeeded·100 ≥ min·total and failed·100 ≤ max·total."""
    low = guard.min_success_percent
    high = guard.max_failure_percent
    return (low is None or succeeded * 100 >= low * total) and (
        high is None or failed * 100 <= high * total
    )


def _not_before(gate: FleetOperationNotBeforeGate, now: dt.datetime, index: int) -> Status:
    passed = now >= parse_timestamp(gate.not_before)
    return FleetOperationStageGateStatus(
        gate_index=index,
        passed=passed,
        summary=MSG_GATE_NOT_BEFORE.format(timestamp=gate.not_before),  # D3 form already (C51)
        actual_percent=100 if passed else 0,
        threshold_percent=100,
        evaluation_error_count=0,
    )


def _device_property(
    store: Store,
    fleet: FleetOperationRecord,
    stage_index: int,
    gate: FleetOperationDevicePropertyGate,
    index: int,
) -> Status:
    """Match = ``true``; ``false`` and *missing* do not match; other errors are counted, the
    first (in target order) reported, and any error fails the gate (D36)."""
    total = matched = errors = 0
    first_error: str | None = None
    for target in fleet.targets.values():
        if target.stage_index != stage_index:
            continue
        total += 1
        try:
            if evaluate_condition(gate.predicate, PropertyNames(store.devices[target.device_id])):
                matched += 1
        except Missing:
            pass
        except EvaluationError as error:
            errors += 1
            if first_error is None:
                first_error = error.message
    percent = _percent(matched, total)
    summary = MSG_GATE_MATCH_SUMMARY.format(
        matched=matched, total=total, percent=percent, threshold=gate.min_match_percent
    )
    if errors == 1:
        summary += MSG_GATE_ONE_ERROR
    elif errors:
        summary += MSG_GATE_ERRORS.format(count=errors)
    return FleetOperationStageGateStatus(
        gate_index=index,
        passed=errors == 0 and matched * 100 >= gate.min_match_percent * total,
        summary=summary,
        actual_percent=percent,
        threshold_percent=gate.min_match_percent,
        evaluation_error_count=errors,
        evaluation_error=first_error,
    )


def gate_statuses(
    store: Store, fleet: FleetOperationRecord, stage_index: int, guard: FleetOperationStageGuard
) -> list[Status]:
    now = store.now()
    statuses = []
    for index, gate in enumerate(guard.gates):
        if isinstance(gate, FleetOperationNotBeforeGate):
            statuses.append(_not_before(gate, now, index))
        else:
            statuses.append(_device_property(store, fleet, stage_index, gate, index))
    return statuses


def guard_status(
    store: Store, fleet: FleetOperationRecord, stage_index: int
) -> tuple[bool, FleetOperationStageGuardStatus]:
    """The full report of a stage's guard (``GuardBlocked``) and whether it passes; no guard
    passes with an empty report."""
    total, succeeded, failed = _counts(fleet, stage_index)
    guard = fleet.stages[stage_index].guard
    if guard is None:
        return True, FleetOperationStageGuardStatus(
            success_percent=_percent(succeeded, total),
            failure_percent=_failure_percent(failed, total),
            gates=[],
        )
    gates = gate_statuses(store, fleet, stage_index, guard)
    passed = _counts_pass(guard, total, succeeded, failed) and all(g.passed for g in gates)
    return passed, FleetOperationStageGuardStatus(
        min_success_percent=guard.min_success_percent,
        success_percent=_percent(succeeded, total),
        max_failure_percent=guard.max_failure_percent,
        failure_percent=_failure_percent(failed, total),
        gates=gates,
    )


def guard_passes(store: Store, fleet: FleetOperationRecord, stage_index: int) -> bool:
    """Whether the guard passes, cheapest checks first: counts, gate times, then property
    gates (which read every target of the stage)."""
    guard = fleet.stages[stage_index].guard
    if guard is None:
        return True
    if not _counts_pass(guard, *_counts(fleet, stage_index)):
        return False
    now = store.now()
    gates = guard.gates
    if any(
        isinstance(g, FleetOperationNotBeforeGate) and now < parse_timestamp(g.not_before)
        for g in gates
    ):
        return False
    return all(
        _device_property(store, fleet, stage_index, gate, index).passed
        for index, gate in enumerate(gates)
        if isinstance(gate, FleetOperationDevicePropertyGate)
    )


def next_gate_time(fleet: FleetOperationRecord, now: dt.datetime) -> dt.datetime | None:
    """The earliest future ``NotBefore`` of the frontier stage's guard when it auto-advances:
    the instant the driver must look again without any other change."""
    stage = fleet.stages[fleet.active_stage_index]
    if not stage.auto_advance or stage.guard is None:
        return None
    times = [
        parse_timestamp(gate.not_before)
        for gate in stage.guard.gates
        if isinstance(gate, FleetOperationNotBeforeGate)
    ]
    future = [at for at in times if at > now]
    return min(future) if future else None
