"""The audit log: one msgspec row per record, appended to one buffer, decoded when read.

Every change writes audit records, so over a large fleet they outnumber everything else; as
Python objects each costs about 500 bytes, as a row about 40. What recurs is stored once and
referred to by number: actors, event names, entity ids, the tag-and-minute prefix of record
ids, the keys of a record's data (with how each value is kept) and data strings seen twice.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from nexigon_fake.clock import from_micros, to_micros
from nexigon_fake.state.storage.values import ENCODER, pack, restored
from nexigon_fake.wire.actor import Actor

# How a data value is kept: in the row, as the number of an interned string, or not at all
# when it is the record's own project, device, organization or repository id.
LITERAL, INTERNED, PROJECT, DEVICE, ORGANIZATION, REPOSITORY = range(6)
MIN_INTERNED_LENGTH = 6  # shorter strings cost no more than a reference
RECENT_LIMIT = 256  # data strings remembered while waiting to be seen a second time

Shape = tuple[tuple[str, int], ...]  # a data dict's keys, each with how its value is kept


@dataclass(slots=True)
class AuditRecord:
    """One audit event and the entities it is attached to."""

    event_id: str
    actor: Actor
    event: str
    data: dict[str, Any]
    created_at: dt.datetime
    action_id: str | None
    project_id: str | None
    device_id: str | None
    organization_id: str | None
    repository_id: str | None


class AuditRow(msgspec.Struct, array_like=True, omit_defaults=True, gc=False):
    """A record as stored: numbers refer to the log's tables, ids are split into an interned
    prefix and the rest, the time is in microseconds from the log's first record."""

    event_prefix: int
    event_rest: str
    actor: int
    event: int
    created: int
    shape: int
    values: list[Any]  # the literal values (``values.pack``) and interned strings' numbers
    project: int | None = None
    device: int | None = None
    action_prefix: int | None = None  # None: no action id
    action_rest: str = ""
    organization: int | None = None
    repository: int | None = None


_ROW = msgspec.msgpack.Decoder(AuditRow)


class _Strings:
    """Strings stored once and referred to by their number, in order of first use."""

    __slots__ = ("numbers", "strings")

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.numbers: dict[str, int] = {}

    def add(self, text: str) -> int:
        number = self.numbers.get(text)
        if number is None:
            number = self.numbers[text] = len(self.strings)
            self.strings.append(text)
        return number

    def add_optional(self, text: str | None) -> int | None:
        return None if text is None else self.add(text)

    def get_optional(self, number: int | None) -> str | None:
        return None if number is None else self.strings[number]


class AuditLog:
    """Append-only audit records; a position is a record's number in order of appending."""

    __slots__ = (
        "_actor_numbers",
        "_actors",
        "_base_micros",
        "_buffer",
        "_device_positions",
        "_ids",
        "_names",
        "_project_positions",
        "_recent",
        "_shape_numbers",
        "_shapes",
        "_starts",
    )

    def __init__(self) -> None:
        self._buffer = bytearray()  # the encoded rows, one after another
        self._starts = array("Q")  # where each row starts
        self._base_micros = 0  # the first record's time, which the others are kept from
        self._names = _Strings()  # event names, id prefixes and recurring data strings
        self._ids = _Strings()  # the ids records are attached to (numbers grow large)
        self._actors: list[Actor] = []
        self._actor_numbers: dict[tuple[Any, ...], int] = {}
        self._shapes: list[Shape] = []
        self._shape_numbers: dict[Shape, int] = {}
        self._recent: dict[str, None] = {}  # data strings seen once, lately
        # By an id's number in ``_ids``, the positions of its device's (project's) records,
        # oldest first: a list, as a fleet's devices are many and a dict entry costs more.
        self._device_positions: list[array[int] | None] = []
        self._project_positions: list[array[int] | None] = []

    def __len__(self) -> int:
        return len(self._starts)

    def __iter__(self) -> Iterator[AuditRecord]:
        return (self[position] for position in range(len(self._starts)))

    def __getitem__(self, position: int) -> AuditRecord:
        starts = self._starts
        start = starts[position]  # raises IndexError as a list would
        if position < 0:
            position += len(starts)
        end = starts[position + 1] if position + 1 < len(starts) else len(self._buffer)
        return self._record(_ROW.decode(self._buffer[start:end]))  # a copy: no export

    def for_project(self, project_id: str) -> Sequence[int]:
        """Positions of the project's records, oldest first."""
        return self._positions(self._project_positions, project_id)

    def for_device(self, device_id: str) -> Sequence[int]:
        """Positions of the device's records, oldest first."""
        return self._positions(self._device_positions, device_id)

    def append(self, record: AuditRecord) -> None:
        if not self._starts:
            self._base_micros = to_micros(record.created_at)
        row = self._row(record)  # raises (a value that is not JSON) before the row is stored
        encoded = ENCODER.encode(row)
        position = len(self._starts)
        self._starts.append(len(self._buffer))
        self._buffer += encoded
        for index, number in (
            (self._project_positions, row.project),
            (self._device_positions, row.device),
        ):
            if number is None:
                continue
            if number >= len(index):
                index.extend([None] * (number + 1 - len(index)))
            positions = index[number]
            if positions is None:
                positions = index[number] = array("I")
            positions.append(position)

    def _positions(self, index: list[array[int] | None], entity_id: str) -> Sequence[int]:
        number = self._ids.numbers.get(entity_id)
        positions = None if number is None or number >= len(index) else index[number]
        return () if positions is None else positions[:]

    def _row(self, record: AuditRecord) -> AuditRow:
        names, ids = self._names, self._ids
        event_prefix, event_rest = self._split(record.event_id)
        action_prefix, action_rest = (
            (None, "") if record.action_id is None else self._split(record.action_id)
        )
        shape, values = self._data(record)
        return AuditRow(
            event_prefix=event_prefix,
            event_rest=event_rest,
            actor=self._actor(record.actor),
            event=names.add(record.event),
            created=to_micros(record.created_at) - self._base_micros,
            shape=shape,
            values=values,
            project=ids.add_optional(record.project_id),
            device=ids.add_optional(record.device_id),
            action_prefix=action_prefix,
            action_rest=action_rest,
            organization=ids.add_optional(record.organization_id),
            repository=ids.add_optional(record.repository_id),
        )

    def _record(self, row: AuditRow) -> AuditRecord:
        names, ids = self._names.strings, self._ids
        own = (
            ids.get_optional(row.project),
            ids.get_optional(row.device),
            ids.get_optional(row.organization),
            ids.get_optional(row.repository),
        )
        values = iter(row.values)
        data: dict[str, Any] = {}
        for key, kind in self._shapes[row.shape]:
            if kind == LITERAL:
                data[key] = restored(next(values))
            elif kind == INTERNED:
                data[key] = names[next(values)]
            else:
                data[key] = own[kind - PROJECT]
        action_prefix = row.action_prefix
        return AuditRecord(
            event_id=names[row.event_prefix] + row.event_rest,
            actor=self._actors[row.actor],
            event=names[row.event],
            data=data,
            created_at=from_micros(self._base_micros + row.created),
            action_id=None if action_prefix is None else names[action_prefix] + row.action_rest,
            project_id=own[0],
            device_id=own[1],
            organization_id=own[2],
            repository_id=own[3],
        )

    def _split(self, record_id: str) -> tuple[int, str]:
        """An id as its interned prefix (up to the last ``-``: tag and minute stamp for the
        ids the hub makes) and the rest."""
        cut = record_id.rfind("-") + 1
        return self._names.add(record_id[:cut]), record_id[cut:]

    def _actor(self, actor: Actor) -> int:
        key = (type(actor), *msgspec.structs.astuple(actor))
        number = self._actor_numbers.get(key)
        if number is None:
            number = self._actor_numbers[key] = len(self._actors)
            self._actors.append(actor)
        return number

    def _data(self, record: AuditRecord) -> tuple[int, list[Any]]:
        """The number of the data's shape and the values the shape does not tell."""
        own = (record.project_id, record.device_id, record.organization_id, record.repository_id)
        shape: list[tuple[str, int]] = []
        values: list[Any] = []
        for key, value in record.data.items():
            if isinstance(value, str) and value in own:
                shape.append((key, PROJECT + own.index(value)))
            elif isinstance(value, str) and self._recurs(value):
                shape.append((key, INTERNED))
                values.append(self._names.add(value))
            else:
                shape.append((key, LITERAL))
                values.append(pack(value))
        frozen = tuple(shape)
        number = self._shape_numbers.get(frozen)
        if number is None:
            number = self._shape_numbers[frozen] = len(self._shapes)
            self._shapes.append(frozen)
        return number, values

    def _recurs(self, value: str) -> bool:
        """Whether to intern a data string: the second time it is seen among the last few
        hundred, so names that recur (property names, statuses) are stored once while unique
        ones (certificate ids) never enter the table."""
        if len(value) < MIN_INTERNED_LENGTH:
            return False
        if value in self._names.numbers:
            return True
        recent = self._recent
        if value in recent:
            del recent[value]
            return True
        if len(recent) >= RECENT_LIMIT:
            recent.clear()
        recent[value] = None
        return False
