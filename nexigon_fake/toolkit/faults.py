"""Fault injection: make chosen calls fail, or answer late, so tests can exercise error paths.

A fault names an action (or ``*``), optionally a device or project, and what happens: an
``ActionError`` of a kind (its status as in SEMANTICS.md D1), an answer of its own (any
``status`` from 400 to 599, a JSON ``body``, ``headers`` such as ``Retry-After``), a delay
before the answer, or a failure and a delay. It fires on the next ``times`` matching calls, or
on each with a ``probability`` drawn from a generator seeded by the hub's seed, so runs repeat
exactly. At most ``MAX_FAULTS`` are armed at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from msgspec import UNSET, UnsetType

from nexigon_fake.errors import (
    MSG_FAULT_ACTION,
    MSG_FAULT_HEADERS_WITHOUT_ERROR,
    MSG_FAULTS_FULL,
    MSG_INJECTED_FAULT,
    MSG_INJECTED_RESPONSE,
    MSG_UNFIRED,
    ActionError,
    ErrorKind,
    ForbiddenError,
    InjectedResponseError,
    InternalError,
    InvalidError,
    RateLimitedError,
)
from nexigon_fake.ids import seeded_random
from nexigon_fake.state.target import Target
from nexigon_fake.toolkit.action_names import (
    COMMAND_ACTION,
    EVERY_ACTION,
    did_you_mean,
    known_actions,
)
from nexigon_fake.toolkit.fault_requests import (
    FaultRequest,
    checked_body,
    checked_headers,
    kind_and_status,
)
from nexigon_fake.wire.decoding import decode_input

__all__ = ["COMMAND_ACTION", "EVERY_ACTION", "Fault", "FaultRequest", "Faults", "Firing"]

MAX_FAULTS = 1_000  # armed at once: memory stays bounded whatever a client arms

ERROR_TYPES: dict[str, type[ActionError]] = {
    "Invalid": InvalidError,
    "Forbidden": ForbiddenError,
    "RateLimited": RateLimitedError,
    "Internal": InternalError,
}


@dataclass(slots=True)
class Fault:
    """An armed fault and how often it has fired.

    ``fault_id`` numbers faults from 1 per hub; ``action`` is an action name, ``*`` (every
    action) or ``devices_InvokeCommand``. A call fails with the D1 error of ``kind``
    (``status``: one of the kind's statuses, ``None`` for its default), or, with no ``kind``
    and a ``status``, with the fault's own answer: that status, ``body`` (JSON data; when
    ``UNSET`` an ``Internal`` D1 body) and ``headers``. ``message`` replaces the default error
    message; ``latency_secs`` holds the answer back. ``times`` is how many calls it was armed
    for, ``remaining`` how many are left (``None``: unlimited), ``probability`` the chance it
    fires on a matching call; ``device_id`` and ``project_id`` narrow the calls it hits.
    ``fired`` counts the calls it failed or delayed.
    """

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
    times: int | None = None
    body: Any = UNSET
    headers: dict[str, str] = field(default_factory=dict)

    def error(self, action: str) -> ActionError | None:
        if self.kind is None and self.status is not None:
            message = self.message or MSG_INJECTED_RESPONSE.format(
                action=action, status=self.status
            )
            body = {"kind": "Internal", "message": message} if self.body is UNSET else self.body
            return InjectedResponseError(
                message, status=self.status, body=body, headers=self.headers
            )
        if self.kind is None:
            return None
        message = self.message or MSG_INJECTED_FAULT.format(action=action, kind=self.kind)
        error = ERROR_TYPES[self.kind](message, status=self.status)
        error.headers = dict(self.headers)
        return error

    def describe(self) -> str:
        scope = "".join(
            f" {name} {value}"
            for name, value in (("device", self.device_id), ("project", self.project_id))
            if value is not None
        )
        if self.kind is not None:
            effect = f"{self.kind} {self.status or ERROR_TYPES[self.kind].default_status}"
        elif self.status is not None:
            effect = f"answer {self.status}"
        else:
            effect = "no error"
        if self.latency_secs:
            effect += f" after {self.latency_secs:g}s"
        counted = "" if self.times is None else f" of {self.times}"
        return (
            f"fault #{self.fault_id} on `{self.action}`{scope}: {effect} "
            f"(fired {self.fired}{counted} time(s))"
        )

    def to_json(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.body is not UNSET:
            extra["body"] = self.body
        if self.headers:
            extra["headers"] = self.headers
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
            **extra,
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
        self._by_action: dict[str, list[Fault]] = {}  # so other actions' faults cost nothing
        self._next_id = 0

    def inject(
        self,
        action: str,
        *,
        kind: ErrorKind | UnsetType | None = UNSET,
        status: int | None = None,
        body: Any = UNSET,
        headers: dict[str, str] | None = None,
        message: str | None = None,
        times: int | UnsetType | None = UNSET,
        probability: float | None = None,
        latency_secs: float | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
    ) -> Fault:
        """Arm a fault; see the module docstring. Invalid arguments raise ``InvalidError``.

        ``kind`` defaults to ``"Internal"``, or to no error when only ``latency_secs`` is given,
        or to the kind whose D1 status ``status`` is; any other status (say 503) answers the
        fault's own ``body`` and ``headers``, raised in-process as ``InjectedResponseError``.
        ``times`` defaults to 1, or to unlimited with a ``probability``.
        """
        fields = {
            "action": action,
            "kind": kind,
            "status": status,
            "body": body,
            "headers": headers,
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
        if request.action not in known_actions(every=True):
            hint = did_you_mean(request.action, known_actions())
            raise InvalidError(MSG_FAULT_ACTION.format(action=request.action, hint=hint))
        kind, status = kind_and_status(request)
        headers = checked_headers(request.headers or {})
        if headers and kind is None and status is None:
            raise InvalidError(MSG_FAULT_HEADERS_WITHOUT_ERROR)
        body = checked_body(request.body)
        if isinstance(request.times, UnsetType):
            remaining = None if request.probability is not None else 1
        else:
            remaining = request.times
        with self._lock:
            if len(self._faults) >= MAX_FAULTS:
                raise InvalidError(MSG_FAULTS_FULL.format(limit=MAX_FAULTS))
            self._next_id += 1
            fault = Fault(
                fault_id=self._next_id,
                action=request.action,
                kind=kind,
                status=status,
                message=request.message,
                remaining=remaining,
                probability=request.probability,
                latency_secs=request.latency_secs,
                device_id=request.device_id,
                project_id=request.project_id,
                times=remaining,
                body=body,
                headers=headers,
            )
            self._faults.append(fault)
            self._by_action.setdefault(fault.action, []).append(fault)
        return fault

    def reset(self, seed: int) -> None:
        """Disarm everything and reseed, as a new hub's faults."""
        with self._lock:
            self._faults.clear()
            self._by_action.clear()
            self._random = seeded_random(seed, "faults")
            self._next_id = 0

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._by_action.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def __len__(self) -> int:
        return len(self._faults)

    def to_json(self) -> dict[str, Any]:
        return {"faults": [fault.to_json() for fault in self.active()]}

    def unfired(self) -> list[Fault]:
        """Armed faults that have not fired as armed: fewer than their ``times``, or never."""
        with self._lock:
            return [f for f in self._faults if f.remaining is not None or not f.fired]

    def assert_all_fired(self) -> None:
        """Fail (``AssertionError``) naming each armed fault that has not fired as armed: one
        with ``times`` left, or one without a count (a ``probability``) that never fired."""
        unfired = self.unfired()
        if unfired:
            lines = "\n".join(f"  {fault.describe()}" for fault in unfired)
            raise AssertionError(
                MSG_UNFIRED.format(count=len(unfired), what="fault(s)", lines=lines)
            )

    def draw(self, action: str, target: Target) -> Firing | None:
        """The fault that fires for this call, if any (consumes one of its ``times``)."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._aimed_at(action):
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
                        self._disarm(fault)
                return Firing(fault.error(action), fault.latency_secs or 0.0)
        return None

    def _aimed_at(self, action: str) -> list[Fault]:
        """The faults that may hit a call of ``action``, in the order they were armed."""
        specific = self._by_action.get(action, [])
        every = self._by_action.get(EVERY_ACTION, [])
        if not every or not specific:
            return specific or every
        return sorted([*specific, *every], key=lambda fault: fault.fault_id)

    def _disarm(self, fault: Fault) -> None:
        self._faults.remove(fault)
        aimed = self._by_action[fault.action]
        aimed.remove(fault)
        if not aimed:
            del self._by_action[fault.action]
