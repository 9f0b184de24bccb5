"""Device operations as stored: records, the per-device indexes and the due queue (D19-D25).

Plain data: the handlers live in ``operations``, step execution in ``operation_steps`` and the
time-driven part in ``operation_driver``. Steps are kept as the wire structs they arrived as,
so they are echoed verbatim (D45).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from nexigon_fake.clock import to_micros
from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.operations import (
    DeviceOperationStatus,
    DeviceOperationStep,
    DeviceOperationStepStatus,
    DeviceOperationWaitForDevicePropertyStep,
)

TERMINAL_OPERATION: frozenset[str] = frozenset({"Succeeded", "Failed", "TimedOut", "Cancelled"})


@dataclass(slots=True)
class StepRecord:
    """The execution state of one reached step; ``None`` output/checkpoint means absent."""

    step_index: int
    status: DeviceOperationStepStatus
    started_at: dt.datetime
    output: Any = None
    error: str | None = None
    completed_at: dt.datetime | None = None
    checkpoint: Any = None


@dataclass(slots=True)
class OperationRecord:
    """One device operation with its step states, its current deadline and its claims."""

    device_operation_id: str
    project_id: str
    device_id: str
    created_by: Actor
    name: str
    description: str | None
    steps: list[DeviceOperationStep]
    status: DeviceOperationStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    sequence: int  # creation order among all operations (D22, D30 ties)
    fleet_operation_id: str | None = None  # set when a fleet operation owns it (D38)
    step_index: int = 0
    last_error: str | None = None
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    step_states: list[StepRecord] = field(default_factory=list)
    # The current step's deadline (``None``: none) and its entry in the due queue.
    deadline: dt.datetime | None = None
    timeout_secs: int | None = None  # the deadline's length, for the time-out message
    # Every claim ever issued (claim id -> step index) and the current one with its lease.
    claims: dict[str, int] = field(default_factory=dict)
    current_claim: str | None = None
    lease_expires_at: dt.datetime | None = None
    queue_entry: int | None = None  # the sequence of its live due-queue entry

    @property
    def current(self) -> StepRecord | None:
        """The state of the step ``step_index`` names, once reached."""
        if self.step_states and self.step_states[-1].step_index == self.step_index:
            return self.step_states[-1]
        return None


class OperationTables:
    """Every operation of a hub, indexed by device, with a time-ordered queue of deadlines.

    The queue holds ``(due micros, sequence, operation id)``; an entry is live only while its
    operation's ``queue_entry`` is that sequence (lazy invalidation), so moving a step on
    never searches the heap, and a drive pops only what is due.
    """

    def __init__(self, origin: dt.datetime) -> None:
        self.origin = origin  # hub start: ticks count from here (D19 `operation_tick_secs`)
        self.operations: dict[str, OperationRecord] = {}
        self.by_device: dict[str, dict[str, None]] = {}  # device -> its operations, oldest first
        self.waiting: dict[str, dict[str, None]] = {}  # device -> operations on a running wait
        self.queue: list[tuple[int, int, str]] = []
        self.queue_sequence = 0
        self.ready: deque[str] = deque()  # operations to advance before the call returns
        # Other due work in the same queue (fleet operations, D35-D37): key -> live sequence.
        self.timers: dict[str, int] = {}

    def add(self, operation: OperationRecord) -> None:
        self.operations[operation.device_operation_id] = operation
        self.by_device.setdefault(operation.device_id, {})[operation.device_operation_id] = None

    def schedule(self, operation: OperationRecord, tick_secs: float) -> None:
        """Queue the operation's deadline, noticed at the next tick when ticks are on."""
        assert operation.deadline is not None
        due = to_micros(operation.deadline)
        if tick_secs > 0:
            origin = to_micros(self.origin)
            tick = round(tick_secs * 1_000_000)
            due = origin + math.ceil((due - origin) / tick) * tick
        self.queue_sequence += 1
        operation.queue_entry = self.queue_sequence
        heapq.heappush(self.queue, (due, self.queue_sequence, operation.device_operation_id))

    def schedule_timer(self, key: str, at: dt.datetime) -> None:
        """Queue other due work under ``key`` (one live entry per key; a later call replaces
        it): a fleet operation's next enrolment pass or gate time."""
        self.queue_sequence += 1
        self.timers[key] = self.queue_sequence
        heapq.heappush(self.queue, (to_micros(at), self.queue_sequence, key))

    def pop_due(self, now: dt.datetime) -> OperationRecord | str | None:
        """The operation whose live deadline (or the timer key whose time) is due first at
        ``now``, if any."""
        limit = to_micros(now)
        queue = self.queue
        while queue and queue[0][0] <= limit:
            _, sequence, key = heapq.heappop(queue)
            operation = self.operations.get(key)
            if operation is not None:
                if operation.queue_entry == sequence:
                    operation.queue_entry = None
                    return operation
            elif self.timers.get(key) == sequence:
                del self.timers[key]
                return key
        return None

    def stop_waiting(self, operation: OperationRecord) -> None:
        waiting = self.waiting.get(operation.device_id)
        if waiting is not None:
            waiting.pop(operation.device_operation_id, None)
            if not waiting:
                del self.waiting[operation.device_id]

    def forget_device(self, device_id: str) -> None:
        """Cascade (D41): a deleted device's operations and claims go; their queue entries
        die lazily, as their operations are gone."""
        for operation_id in self.by_device.pop(device_id, {}):
            del self.operations[operation_id]
        self.waiting.pop(device_id, None)

    def rebuild(self, operations: list[OperationRecord], tick_secs: float) -> None:
        """Indexes and queue from restored records (a snapshot keeps only the records)."""
        for operation in operations:
            operation.queue_entry = None
            self.add(operation)
            if operation.status != "Running":
                continue
            if operation.deadline is not None:
                self.schedule(operation, tick_secs)
            step = operation.steps[operation.step_index]
            current = operation.current
            waits = isinstance(step, DeviceOperationWaitForDevicePropertyStep)
            if current is not None and current.status == "Running" and waits:
                self.waiting.setdefault(operation.device_id, {})[operation.device_operation_id] = (
                    None
                )
