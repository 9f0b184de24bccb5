"""Fault injection: make chosen calls fail, or answer late, so tests can exercise error paths.

A fault names an action (or ``*``), optionally a device or project, and what happens: an
``ActionError`` of a kind (its status as in SEMANTICS.md D1), a delay before the answer, or
both. It fires on the next ``times`` matching calls, or on each with a ``probability`` drawn
from a generator seeded by the hub's seed, so runs repeat exactly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors import (
    MSG_FAULT_ACTION,
    MSG_FAULT_NOTHING,
    MSG_FAULT_STATUS,
    MSG_FAULT_STATUS_WITHOUT_KIND,
    MSG_INJECTED_FAULT,
    ActionError,
    ErrorKind,
    ForbiddenError,
    InternalError,
    InvalidError,
    RateLimitedError,
)
from nexigon_fake.ids import seeded_random
from nexigon_fake.state.target import Target
from nexigon_fake.wire.common import DeviceId, ProjectId, WireStruct
from nexigon_fake.wire.decoding import decode_input

EVERY_ACTION = "*"
# Command invocations are journaled, and may be faulted, under this name; no action has it.
COMMAND_ACTION = "devices_InvokeCommand"

ERROR_TYPES: dict[str, type[ActionError]] = {
    "Invalid": InvalidError,
    "Forbidden": ForbiddenError,
    "RateLimited": RateLimitedError,
    "Internal": InternalError,
}

# Statuses each kind may answer with (D1): Forbidden also stands for 401 and 404.
ALLOWED_STATUSES: dict[str, tuple[int, ...]] = {
    "Invalid": (400,),
    "Forbidden": (403, 401, 404),
    "RateLimited": (429,),
    "Internal": (500,),
}


class FaultRequest(WireStruct, forbid_unknown_fields=True):
    """What ``inject`` takes, in Python (snake_case) and over HTTP (camelCase)."""

    action: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    kind: ErrorKind | UnsetType | None = UNSET
    status: Annotated[int, msgspec.Meta(ge=100, le=599)] | None = None
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)] | None = None
    times: Annotated[int, msgspec.Meta(ge=1)] | UnsetType | None = UNSET
    probability: Annotated[float, msgspec.Meta(gt=0, le=1)] | None = None
    latency_secs: Annotated[float, msgspec.Meta(ge=0, le=300)] | None = None
    device_id: DeviceId | None = None
    project_id: ProjectId | None = None


@dataclass(slots=True)
class Fault:
    """An armed fault and how often it has fired."""

    fault_id: int
    action: str
    kind: ErrorKind | None
    status: int | None
    message: str | None
    remaining: int | None
    probability: float | None
    latency_secs: float | None
    device_id: str | None
    project_id: str | None
    fired: int = 0

    def error(self, action: str) -> ActionError | None:
        if self.kind is None:
            return None
        message = self.message or MSG_INJECTED_FAULT.format(action=action, kind=self.kind)
        return ERROR_TYPES[self.kind](message, status=self.status)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.fault_id,
            "action": self.action,
            "kind": self.kind,
            "status": self.status,
            "message": self.message,
            "remaining": self.remaining,
            "probability": self.probability,
            "latencySecs": self.latency_secs,
            "deviceId": self.device_id,
            "projectId": self.project_id,
            "fired": self.fired,
        }


@dataclass(frozen=True, slots=True)
class Firing:
    """What a fault does to one call: raise ``error`` (if any) after ``latency_secs``."""

    error: ActionError | None
    latency_secs: float


class Faults:
    """The armed faults of one hub, checked on every call."""

    def __init__(self, seed: int, lock: threading.RLock | None = None) -> None:
        self._lock = lock if lock is not None else threading.RLock()
        self._random = seeded_random(seed, "faults")
        self._faults: list[Fault] = []
        self._next_id = 0

    def inject(
        self,
        action: str,
        *,
        kind: ErrorKind | UnsetType | None = UNSET,
        status: int | None = None,
        message: str | None = None,
        times: int | UnsetType | None = UNSET,
        probability: float | None = None,
        latency_secs: float | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
    ) -> Fault:
        """Arm a fault; see the module docstring. Invalid arguments raise ``InvalidError``.

        ``kind`` defaults to ``"Internal"``, or to no error when only ``latency_secs`` is given;
        ``times`` defaults to 1, or to unlimited with a ``probability``.
        """
        fields = {
            "action": action,
            "kind": kind,
            "status": status,
            "message": message,
            "times": times,
            "probability": probability,
            "latencySecs": latency_secs,
            "deviceId": device_id,
            "projectId": project_id,
        }
        payload = {key: value for key, value in fields.items() if value is not UNSET}
        return self.inject_request(decode_input(FaultRequest, payload, strict=True))

    def inject_json(self, payload: dict[str, Any]) -> Fault:
        return self.inject_request(decode_input(FaultRequest, payload, strict=True))

    def inject_request(self, request: FaultRequest) -> Fault:
        if request.action not in (EVERY_ACTION, COMMAND_ACTION) and request.action not in ACTIONS:
            raise InvalidError(MSG_FAULT_ACTION.format(action=request.action))
        kind: ErrorKind | None
        if isinstance(request.kind, UnsetType):
            kind = None if request.latency_secs is not None else "Internal"
        else:
            kind = request.kind
        if kind is None and request.latency_secs is None:
            raise InvalidError(MSG_FAULT_NOTHING)
        if request.status is not None:
            if kind is None:
                raise InvalidError(MSG_FAULT_STATUS_WITHOUT_KIND)
            allowed = ALLOWED_STATUSES[kind]
            if request.status not in allowed:
                raise InvalidError(
                    MSG_FAULT_STATUS.format(
                        kind=kind, allowed=" or ".join(map(str, allowed)), status=request.status
                    )
                )
        if isinstance(request.times, UnsetType):
            remaining = None if request.probability is not None else 1
        else:
            remaining = request.times
        with self._lock:
            self._next_id += 1
            fault = Fault(
                fault_id=self._next_id,
                action=request.action,
                kind=kind,
                status=request.status,
                message=request.message,
                remaining=remaining,
                probability=request.probability,
                latency_secs=request.latency_secs,
                device_id=request.device_id,
                project_id=request.project_id,
            )
            self._faults.append(fault)
        return fault

    def reset(self, seed: int) -> None:
        """Disarm everything and reseed, as a new hub's faults."""
        with self._lock:
            self._faults.clear()
            self._random = seeded_random(seed, "faults")
            self._next_id = 0

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def __len__(self) -> int:
        return len(self._faults)

    def to_json(self) -> dict[str, Any]:
        return {"faults": [fault.to_json() for fault in self.active()]}

    def draw(self, action: str, target: Target) -> Firing | None:
        """The fault that fires for this call, if any (consumes one of its ``times``)."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.action not in (action, EVERY_ACTION):
                    continue
                if fault.device_id is not None and target.device_id != fault.device_id:
                    continue
                if fault.project_id is not None and target.project_id != fault.project_id:
                    continue
                if fault.probability is not None and self._random.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return Firing(fault.error(action), fault.latency_secs or 0.0)
        return None
