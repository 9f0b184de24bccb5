"""A device's properties as stored: msgspec rows, encoded, decoded when read.

Decoded, a property with a small object value costs several hundred bytes, and most devices
have a handful: they keep them together as one encoded map of name to row, about 25 bytes a
property. Past ``SHARED_LIMIT`` properties a device keeps a dict of one encoded row per name
instead, so a write re-encodes one row, not all of them.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

import msgspec

from nexigon_fake.clock import from_micros, to_micros
from nexigon_fake.state.storage.values import ENCODER, pack, unpack

SHARED_LIMIT = 16

# One encoded map of name to row, or for many properties a dict of one encoded row per name.
StoredProperties: TypeAlias = bytes | dict[str, bytes]


@dataclass(slots=True)
class Property:
    """A property as read; devices keep theirs encoded."""

    name: str
    value: Any
    protected: bool
    version: int
    last_updated: dt.datetime


class HasProperties(Protocol):
    """What keeps properties (a device): row times are kept as distances from its creation."""

    created_at: dt.datetime
    properties: StoredProperties


class PropertyRow(msgspec.Struct, array_like=True, omit_defaults=True, gc=False):
    value: msgspec.Raw  # decoded only when the property is read
    since_created: int  # microseconds from the device's creation to the last update
    version: int = 1
    protected: bool = False


_ROW = msgspec.msgpack.Decoder(PropertyRow)
_ROWS = msgspec.msgpack.Decoder(dict[str, PropertyRow])


def _rows(owner: HasProperties) -> dict[str, PropertyRow]:
    """Name to row, in the order the names were first set."""
    properties = owner.properties
    if isinstance(properties, dict):
        return {name: _ROW.decode(row) for name, row in properties.items()}
    return _ROWS.decode(properties) if properties else {}


def read(owner: HasProperties, name: str) -> Property | None:
    properties = owner.properties
    if isinstance(properties, dict):
        encoded = properties.get(name)
        row = None if encoded is None else _ROW.decode(encoded)
    else:
        row = _ROWS.decode(properties).get(name) if properties else None
    return None if row is None else _property(owner, name, row)


def read_all(owner: HasProperties) -> Iterator[Property]:
    """Every property, in the order they were first set."""
    return (_property(owner, name, row) for name, row in _rows(owner).items())


def write(owner: HasProperties, prop: Property) -> None:
    """Set a property's row, keeping its place if it exists."""
    row = PropertyRow(
        value=pack(prop.value),
        since_created=to_micros(prop.last_updated) - to_micros(owner.created_at),
        version=prop.version,
        protected=prop.protected,
    )
    properties = owner.properties
    if isinstance(properties, dict):
        properties[sys.intern(prop.name)] = ENCODER.encode(row)
        return
    rows = _rows(owner)
    rows[prop.name] = row
    _store(owner, rows)


def remove(owner: HasProperties, name: str) -> None:
    properties = owner.properties
    if isinstance(properties, dict):
        del properties[name]
        return
    rows = _rows(owner)
    del rows[name]
    _store(owner, rows)


def _store(owner: HasProperties, rows: dict[str, PropertyRow]) -> None:
    if len(rows) > SHARED_LIMIT:  # names interned: many devices share them
        owner.properties = {sys.intern(name): ENCODER.encode(row) for name, row in rows.items()}
    else:
        owner.properties = ENCODER.encode(rows) if rows else b""


def _property(owner: HasProperties, name: str, row: PropertyRow) -> Property:
    return Property(
        name=name,
        value=unpack(row.value),
        protected=row.protected,
        version=row.version,
        last_updated=from_micros(to_micros(owner.created_at) + row.since_created),
    )
