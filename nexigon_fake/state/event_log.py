"""One device's events, stored compactly: encoded records in one buffer, decoded when queried.

Devices publish many small events; as Python objects each costs about 500 bytes, encoded about
55. A record is an 8-byte sort key (the emission time), a 4-byte length and a msgpack payload
whose first field is the event id, which is what duplicate suppression searches for (past a
few dozen events, after a look in a sorted array of id hashes); the receipt time is kept as its
distance from the emission time, usually a few bytes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import zlib
from array import array
from collections.abc import Iterator
from typing import get_args

import msgspec

from nexigon_fake.clock import format_timestamp, from_micros, parse_timestamp, to_micros
from nexigon_fake.model import StoredEvent
from nexigon_fake.wire.devices import DeviceEvent, DeviceEventSeverity

KEY_BYTES = 8
LENGTH_BYTES = 4
HEADER_BYTES = KEY_BYTES + LENGTH_BYTES
SEVERITIES: tuple[DeviceEventSeverity, ...] = get_args(DeviceEventSeverity)
SEVERITY_INDEX = {severity: index for index, severity in enumerate(SEVERITIES)}
# The payload is a fixed-size msgpack array, so the id starts one byte into it.
ID_OFFSET = HEADER_BYTES + 1
KEY_BIAS = 1 << 63  # signed microseconds to an unsigned, byte-comparable key
# From this many events on, a sorted array of id hashes answers "not a duplicate" without
# searching the buffer, so publishing stays cheap on a device with a long history.
INDEX_FROM = 64


def _id_hash(event_id: str) -> int:
    return zlib.crc32(event_id.encode())


class EventLog:
    """Events ordered by emission time, ties in recording order; ids are unique."""

    __slots__ = ("_buffer", "_id_hashes", "_order")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._order = array("I")  # record starts, in event order
        self._id_hashes: array[int] | None = None  # sorted; made at INDEX_FROM events

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, event_id: str) -> bool:
        hashes = self._id_hashes
        if hashes is not None:
            wanted = _id_hash(event_id)
            index = bisect.bisect_left(hashes, wanted)
            if index == len(hashes) or hashes[index] != wanted:
                return False
        return self._search(event_id)  # a hash shared by another id is possible: check

    def _search(self, event_id: str) -> bool:
        needle = msgspec.msgpack.encode(event_id)
        buffer = self._buffer
        found = buffer.find(needle)
        while found >= 0:
            if found - ID_OFFSET in self._order:
                return True
            found = buffer.find(needle, found + 1)
        return False

    def add(self, event: DeviceEvent, received_at: dt.datetime | None, sequence: int) -> None:
        """Store an event as received at ``received_at`` (``None`` only for restored events)."""
        emitted = to_micros(parse_timestamp(event.emitted_at))
        fields = (
            event.event_id,
            event.category,
            SEVERITY_INDEX[event.severity],
            None if received_at is None else to_micros(received_at) - emitted,
            sequence,
            event.body,
            event.attributes,
        )
        try:
            payload = msgspec.msgpack.encode(fields)
        except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
            as_json = msgspec.json.encode((event.body, event.attributes))
            payload = msgspec.msgpack.encode((*fields[:5], as_json, None))
        start = len(self._buffer)
        self._buffer += (emitted + KEY_BIAS).to_bytes(KEY_BYTES, "big")
        self._buffer += len(payload).to_bytes(LENGTH_BYTES, "big")
        self._buffer += payload
        bisect.insort_right(self._order, start, key=self._key)
        if self._id_hashes is not None:
            bisect.insort(self._id_hashes, _id_hash(event.event_id))
        elif len(self._order) >= INDEX_FROM:
            ids = (stored.event.event_id for stored in self)
            self._id_hashes = array("I", sorted(_id_hash(event_id) for event_id in ids))

    def newest(self, limit: int) -> list[DeviceEvent]:
        """The last ``limit`` events in event order, newest first."""
        order = self._order
        first = max(len(order) - limit, 0)
        return [self._decode(order[i]).event for i in range(len(order) - 1, first - 1, -1)]

    def __iter__(self) -> Iterator[StoredEvent]:
        """Every event, oldest first."""
        return (self._decode(start) for start in self._order)

    def _key(self, start: int) -> bytes:
        return bytes(self._buffer[start : start + KEY_BYTES])

    def _decode(self, start: int) -> StoredEvent:
        buffer = self._buffer
        emitted = int.from_bytes(buffer[start : start + KEY_BYTES], "big") - KEY_BIAS
        length = int.from_bytes(buffer[start + KEY_BYTES : start + HEADER_BYTES], "big")
        payload = memoryview(buffer)[start + HEADER_BYTES : start + HEADER_BYTES + length]
        event_id, category, severity, received, sequence, body, attributes = msgspec.msgpack.decode(
            payload
        )
        if isinstance(body, bytes):  # JSON values are never bytes: this is the JSON fallback
            body, attributes = msgspec.json.decode(body)
        emitted_at = from_micros(emitted)
        event = DeviceEvent(
            event_id=event_id,
            category=category,
            severity=SEVERITIES[severity],
            body=body,
            attributes=attributes,
            emitted_at=format_timestamp(emitted_at),
            received_at=None
            if received is None
            else format_timestamp(from_micros(emitted + received)),
        )
        return StoredEvent(emitted_at=emitted_at, sequence=sequence, event=event)
