"""The journal: every invocation a hub answered, for tests to assert on what their code called.

Entries keep the raw JSON of input and output and decode it only when read, so recording costs
a call next to nothing. The journal is bounded: past its cap the oldest entries are dropped
(and counted), so a long-running server cannot grow without limit.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from nexigon_fake.clock import format_timestamp
from nexigon_fake.wire.actor import Actor

DEFAULT_JOURNAL_CAP = 10_000

_MISSING = object()


def camel_case(name: str) -> str:
    """``device_id`` -> ``deviceId``; camelCase names pass through unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(slots=True)
class JournalEntry:
    """One invocation: what was asked, by whom, and what the hub answered."""

    sequence: int
    time: dt.datetime
    action: str
    actor: Actor | None
    input_json: bytes
    status: int
    output_json: bytes
    fault_injected: bool = False
    _input: Any = field(default=_MISSING, repr=False)
    _output: Any = field(default=_MISSING, repr=False)

    @property
    def input(self) -> Any:
        """The request body as JSON data (``None`` when it was not valid JSON)."""
        if self._input is _MISSING:
            try:
                self._input = msgspec.json.decode(self.input_json)
            except msgspec.DecodeError:
                self._input = None
        return self._input

    @property
    def output(self) -> Any:
        """The answer as JSON data: the action's output, or ``{"kind", "message"}``."""
        if self._output is _MISSING:
            self._output = msgspec.json.decode(self.output_json)
        return self._output

    @property
    def ok(self) -> bool:
        return self.status == 200

    def matches(self, where: Mapping[str, Any]) -> bool:
        """True when every ``where`` field (snake_case or camelCase) equals the input's."""
        data = self.input
        if not isinstance(data, dict):
            return not where
        for name, expected in where.items():
            key = name if name in data else camel_case(name)
            if data.get(key, _MISSING) != expected:
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "time": format_timestamp(self.time),
            "action": self.action,
            "actor": msgspec.to_builtins(self.actor),
            "input": self.input,
            "status": self.status,
            "output": self.output,
            "faultInjected": self.fault_injected,
        }


class Journal:
    """The last ``cap`` invocations of one hub, oldest first."""

    def __init__(self, cap: int = DEFAULT_JOURNAL_CAP, lock: threading.RLock | None = None):
        if cap < 0:
            raise ValueError("the journal cap must be zero or positive")
        self.cap = cap
        self._lock = lock if lock is not None else threading.RLock()
        self._entries: deque[JournalEntry] = deque(maxlen=cap)
        self._sequence = 0
        self.dropped = 0

    def record(
        self,
        time: dt.datetime,
        action: str,
        actor: Actor | None,
        input_json: bytes,
        status: int,
        output_json: bytes,
        fault_injected: bool = False,
    ) -> None:
        with self._lock:
            self._sequence += 1
            if self.cap == 0:
                self.dropped += 1
                return
            if len(self._entries) == self.cap:
                self.dropped += 1
            self._entries.append(
                JournalEntry(
                    self._sequence,
                    time,
                    action,
                    actor,
                    input_json,
                    status,
                    output_json,
                    fault_injected,
                )
            )

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep counting)."""
        with self._lock:
            self._entries.clear()
            self.dropped = 0

    def reset(self) -> None:
        """Empty, as a new hub's journal (sequence numbers start again at 1)."""
        with self._lock:
            self._entries.clear()
            self._sequence = 0
            self.dropped = 0

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())

    def __getitem__(self, index: int) -> JournalEntry:
        with self._lock:
            return self._entries[index]

    def calls(
        self,
        action: str | None = None,
        *,
        where: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> list[JournalEntry]:
        """The entries for ``action`` (every action when ``None``) that match the filters."""
        return [
            entry
            for entry in self.entries()
            if (action is None or entry.action == action)
            and (status is None or entry.status == status)
            and (where is None or entry.matches(where))
        ]

    def assert_called(
        self,
        action: str,
        *,
        times: int | None = None,
        where: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> list[JournalEntry]:
        """Fail unless ``action`` was called (exactly ``times`` times, when given)."""
        found = self.calls(action, where=where, status=status)
        if (times is None and not found) or (times is not None and len(found) != times):
            expected = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(
                f"expected `{action}`{_describe(where, status)} to be called {expected}, "
                f"it was called {len(found)} time(s).\n{self._summary()}"
            )
        return found

    def assert_not_called(
        self,
        action: str,
        *,
        where: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        """Fail if ``action`` was called (with matching input and status, when given)."""
        found = self.calls(action, where=where, status=status)
        if found:
            raise AssertionError(
                f"expected `{action}`{_describe(where, status)} not to be called, "
                f"it was called {len(found)} time(s).\n{self._summary()}"
            )

    def _summary(self) -> str:
        entries = self.entries()
        if not entries:
            return "The journal is empty."
        lines = [f"The journal holds {len(entries)} call(s):"]
        for entry in entries[-20:]:
            body = entry.input_json.decode("utf-8", "replace")
            if len(body) > 120:
                body = body[:117] + "..."
            lines.append(f"  #{entry.sequence} {entry.action} -> {entry.status} {body}")
        if len(entries) > 20:
            lines.insert(1, f"  ... {len(entries) - 20} earlier call(s) not shown")
        return "\n".join(lines)

    def to_json(self, action: str | None = None) -> dict[str, Any]:
        return {
            "cap": self.cap,
            "dropped": self.dropped,
            "entries": [entry.to_json() for entry in self.calls(action)],
        }


def _describe(where: Mapping[str, Any] | None, status: int | None) -> str:
    parts = []
    if where:
        parts.append(f"with {dict(where)!r}")
    if status is not None:
        parts.append(f"answering {status}")
    return (" " + " and ".join(parts)) if parts else ""
