"""One device's events: msgspec rows, encoded, in event order (emission time, then recording).

Devices publish many small events, and as Python objects each costs about 500 bytes; a row
about 30. A short log is one ``bytes`` holding the list of its rows, re-encoded whole on a
change, which is cheap at that size. From ``LONG_FROM`` events on, each row is its own
``bytes`` with the emission times alongside and a set of the ids, so publishing to (and
checking an id against) a long history costs about what it costs with a short one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import get_args

import msgspec

from nexigon_fake.clock import format_timestamp, from_micros, parse_timestamp, to_micros
from nexigon_fake.state.storage.values import ENCODER, pack, unpack
from nexigon_fake.wire.devices import DeviceEvent, DeviceEventSeverity

LONG_FROM = 32
SEVERITIES: tuple[DeviceEventSeverity, ...] = get_args(DeviceEventSeverity)
SEVERITY_NUMBERS = {severity: number for number, severity in enumerate(SEVERITIES)}


@dataclass(slots=True)
class StoredEvent:
    """A published event, with the key it is ordered by (emitted, then recorded)."""

    emitted_at: dt.datetime
    sequence: int
    event: DeviceEvent


class EventRow(msgspec.Struct, array_like=True, omit_defaults=True, gc=False):
    """An event as stored: times in microseconds, the receipt as a distance from emission
    (0 on a frozen clock), the severity by its number in ``SEVERITIES``, and the id without
    the prefix (tag and minute stamp) it shares with the log's first event, unless
    ``whole_id``."""

    emitted: int
    sequence: int
    event_id: str
    body: msgspec.Raw
    attributes: msgspec.Raw
    severity: int = SEVERITY_NUMBERS["Info"]
    received: int | None = 0  # None: restored without a receipt time
    category: str | None = None
    whole_id: bool = False


class _Emitted(msgspec.Struct, array_like=True, gc=False):
    """A row's first field, all that placing an event among the others needs."""

    emitted: int


_ROW = msgspec.msgpack.Decoder(EventRow)
_ROWS = msgspec.msgpack.Decoder(list[EventRow])
_RAW_ROWS = msgspec.msgpack.Decoder(list[msgspec.Raw])  # a short log's rows, undecoded
_EMITTED = msgspec.msgpack.Decoder(_Emitted)


def _id_prefix(event_id: str) -> str:
    """Up to the last ``-``: ``d_ev_20260504-0700-`` for the ids devices make; interned, as
    a fleet's devices mostly share it."""
    return sys.intern(event_id[: event_id.rfind("-") + 1])


def _short(rows: bytes) -> list[EventRow]:
    return _ROWS.decode(rows) if rows else []


class EventLog:
    """Events ordered by emission time, ties in recording order; ids are unique (the caller
    checks ``in`` before ``add``)."""

    __slots__ = ("_id_prefix", "_rows")

    def __init__(self) -> None:
        self._id_prefix = ""  # the first event's, shared by the ids stored without it
        self._rows: bytes | _LongLog = b""  # a short log's encoded list of rows

    def __len__(self) -> int:
        rows = self._rows
        if isinstance(rows, _LongLog):
            return len(rows.rows)
        return len(_RAW_ROWS.decode(rows)) if rows else 0

    def __contains__(self, event_id: str) -> bool:
        rows = self._rows
        if isinstance(rows, _LongLog):
            return event_id in rows.ids
        stored, whole = self._stored_id(event_id)
        if stored.encode() not in rows:
            return False  # the usual answer: msgpack keeps a string's UTF-8 bytes as they are
        return any(row.event_id == stored and row.whole_id == whole for row in _short(rows))

    def add(self, event: DeviceEvent, received_at: dt.datetime | None, sequence: int) -> None:
        """Store an event as received at ``received_at`` (``None`` only for restored events)."""
        if not self._rows:
            self._id_prefix = _id_prefix(event.event_id)
        emitted = to_micros(parse_timestamp(event.emitted_at))
        stored, whole = self._stored_id(event.event_id)
        row = EventRow(
            emitted=emitted,
            sequence=sequence,
            event_id=stored,
            body=pack(event.body),
            attributes=pack(event.attributes),
            severity=SEVERITY_NUMBERS[event.severity],
            received=None if received_at is None else to_micros(received_at) - emitted,
            category=event.category,
            whole_id=whole,
        )
        rows = self._rows
        if isinstance(rows, _LongLog):
            rows.add(row, event.event_id)
            return
        # Only the rows' times are decoded, newest first, usually just the last one's.
        short = _RAW_ROWS.decode(rows) if rows else []
        at = len(short)
        while at and _EMITTED.decode(short[at - 1]).emitted > emitted:  # ties: recorded earlier
            at -= 1
        short.insert(at, msgspec.Raw(ENCODER.encode(row)))
        if len(short) < LONG_FROM:
            self._rows = ENCODER.encode(short)
        else:
            decoded = [_ROW.decode(each) for each in short]
            self._rows = _LongLog(decoded, [self._event_id(each) for each in decoded])

    def newest(self, limit: int) -> list[DeviceEvent]:
        """The last ``limit`` events in event order, newest first."""
        if limit <= 0:
            return []
        rows = self._rows
        if isinstance(rows, _LongLog):
            newest = (_ROW.decode(row) for row in rows.rows[: -limit - 1 : -1])
            return [self._event(row) for row in newest]
        return [self._event(row) for row in _short(rows)[: -limit - 1 : -1]]

    def __iter__(self) -> Iterator[StoredEvent]:
        """Every event, oldest first."""
        rows = self._rows
        decoded = map(_ROW.decode, rows.rows) if isinstance(rows, _LongLog) else _short(rows)
        for row in decoded:
            yield StoredEvent(
                emitted_at=from_micros(row.emitted), sequence=row.sequence, event=self._event(row)
            )

    def _stored_id(self, event_id: str) -> tuple[str, bool]:
        """The id as a row keeps it, and whether whole."""
        prefix = self._id_prefix
        if event_id.startswith(prefix):
            return event_id[len(prefix) :], False
        return event_id, True

    def _event_id(self, row: EventRow) -> str:
        return row.event_id if row.whole_id else self._id_prefix + row.event_id

    def _event(self, row: EventRow) -> DeviceEvent:
        received = row.received
        return DeviceEvent(
            event_id=self._event_id(row),
            category=row.category,
            severity=SEVERITIES[row.severity],
            body=unpack(row.body),
            attributes=unpack(row.attributes),
            emitted_at=format_timestamp(from_micros(row.emitted)),
            received_at=None
            if received is None
            else format_timestamp(from_micros(row.emitted + received)),
        )


class _LongLog:
    """A long log: each row encoded on its own, their emission times in event order (so an
    event finds its place by bisection) and the set of ids (so a duplicate is a set lookup)."""

    __slots__ = ("emitted", "ids", "rows")

    def __init__(self, rows: list[EventRow], event_ids: list[str]) -> None:
        self.rows = [ENCODER.encode(row) for row in rows]
        self.emitted = array("q", [row.emitted for row in rows])
        self.ids = set(event_ids)

    def add(self, row: EventRow, event_id: str) -> None:
        at = bisect.bisect_right(self.emitted, row.emitted)  # after ties: recorded earlier
        self.emitted.insert(at, row.emitted)
        self.rows.insert(at, ENCODER.encode(row))
        self.ids.add(event_id)
