"""One device's events, stored compactly: encoded records, decoded when queried.

Devices publish many small events; as Python objects each costs about 500 bytes, encoded
about 20. A record is its size and a msgpack array: the emission time as an offset from the
log's first event, the id, the sequence as an offset from the first event's, body, attributes
and then severity, receipt time (as distance from emission) and category, left out from the
end while they hold the usual values. An id stamped with its event's emission minute, as
devices make them, keeps only its random part (a str); any other id is kept whole (as bytes),
so the two forms cannot be confused.

A small log is one ``bytes``: a count, the two bases, then the records newest first, so an
event arriving in order goes in front and ``newest`` reads from the start. A duplicate is
found by looking for either form of its id where a record's id starts, confirmed by decoding
that record. From ``INDEX_FROM`` events on, records are appended to a buffer, with arrays of
their starts and emission offsets in event order and of id hashes, so publishing to and
checking a long history stays cheap.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import struct
import zlib
from array import array
from collections.abc import Iterator
from itertools import islice
from typing import Any, TypeAlias, get_args

import msgspec

from nexigon_fake.clock import (
    format_timestamp,
    from_micros,
    minute_stamp,
    parse_timestamp,
    to_micros,
)
from nexigon_fake.state.model import StoredEvent
from nexigon_fake.wire.devices import DeviceEvent, DeviceEventSeverity

Buffer: TypeAlias = bytes | bytearray

SEVERITIES: tuple[DeviceEventSeverity, ...] = get_args(DeviceEventSeverity)
SEVERITY_INDEX = {severity: index for index, severity in enumerate(SEVERITIES)}
ID_TAG = "d_ev"
RAW_LENGTH = 8  # the random part of a dated id
MINUTE_MICROS = 60_000_000
# From this many events on, a log keeps arrays of record starts, times and id hashes: walking
# the records to place an out-of-order event or confirm a duplicate would cost more.
INDEX_FROM = 64
# A small log's count and the bases its records' times and sequences are offsets from.
HEADER = struct.Struct(">Bqq")
# A payload is (emission offset, id, sequence offset, body, attributes, severity, receipt
# offset, category), the last three left out from the end while they hold the usual values.
SEVERITY_DEFAULT = SEVERITY_INDEX["Info"]
RECEIVED_DEFAULT = 0  # received in the microsecond the event was emitted (frozen clocks)
FIELD_DEFAULTS: tuple[Any, ...] = (*[None] * 5, SEVERITY_DEFAULT, RECEIVED_DEFAULT, None)
ARRAY_HEADER_BYTES = 1  # a payload has at most 15 fields: a msgpack fixarray
# msgpack's integer formats: lead byte -> (width, signed).
INT_FORMATS = {
    0xCC: (1, False),
    0xCD: (2, False),
    0xCE: (4, False),
    0xCF: (8, False),
    0xD0: (1, True),
    0xD1: (2, True),
    0xD2: (4, True),
    0xD3: (8, True),
}
ENCODER = msgspec.msgpack.Encoder()
HASH_SHIFT = 32  # an id key is the id's hash above its record's start
START_MASK = (1 << HASH_SHIFT) - 1


def _read_int(data: Buffer, at: int) -> tuple[int, int]:
    """The msgpack integer at ``at`` and where it ends: sizes and times are read this way
    without decoding the record they belong to."""
    lead = data[at]
    if lead < 0x80:
        return lead, at + 1
    if lead >= 0xE0:
        return lead - 0x100, at + 1
    width, signed = INT_FORMATS[lead]
    end = at + 1 + width
    return int.from_bytes(data[at + 1 : end], "big", signed=signed), end


def _time_code(micros: int) -> int:
    """A duration as an even number of milliseconds when whole (the usual precision, and
    shorter encoded), else an odd number of microseconds."""
    millis, rest = divmod(micros, 1000)
    return millis << 1 if rest == 0 else micros << 1 | 1


def _code_micros(code: int) -> int:
    return code >> 1 if code & 1 else (code >> 1) * 1000


def _id_hash(event_id: str) -> int:
    return zlib.crc32(event_id.encode())


@functools.lru_cache(maxsize=1024)
def _id_prefix(minute: int) -> str:
    """What an id made in this minute since the epoch starts with; cached by the minute, as
    events' emission times rarely repeat but their minutes do."""
    return f"{ID_TAG}_{minute_stamp(from_micros(minute * MINUTE_MICROS))}-"


def _stored_id(event_id: str, emitted: int) -> str | bytes:
    """The random part when the id is stamped with the emission minute, else the whole id."""
    prefix = _id_prefix(emitted // MINUTE_MICROS)
    if len(event_id) == len(prefix) + RAW_LENGTH and event_id.startswith(prefix):
        return event_id[len(prefix) :]
    return event_id.encode()


def _full_id(stored: str | bytes, emitted: int) -> str:
    if isinstance(stored, bytes):
        return stored.decode()
    return _id_prefix(emitted // MINUTE_MICROS) + stored


def _id_forms(event_id: str) -> tuple[bytes, bytes]:
    """The encodings a stored ``event_id`` can have: whole, or its random part."""
    encode = ENCODER.encode
    return encode(event_id.encode()), encode(event_id[-RAW_LENGTH:])


def _encode_record(
    event: DeviceEvent, emitted: int, received_at: dt.datetime | None, offset: int, sequence: int
) -> bytes:
    """Size and payload of one event (``offset`` and ``sequence`` are from the log's bases)."""
    severity = SEVERITY_INDEX[event.severity]
    received = None if received_at is None else _time_code(to_micros(received_at) - emitted)
    category = event.category
    if category is not None:
        optional: tuple[Any, ...] = (severity, received, category)
    elif received != RECEIVED_DEFAULT:
        optional = (severity, received)
    elif severity != SEVERITY_DEFAULT:
        optional = (severity,)
    else:
        optional = ()
    head = (_time_code(offset), _stored_id(event.event_id, emitted), sequence)
    try:
        payload = ENCODER.encode((*head, event.body, event.attributes, *optional))
    except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
        as_json = msgspec.json.encode((event.body, event.attributes))
        payload = ENCODER.encode((*head, as_json, None, *optional))
    return ENCODER.encode(len(payload)) + payload


def _record_at(data: Buffer, start: int) -> tuple[int, int, int, int]:
    """A record's emission offset in microseconds, where its payload and its id start, and
    where it ends."""
    size = data[start]  # usually a one-byte msgpack integer: read inline, as this is hot
    if size < 0x80:
        payload_at = start + 1
    else:
        size, payload_at = _read_int(data, start)
    code_at = payload_at + ARRAY_HEADER_BYTES
    code = data[code_at]
    if code < 0x80:
        id_at = code_at + 1
    else:
        code, id_at = _read_int(data, code_at)
    return _code_micros(code), payload_at, id_at, payload_at + size


def _offset_at(data: Buffer, start: int) -> int:
    return _record_at(data, start)[0]


def _id_at(data: Buffer, start: int, base_emitted: int) -> str:
    offset, payload_at, _, end = _record_at(data, start)
    stored = msgspec.msgpack.decode(data[payload_at:end])[1]
    return _full_id(stored, base_emitted + offset)


def _decode(data: Buffer, start: int, base_emitted: int, base_sequence: int) -> StoredEvent:
    offset, payload_at, _, end = _record_at(data, start)
    fields: list[Any] = msgspec.msgpack.decode(data[payload_at:end])
    _, stored_id, sequence_offset, body, attributes, severity, received, category = (
        *fields,
        *FIELD_DEFAULTS[len(fields) :],
    )
    if isinstance(body, bytes):  # JSON values are never bytes: this is the JSON fallback
        body, attributes = msgspec.json.decode(body)
    emitted = base_emitted + offset
    emitted_at = from_micros(emitted)
    event = DeviceEvent(
        event_id=_full_id(stored_id, emitted),
        category=category,
        severity=SEVERITIES[severity],
        body=body,
        attributes=attributes,
        emitted_at=format_timestamp(emitted_at),
        received_at=None
        if received is None
        else format_timestamp(from_micros(emitted + _code_micros(received))),
    )
    return StoredEvent(emitted_at=emitted_at, sequence=base_sequence + sequence_offset, event=event)


def _starts(data: Buffer, at: int) -> Iterator[int]:
    """Where each record from ``at`` on starts, in the order they lie."""
    end = len(data)
    while at < end:
        yield at
        size, after = _read_int(data, at)
        at = after + size


class EventLog:
    """Events ordered by emission time, ties in recording order; ids are unique."""

    __slots__ = ("_records",)

    def __init__(self) -> None:
        # A small log's bytes, records newest first (empty until the first event); or,
        # from INDEX_FROM events on, the indexed form.
        self._records: bytes | _IndexedLog = b""

    def __len__(self) -> int:
        records = self._records
        if isinstance(records, _IndexedLog):
            return len(records.order)
        return records[0] if records else 0

    def __contains__(self, event_id: str) -> bool:
        records = self._records
        if isinstance(records, _IndexedLog):
            return records.has(event_id)
        if event_id[-RAW_LENGTH:].encode() not in records:
            return False  # the usual answer: either form of the id would contain these bytes
        forms = _id_forms(event_id)
        _, base_emitted, _ = HEADER.unpack_from(records)
        for start in _starts(records, HEADER.size):
            at_id = records.startswith(forms, _record_at(records, start)[2])
            if at_id and _id_at(records, start, base_emitted) == event_id:
                return True
        return False

    def add(self, event: DeviceEvent, received_at: dt.datetime | None, sequence: int) -> None:
        """Store an event as received at ``received_at`` (``None`` only for restored events)."""
        emitted = to_micros(parse_timestamp(event.emitted_at))
        records = self._records
        if isinstance(records, _IndexedLog):
            records.add(event, emitted, received_at, sequence)
            return
        if not records:
            records = HEADER.pack(0, emitted, sequence)
        count, base_emitted, base_sequence = HEADER.unpack_from(records)
        offset = emitted - base_emitted
        record = _encode_record(event, emitted, received_at, offset, sequence - base_sequence)
        at = HEADER.size  # before the newest record not after this event (usually the newest)
        if at < len(records) and _offset_at(records, at) > offset:
            at = next(
                (start for start in _starts(records, at) if _offset_at(records, start) <= offset),
                len(records),
            )
        count += 1
        records = b"".join((bytes((count,)), records[1:at], record, records[at:]))
        self._records = _IndexedLog(records) if count >= INDEX_FROM else records

    def newest(self, limit: int) -> list[DeviceEvent]:
        """The last ``limit`` events in event order, newest first."""
        records = self._records
        if isinstance(records, _IndexedLog):
            return records.newest(limit)
        if not records or limit <= 0:
            return []
        _, base_emitted, base_sequence = HEADER.unpack_from(records)
        starts = islice(_starts(records, HEADER.size), limit)
        return [_decode(records, start, base_emitted, base_sequence).event for start in starts]

    def __iter__(self) -> Iterator[StoredEvent]:
        """Every event, oldest first."""
        records = self._records
        if isinstance(records, _IndexedLog):
            return iter(records)
        if not records:
            return iter(())
        _, base_emitted, base_sequence = HEADER.unpack_from(records)
        oldest_first = reversed(list(_starts(records, HEADER.size)))
        return (_decode(records, start, base_emitted, base_sequence) for start in oldest_first)


class _IndexedLog:
    """A long log: records appended as they come (after a small log's, kept as they were),
    their starts and emission offsets in event order and id keys (hash, start) sorted, so
    neither publishing nor a duplicate check walks the records."""

    __slots__ = ("base_emitted", "base_sequence", "buffer", "id_keys", "offsets", "order")

    def __init__(self, small_log: bytes) -> None:
        _, self.base_emitted, self.base_sequence = HEADER.unpack_from(small_log)
        self.buffer = bytearray(small_log)  # its count is no longer kept up to date
        oldest_first = list(_starts(small_log, HEADER.size))[::-1]
        self.order = array("I", oldest_first)  # record starts, in event order
        # Their emission offsets, so placing an event is a bisection in C.
        self.offsets = array("q", [_offset_at(small_log, start) for start in oldest_first])
        self.id_keys = array("Q", sorted(map(self._id_key, oldest_first)))

    def _id_key(self, start: int) -> int:
        event_id = _id_at(self.buffer, start, self.base_emitted)
        return _id_hash(event_id) << HASH_SHIFT | start

    def has(self, event_id: str) -> bool:
        """Only records whose id shares the hash are decoded (a hash may be shared)."""
        wanted = _id_hash(event_id)
        keys = self.id_keys
        index = bisect.bisect_left(keys, wanted << HASH_SHIFT)
        while index < len(keys) and keys[index] >> HASH_SHIFT == wanted:
            if _id_at(self.buffer, keys[index] & START_MASK, self.base_emitted) == event_id:
                return True
            index += 1
        return False

    def add(
        self, event: DeviceEvent, emitted: int, received_at: dt.datetime | None, sequence: int
    ) -> None:
        offset = emitted - self.base_emitted
        sequence_offset = sequence - self.base_sequence
        start = len(self.buffer)
        self.buffer += _encode_record(event, emitted, received_at, offset, sequence_offset)
        index = bisect.bisect_right(self.offsets, offset)  # after ties: recorded earlier
        self.offsets.insert(index, offset)
        self.order.insert(index, start)
        bisect.insort(self.id_keys, _id_hash(event.event_id) << HASH_SHIFT | start)

    def newest(self, limit: int) -> list[DeviceEvent]:
        order = self.order
        first = max(len(order) - limit, 0)
        return [self._decode(order[i]).event for i in range(len(order) - 1, first - 1, -1)]

    def __iter__(self) -> Iterator[StoredEvent]:
        return (self._decode(start) for start in self.order)

    def _decode(self, start: int) -> StoredEvent:
        return _decode(self.buffer, start, self.base_emitted, self.base_sequence)
