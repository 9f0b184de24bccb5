"""The journal: every invocation a hub answered, for tests to assert on what their code called.

Entries keep the raw JSON of input and output and decode it only when read, so recording costs
a call next to nothing. The journal is bounded twice: past its entry cap or its byte budget the
oldest entries are dropped (and counted), and a body over ``body_limit`` bytes is kept as a
prefix with its size and SHA-256, so a long-running server cannot grow without limit whatever
it is sent. A body that cannot be decoded (cut, not JSON, nested too deep) reads back as a
marked raw value (``raw_value``), never an exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from nexigon_fake.clock import format_timestamp
from nexigon_fake.toolkit.action_names import camel_case as camel_case
from nexigon_fake.toolkit.action_names import check_action, check_where, known_actions
from nexigon_fake.wire.actor import Actor

DEFAULT_JOURNAL_CAP = 10_000
DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024  # what the kept bodies (and entries) may take in all
DEFAULT_BODY_LIMIT = 256 * 1024  # bodies up to this size are kept whole
KEPT_PREFIX_BYTES = 4 * 1024  # of a bigger body, only this much is kept
ENTRY_OVERHEAD_BYTES = 256  # what an entry costs besides its bodies, for the budget
RAW_MARKER = "$raw"

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Cut:
    """What is known of a body kept only in part: its whole size and digest."""

    size: int
    sha256: str


def raw_value(body: bytes, reason: str, cut: Cut | None = None) -> dict[str, Any]:
    """A body that does not decode, as JSON data a test can still look at."""
    return {
        RAW_MARKER: body.decode("utf-8", "replace"),
        "size": len(body) if cut is None else cut.size,
        "sha256": hashlib.sha256(body).hexdigest() if cut is None else cut.sha256,
        "truncated": cut is not None,
        "reason": reason,
    }


def is_raw_value(value: Any) -> bool:
    return isinstance(value, dict) and RAW_MARKER in value and "reason" in value


def _decode(body: bytes, cut: Cut | None) -> Any:
    if cut is not None:
        return raw_value(body, f"only the first {len(body)} of {cut.size} bytes were kept", cut)
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as error:
        return raw_value(body, f"not JSON: {error}")
    except Exception as error:  # e.g. RecursionError: nested too deep to read back
        return raw_value(body, f"cannot be decoded: {type(error).__name__}: {error}")


def _keep(body: bytes, limit: int) -> tuple[bytes, Cut | None]:
    """``body`` as the journal keeps it: whole up to ``limit``, else a prefix and a digest."""
    if len(body) <= limit:
        return body, None
    return body[:KEPT_PREFIX_BYTES], Cut(len(body), hashlib.sha256(body).hexdigest())


def input_matches(data: Any, where: Mapping[str, Any]) -> bool:
    """True when every ``where`` field (snake_case or camelCase) equals the input's."""
    if not isinstance(data, dict) or is_raw_value(data):
        return not where
    for name, expected in where.items():
        key = name if name in data else camel_case(name)
        if data.get(key, _MISSING) != expected:
            return False
    return True


@dataclass(slots=True)
class JournalEntry:
    """One invocation: what was asked, by whom, and what the hub answered.

    ``sequence`` numbers entries from 1 per hub (it keeps counting past dropped entries);
    ``time`` is the hub clock when the call started; ``action`` the name called (also an
    unknown one, refused, and ``devices_InvokeCommand`` for device commands); ``actor`` who
    called (``None`` when refused before authentication); ``status`` the HTTP status
    answered; ``fault_injected`` whether a fault fired on it. ``input`` and ``output`` are the
    bodies as JSON data, decoded on each read from ``input_json`` and ``output_json`` (the
    bytes kept; ``input_cut``/``output_cut`` say what was cut off a body too big to keep
    whole). ``ok`` is ``status == 200``.
    """

    sequence: int
    time: dt.datetime
    action: str
    actor: Actor | None
    input_json: bytes
    status: int
    output_json: bytes
    fault_injected: bool = False
    input_cut: Cut | None = None
    output_cut: Cut | None = None

    # Decoded on every read, never cached: decoded JSON takes several times the memory of its
    # bytes, and the byte budget could not bound a journal whose entries had all been read.
    @property
    def input(self) -> Any:
        """The request body as JSON data, or a marked raw value (``raw_value``) when it was
        not JSON, nested too deep, or too big to keep whole."""
        return _decode(self.input_json, self.input_cut)

    @property
    def output(self) -> Any:
        """The answer as JSON data: the action's output, or ``{"kind", "message"}``."""
        return _decode(self.output_json, self.output_cut)

    @property
    def kept_bytes(self) -> int:
        """What this entry counts against the journal's byte budget."""
        return len(self.input_json) + len(self.output_json) + ENTRY_OVERHEAD_BYTES

    @property
    def ok(self) -> bool:
        return self.status == 200

    def matches(self, where: Mapping[str, Any]) -> bool:
        """True when every ``where`` field (snake_case or camelCase) equals the input's."""
        return input_matches(self.input, where)

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
    """The last ``cap`` invocations of one hub that fit in ``budget`` bytes, oldest first."""

    def __init__(
        self,
        cap: int = DEFAULT_JOURNAL_CAP,
        lock: threading.RLock | None = None,
        budget: int = DEFAULT_JOURNAL_BYTES,
        body_limit: int = DEFAULT_BODY_LIMIT,
    ):
        if cap < 0:
            raise ValueError("the journal cap must be zero or positive")
        if budget < 0 or body_limit < 0:
            raise ValueError("the journal's byte budget and body limit must be zero or positive")
        self.cap = cap
        self.budget = budget
        self.body_limit = body_limit
        self._lock = lock if lock is not None else threading.RLock()
        self._entries: deque[JournalEntry] = deque(maxlen=cap)
        self._sequence = 0
        self.dropped = 0
        self.kept_bytes = 0  # what the entries count against the budget

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
        input_kept, input_cut = _keep(input_json, self.body_limit)
        output_kept, output_cut = _keep(output_json, self.body_limit)
        with self._lock:
            self._sequence += 1
            entry = JournalEntry(
                self._sequence,
                time,
                action,
                actor,
                input_kept,
                status,
                output_kept,
                fault_injected,
                input_cut,
                output_cut,
            )
            entries = self._entries
            if self.cap == 0 or entry.kept_bytes > self.budget:
                self.dropped += 1
                return
            if len(entries) == self.cap:
                self._drop_oldest()
            while entries and self.kept_bytes + entry.kept_bytes > self.budget:
                self._drop_oldest()
            entries.append(entry)
            self.kept_bytes += entry.kept_bytes

    def _drop_oldest(self) -> None:
        self.kept_bytes -= self._entries.popleft().kept_bytes
        self.dropped += 1

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep counting)."""
        with self._lock:
            self._entries.clear()
            self.dropped = 0
            self.kept_bytes = 0

    def reset(self) -> None:
        """Empty, as a new hub's journal (sequence numbers start again at 1)."""
        with self._lock:
            self._entries.clear()
            self._sequence = 0
            self.dropped = 0
            self.kept_bytes = 0

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
        """The entries for ``action`` (every action when ``None``) that match the filters.

        An action name that is neither an action nor journaled, or a ``where`` field its input
        does not have, is ``InvalidError``: a typo would otherwise match nothing, and
        ``assert_not_called`` would pass. (Calls to unknown actions are journaled, refused.)"""
        entries = self.entries()
        if action is None or action in known_actions():
            check_where(action, where)
        elif not any(entry.action == action for entry in entries):
            check_action(action)
        return [
            entry
            for entry in entries
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

    def to_json(
        self, action: str | None = None, entries: Iterable[JournalEntry] | None = None
    ) -> dict[str, Any]:
        """The journal as JSON data: the calls of ``action``, or ``entries`` when given."""
        chosen = self.calls(action) if entries is None else entries
        return {
            "cap": self.cap,
            "budgetBytes": self.budget,
            "keptBytes": self.kept_bytes,
            "dropped": self.dropped,
            "entries": [entry.to_json() for entry in chosen],
        }


def _describe(where: Mapping[str, Any] | None, status: int | None) -> str:
    parts = []
    if where:
        parts.append(f"with {dict(where)!r}")
    if status is not None:
        parts.append(f"answering {status}")
    return (" " + " and ".join(parts)) if parts else ""
