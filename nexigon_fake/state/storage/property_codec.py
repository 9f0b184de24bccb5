"""A device's properties as stored: encoded msgpack records, decoded when read.

Decoded, a property with a small object value costs several hundred bytes. Most devices have a
handful of properties, so they are kept together as one msgpack map of name to record: one
object per device, about 30 bytes a property. Past ``SHARED_LIMIT`` properties a device keeps a
dict of one record per name instead, so a write re-encodes one record, not all of them. A
record's time is kept as its distance from the device's creation, usually a few bytes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import msgspec

from nexigon_fake.clock import from_micros, to_micros
from nexigon_fake.state.model import Device, Property

SHARED_LIMIT = 16

_records = msgspec.msgpack.Decoder(dict[str, msgspec.Raw])


def _unpacked(device: Device) -> dict[str, msgspec.Raw] | dict[str, bytes]:
    """Name to encoded record, whichever way the device keeps them."""
    properties = device.properties
    if isinstance(properties, dict):
        return properties
    return _records.decode(properties) if properties else {}


def read(device: Device, name: str) -> Property | None:
    encoded = _unpacked(device).get(name)
    return None if encoded is None else _decode(device, name, encoded)


def read_all(device: Device) -> Iterator[Property]:
    """Every property, in the order they were first set."""
    records = _unpacked(device)
    return (_decode(device, name, encoded) for name, encoded in records.items())


def write(device: Device, prop: Property) -> None:
    """Set a property's record, keeping its place if it exists."""
    encoded = _encode(device, prop)
    properties = device.properties
    if isinstance(properties, dict):
        properties[sys.intern(prop.name)] = encoded
        return
    records: dict[str, msgspec.Raw | bytes] = dict(_unpacked(device))
    records[prop.name] = encoded
    _store(device, records)


def remove(device: Device, name: str) -> None:
    properties = device.properties
    if isinstance(properties, dict):
        del properties[name]
        return
    records: dict[str, msgspec.Raw | bytes] = dict(_unpacked(device))
    del records[name]
    _store(device, records)


def _store(device: Device, records: dict[str, msgspec.Raw | bytes]) -> None:
    if len(records) > SHARED_LIMIT:
        device.properties = {sys.intern(name): bytes(record) for name, record in records.items()}
    else:
        raw = {name: msgspec.Raw(record) for name, record in records.items()}
        device.properties = msgspec.msgpack.encode(raw) if raw else b""


def _encode(device: Device, prop: Property) -> bytes:
    since_created = to_micros(prop.last_updated) - to_micros(device.created_at)
    fields = (prop.value, prop.protected, prop.version, since_created)
    try:
        return msgspec.msgpack.encode(fields)
    except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
        return msgspec.msgpack.encode((msgspec.json.encode(prop.value), *fields[1:]))


def _decode(device: Device, name: str, encoded: msgspec.Raw | bytes) -> Property:
    value, protected, version, since_created = msgspec.msgpack.decode(encoded)
    if isinstance(value, bytes):  # JSON values are never bytes: this is the JSON fallback
        value = msgspec.json.decode(value)
    return Property(
        name=name,
        value=value,
        protected=protected,
        version=version,
        last_updated=from_micros(to_micros(device.created_at) + since_created),
    )
