"""The audit log, stored compactly: each event one msgpack record, decoded when queried.

Every change writes audit events, so over a large fleet they outnumber everything else. As
Python objects each costs about 500 bytes; encoded, with ids, names and actors interned and
dated ids kept as their random part and times as offsets from the first, it is about 55.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec

from nexigon_fake.clock import from_micros, minute_stamp, to_micros
from nexigon_fake.model import AuditRecord
from nexigon_fake.wire.actor import Actor

EVENT_TAG = "audit_ev"
ACTION_TAG = "audit_act"
RAW_LENGTH = 8  # the random part of a dated id; a stored id of any other length is whole

_NO_INDEXES: Sequence[int] = ()


def _compact_id(tag: str, full: str, created_at: dt.datetime) -> str:
    """The random part when ``full`` is the dated id the hub makes at ``created_at``."""
    prefix = f"{tag}_{minute_stamp(created_at)}-"
    if full.startswith(prefix) and len(full) == len(prefix) + RAW_LENGTH:
        return full[len(prefix) :]
    return full


def _own_ids(record: AuditRecord) -> tuple[str | None, ...]:
    """A data value equal to one of these is stored as its position here."""
    return (record.project_id, record.device_id, record.organization_id, record.repository_id)


def _full_id(tag: str, stored: str, created_at: dt.datetime) -> str:
    if len(stored) == RAW_LENGTH:
        return f"{tag}_{minute_stamp(created_at)}-{stored}"
    return stored


class AuditLog:
    """Append-only audit events with per-project and per-device indexes."""

    __slots__ = (
        "_actor_index",
        "_actors",
        "_base_micros",
        "_buffer",
        "_by_device",
        "_by_project",
        "_starts",
        "_string_index",
        "_strings",
    )

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._base_micros: int | None = None  # the first record's time; others are offsets
        self._starts = array("Q")
        self._strings: list[str] = []
        self._string_index: dict[str, int] = {}
        self._actors: list[Actor] = []
        self._actor_index: dict[bytes, int] = {}
        self._by_project: dict[str, array[int]] = {}
        self._by_device: dict[str, array[int]] = {}

    def __len__(self) -> int:
        return len(self._starts)

    def __iter__(self) -> Iterator[AuditRecord]:
        return (self[index] for index in range(len(self._starts)))

    def for_project(self, project_id: str) -> Sequence[int]:
        """Positions of the project's events, oldest first."""
        return self._by_project.get(project_id, _NO_INDEXES)

    def for_device(self, device_id: str) -> Sequence[int]:
        return self._by_device.get(device_id, _NO_INDEXES)

    def append(self, record: AuditRecord) -> None:
        created_at = record.created_at
        action_id = record.action_id
        created_micros = to_micros(created_at)
        if self._base_micros is None:
            self._base_micros = created_micros
        fields = (
            _compact_id(EVENT_TAG, record.event_id, created_at),
            self._actor(record.actor),
            self._intern(record.event),
            self._encode_data(record),
            created_micros - self._base_micros,
            None if action_id is None else _compact_id(ACTION_TAG, action_id, created_at),
            self._intern_optional(record.project_id),
            self._intern_optional(record.device_id),
            self._intern_optional(record.organization_id),
            self._intern_optional(record.repository_id),
        )
        try:
            encoded = msgspec.msgpack.encode(fields)
        except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
            encoded = msgspec.msgpack.encode(
                (*fields[:3], msgspec.json.encode(record.data), *fields[4:])
            )
        index = len(self._starts)
        self._starts.append(len(self._buffer))
        self._buffer += encoded
        if record.project_id is not None:
            self._by_project.setdefault(record.project_id, array("I")).append(index)
        if record.device_id is not None:
            self._by_device.setdefault(record.device_id, array("I")).append(index)

    def __getitem__(self, index: int) -> AuditRecord:
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._buffer)
        (
            event_id,
            actor_index,
            event_index,
            encoded_data,
            created_offset,
            action_id,
            project_index,
            device_index,
            organization_index,
            repository_index,
        ) = msgspec.msgpack.decode(memoryview(self._buffer)[start:end])
        created_at = from_micros(created_offset + (self._base_micros or 0))
        project_id = self._string(project_index)
        device_id = self._string(device_index)
        organization_id = self._string(organization_index)
        repository_id = self._string(repository_index)
        own_ids = (project_id, device_id, organization_id, repository_id)  # as in _own_ids
        return AuditRecord(
            event_id=_full_id(EVENT_TAG, event_id, created_at),
            actor=self._actors[actor_index],
            event=self._strings[event_index],
            data=self._decode_data(encoded_data, own_ids),
            created_at=created_at,
            action_id=None if action_id is None else _full_id(ACTION_TAG, action_id, created_at),
            project_id=project_id,
            device_id=device_id,
            organization_id=organization_id,
            repository_id=repository_id,
        )

    def _intern(self, text: str) -> int:
        index = self._string_index.get(text)
        if index is None:
            index = self._string_index[text] = len(self._strings)
            self._strings.append(text)
        return index

    def _intern_optional(self, text: str | None) -> int | None:
        return None if text is None else self._intern(text)

    def _string(self, index: int | None) -> str | None:
        return None if index is None else self._strings[index]

    def _actor(self, actor: Actor) -> int:
        key = msgspec.msgpack.encode(actor)
        index = self._actor_index.get(key)
        if index is None:
            index = self._actor_index[key] = len(self._actors)
            self._actors.append(actor)
        return index

    def _encode_data(self, record: AuditRecord) -> list[Any]:
        """Alternating key indexes and values; a negative key marks a reference to an own id."""
        own_ids = _own_ids(record)
        encoded: list[Any] = []
        for key, value in record.data.items():
            key_index = self._intern(key)
            if isinstance(value, str) and value in own_ids:
                encoded += (-key_index - 1, own_ids.index(value))
            else:
                encoded += (key_index, value)
        return encoded

    def _decode_data(
        self, encoded: list[Any] | bytes, own_ids: tuple[str | None, ...]
    ) -> dict[str, Any]:
        if isinstance(encoded, bytes):
            decoded: dict[str, Any] = msgspec.json.decode(encoded)
            return decoded
        data: dict[str, Any] = {}
        for position in range(0, len(encoded), 2):
            key_index, value = encoded[position], encoded[position + 1]
            if key_index < 0:
                data[self._strings[-key_index - 1]] = own_ids[value]
            else:
                data[self._strings[key_index]] = value
        return data
