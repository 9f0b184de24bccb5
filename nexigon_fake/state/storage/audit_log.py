"""The audit log, stored compactly: each event one short record, decoded when queried.

Every change writes audit events, so over a large fleet they outnumber everything else. As
Python objects each costs about 500 bytes; here about 38, and 4 more for its offset. A record is

    varint device step | varint project step | msgpack fields

with event names, data keys, ids and repeated data values interned, dated ids kept as their
random part packed into six bytes, and times as offsets from the first record. The steps
chain each record to the previous one of its device and of its project, so the per-device
and per-project indexes cost a byte a record instead of an array and a dict entry per device.
"""

from __future__ import annotations

import binascii
import datetime as dt
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec

from nexigon_fake.clock import EPOCH, from_micros, minute_stamp, to_micros
from nexigon_fake.state.model import AuditRecord
from nexigon_fake.wire.actor import Actor

EVENT_TAG = "audit_ev"
ACTION_TAG = "audit_act"
RAW_LENGTH = 8  # characters in the random part of a dated id
PACKED_LENGTH = 6  # bytes they pack into, six bits each (base64, of which base58 is a part)

# Stored fields: event id, actor, event, data, time, action id, project, device; then the
# organization and repository, left out when both are empty (as for every device event).
SHORT_FIELD_COUNT = 8
WIDE_FROM = 0xFFFF_FFFF  # offsets and positions from here on need 8-byte array items

# A data entry is a code, key index * DATA_KINDS + kind, followed by a value for the first two
# kinds; for an own id the kind alone says which one, so the entry is one small integer.
DATA_KINDS = 6
LITERAL = 0  # the value itself follows
INTERNED = 1  # its index in the value table follows
OWN_ID = 2  # kinds 2..5: the record's project, device, organization or repository id
MIN_INTERNED_LENGTH = 6  # from here on a reference (at most 5 bytes) is shorter than the text
RECENT_LIMIT = 256  # data strings remembered while waiting to be seen a second time

_ONE_BYTE_VARINTS = [bytes((number,)) for number in range(0x80)]
_NO_POSITIONS: Sequence[int] = ()
_decode_fields = msgspec.msgpack.Decoder(list[Any]).decode
_encode_fields = msgspec.msgpack.Encoder().encode


def _varint(number: int) -> bytes:
    """Seven bits a byte, low first: a step to a nearby record takes one byte."""
    if number < 0x80:
        return _ONE_BYTE_VARINTS[number]
    encoded = bytearray()
    while number >= 0x80:
        encoded.append(number & 0x7F | 0x80)
        number >>= 7
    encoded.append(number)
    return bytes(encoded)


def _read_varint(buffer: bytearray, offset: int) -> tuple[int, int]:
    """The number at ``offset`` and the offset just after it."""
    byte = buffer[offset]
    number = byte & 0x7F
    shift = 7
    while byte >= 0x80:
        offset += 1
        byte = buffer[offset]
        number |= (byte & 0x7F) << shift
        shift += 7
    return number, offset + 1


def _skip_varint(buffer: bytearray, offset: int) -> int:
    """The offset just after the number at ``offset``."""
    while buffer[offset] >= 0x80:
        offset += 1
    return offset + 1


def _compact_id(prefix: str, full: str) -> bytes | str:
    """The random part, packed, when ``full`` is ``prefix`` and a random part: the dated id
    the hub makes at the record's time. Any other id stays a string, so none is mistaken."""
    if len(full) != len(prefix) + RAW_LENGTH or not full.startswith(prefix):
        return full
    try:  # strict: anything but base64 characters fails; padding gives fewer bytes
        packed = binascii.a2b_base64(full[len(prefix) :], strict_mode=True)
    except ValueError:  # binascii.Error, or a character beyond ASCII
        return full
    return packed if len(packed) == PACKED_LENGTH else full


def _full_id(tag: str, stamp: str, stored: bytes | str) -> str:
    if isinstance(stored, bytes):
        return f"{tag}_{stamp}-{binascii.b2a_base64(stored, newline=False).decode('ascii')}"
    return stored


def _own_ids(record: AuditRecord) -> tuple[str | None, ...]:
    """A data value equal to one of these is stored as its position here."""
    return (record.project_id, record.device_id, record.organization_id, record.repository_id)


class _StringTable:
    """Strings stored once and referred to by their index, in order of first use.

    The hot paths read ``indexes`` and ``strings`` directly and call ``add`` only on a miss.
    """

    __slots__ = ("indexes", "strings")

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.indexes: dict[str, int] = {}

    def add(self, text: str) -> int:
        index = self.indexes.get(text)
        if index is None:
            index = self.indexes[text] = len(self.strings)
            self.strings.append(text)
        return index

    def add_optional(self, text: str | None) -> int | None:
        return None if text is None else self.add(text)

    def get_optional(self, index: int | None) -> str | None:
        return None if index is None else self.strings[index]


class AuditLog:
    """Append-only audit events; a position is a record's number in order of appending."""

    __slots__ = (
        "_actor_index",
        "_actors",
        "_base_micros",
        "_buffer",
        "_device_last",
        "_events",
        "_keys",
        "_last_created",
        "_project_last",
        "_recent_values",
        "_starts",
        "_values",
    )

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._starts = array("I")  # each record's offset in the buffer, widened past 4 GiB
        self._base_micros: int | None = None  # the first record's time; others are offsets
        self._last_created: tuple[int | None, dt.datetime] = (None, EPOCH)  # offset, its time
        self._events = _StringTable()
        self._keys = _StringTable()
        self._values = _StringTable()  # ids, and data strings that recur
        self._recent_values: dict[str, None] = {}  # data strings seen once, lately
        self._actors: list[Actor] = []
        self._actor_index: dict[bytes, int] = {}
        # Position + 1 (0: none) of each device's last record, by the device id's value index,
        # and of each project's by its value index; earlier ones follow from the steps.
        self._device_last = array("I")
        self._project_last: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._starts)

    def __iter__(self) -> Iterator[AuditRecord]:
        return (self[position] for position in range(len(self._starts)))

    def __getitem__(self, position: int) -> AuditRecord:
        starts = self._starts
        offset = starts[position]  # raises IndexError as a list would
        if position < 0:
            position += len(starts)
        end = starts[position + 1] if position + 1 < len(starts) else len(self._buffer)
        return self._read(offset, end)

    def for_project(self, project_id: str) -> Sequence[int]:
        """Positions of the project's events, oldest first."""
        index = self._values.indexes.get(project_id)
        last = 0 if index is None else self._project_last.get(index, 0)
        return self._chain(last - 1, of_device=False) if last else _NO_POSITIONS

    def for_device(self, device_id: str) -> Sequence[int]:
        """Positions of the device's events, oldest first."""
        index = self._values.indexes.get(device_id)
        if index is None or index >= len(self._device_last):
            return _NO_POSITIONS
        last = self._device_last[index]
        return self._chain(last - 1, of_device=True) if last else _NO_POSITIONS

    def append(self, record: AuditRecord) -> None:
        created_at = record.created_at
        action_id = record.action_id
        created_micros = to_micros(created_at)
        if self._base_micros is None:
            self._base_micros = created_micros
        stamp = minute_stamp(created_at)
        values = self._values
        project_index = values.add_optional(record.project_id)
        device_index = values.add_optional(record.device_id)
        event_index = self._events.indexes.get(record.event)
        fields: list[Any] = [
            _compact_id(f"{EVENT_TAG}_{stamp}-", record.event_id),
            self._actor(record.actor),
            self._events.add(record.event) if event_index is None else event_index,
            self._encode_data(record),
            created_micros - self._base_micros,
            None if action_id is None else _compact_id(f"{ACTION_TAG}_{stamp}-", action_id),
            project_index,
            device_index,
        ]
        if record.organization_id is not None or record.repository_id is not None:
            fields += (
                values.add_optional(record.organization_id),
                values.add_optional(record.repository_id),
            )
        try:
            body = _encode_fields(fields)
        except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
            fields[3] = msgspec.json.encode(record.data)
            body = _encode_fields(fields)
        # Nothing below fails, so a record that cannot be encoded leaves the chains intact.
        position = len(self._starts)
        buffer = self._buffer
        start = len(buffer)
        if start >= WIDE_FROM and self._starts.itemsize < 8:  # positions stay below offsets
            self._starts = array("Q", self._starts)
            self._device_last = array("Q", self._device_last)
        self._starts.append(start)
        buffer += _varint(self._device_step(device_index, position))
        buffer += _varint(self._project_step(project_index, position))
        buffer += body

    def _device_step(self, device_index: int | None, position: int) -> int:
        """Records back to the device's previous record (0: none); this becomes its last."""
        if device_index is None:
            return 0
        last = self._device_last
        if device_index >= len(last):
            last.frombytes(bytes((device_index + 1 - len(last)) * last.itemsize))
        previous = last[device_index]
        last[device_index] = position + 1
        return position + 1 - previous if previous else 0

    def _project_step(self, project_index: int | None, position: int) -> int:
        if project_index is None:
            return 0
        previous = self._project_last.get(project_index, 0)
        self._project_last[project_index] = position + 1
        return position + 1 - previous if previous else 0

    def _chain(self, last: int, *, of_device: bool) -> list[int]:
        """Positions linked by the device (or project) steps, ending at ``last``, oldest first."""
        buffer = self._buffer
        starts = self._starts
        positions = []
        position = last
        while True:
            positions.append(position)
            offset = starts[position]
            if of_device:
                step = buffer[offset]
                if step >= 0x80:
                    step = _read_varint(buffer, offset)[0]
            else:
                offset = _skip_varint(buffer, offset)
                step = buffer[offset]
                if step >= 0x80:
                    step = _read_varint(buffer, offset)[0]
            if not step:
                break
            position -= step
        positions.reverse()
        return positions

    def _read(self, offset: int, end: int) -> AuditRecord:
        buffer = self._buffer
        offset = _skip_varint(buffer, _skip_varint(buffer, offset))  # past both steps
        fields = _decode_fields(memoryview(buffer)[offset:end])
        organization_index = repository_index = None
        if len(fields) > SHORT_FIELD_COUNT:
            repository_index = fields.pop()
            organization_index = fields.pop()
        (
            event_id,
            actor_index,
            event_index,
            encoded_data,
            created_offset,
            action_id,
            project_index,
            device_index,
        ) = fields
        created_at = self._created_at(created_offset)
        values = self._values
        project_id = values.get_optional(project_index)
        device_id = values.get_optional(device_index)
        organization_id = values.get_optional(organization_index)
        repository_id = values.get_optional(repository_index)
        own_ids = (project_id, device_id, organization_id, repository_id)  # as in _own_ids
        stamp = minute_stamp(created_at)
        return AuditRecord(
            event_id=_full_id(EVENT_TAG, stamp, event_id),
            actor=self._actors[actor_index],
            event=self._events.strings[event_index],
            data=self._decode_data(encoded_data, own_ids),
            created_at=created_at,
            action_id=None if action_id is None else _full_id(ACTION_TAG, stamp, action_id),
            project_id=project_id,
            device_id=device_id,
            organization_id=organization_id,
            repository_id=repository_id,
        )

    def _created_at(self, created_offset: int) -> dt.datetime:
        """Records read together mostly share a time, and making a datetime is slow."""
        last_offset, last_created_at = self._last_created
        if created_offset != last_offset:
            last_created_at = from_micros(created_offset + (self._base_micros or 0))
            self._last_created = (created_offset, last_created_at)
        return last_created_at

    def _actor(self, actor: Actor) -> int:
        key = msgspec.msgpack.encode(actor)
        index = self._actor_index.get(key)
        if index is None:
            index = self._actor_index[key] = len(self._actors)
            self._actors.append(actor)
        return index

    def _value_reference(self, value: str) -> int | None:
        """The value-table index to store instead of ``value``, if it is worth one.

        A string is interned the second time it is seen among the last few hundred data
        strings, so names that recur (property names, statuses) are stored once while unique
        ones (certificate ids) never enter the table.
        """
        index = self._values.indexes.get(value)
        if index is not None:
            return index
        recent = self._recent_values
        if value in recent:
            del recent[value]
            return self._values.add(value)
        if len(recent) >= RECENT_LIMIT:
            recent.clear()
        recent[value] = None
        return None

    def _encode_data(self, record: AuditRecord) -> list[Any]:
        own_ids = _own_ids(record)
        key_indexes = self._keys.indexes
        encoded: list[Any] = []
        for key, value in record.data.items():
            key_index = key_indexes.get(key)
            if key_index is None:
                key_index = self._keys.add(key)
            code = key_index * DATA_KINDS
            if isinstance(value, str):
                if value in own_ids:
                    encoded.append(code + OWN_ID + own_ids.index(value))
                    continue
                if len(value) >= MIN_INTERNED_LENGTH:
                    reference = self._value_reference(value)
                    if reference is not None:
                        encoded += (code + INTERNED, reference)
                        continue
            encoded += (code + LITERAL, value)
        return encoded

    def _decode_data(
        self, encoded: list[Any] | bytes, own_ids: tuple[str | None, ...]
    ) -> dict[str, Any]:
        if isinstance(encoded, bytes):
            decoded: dict[str, Any] = msgspec.json.decode(encoded)
            return decoded
        keys = self._keys.strings
        data: dict[str, Any] = {}
        item = 0
        while item < len(encoded):
            key_index, kind = divmod(encoded[item], DATA_KINDS)
            if kind == LITERAL:
                data[keys[key_index]] = encoded[item + 1]
                item += 2
            elif kind == INTERNED:
                data[keys[key_index]] = self._values.strings[encoded[item + 1]]
                item += 2
            else:
                data[keys[key_index]] = own_ids[kind - OWN_ID]
                item += 1
        return data
