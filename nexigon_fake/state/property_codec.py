"""A device's properties as stored: one small msgpack record each, decoded when read.

Decoded, a property with a small object value costs several hundred bytes; encoded, about 50.
Names are interned, since a fleet's devices mostly share the same few property names.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import msgspec

from nexigon_fake.clock import from_micros, to_micros
from nexigon_fake.model import Device, Property


def read(device: Device, name: str) -> Property | None:
    encoded = device.properties.get(name)
    return None if encoded is None else _decode(name, encoded)


def read_all(device: Device) -> Iterator[Property]:
    """Every property, in the order they were first set."""
    return (_decode(name, encoded) for name, encoded in device.properties.items())


def write(device: Device, prop: Property) -> None:
    fields = (prop.value, prop.protected, prop.version, to_micros(prop.last_updated))
    try:
        encoded = msgspec.msgpack.encode(fields)
    except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
        encoded = msgspec.msgpack.encode((msgspec.json.encode(prop.value), *fields[1:]))
    device.properties[sys.intern(prop.name)] = encoded


def _decode(name: str, encoded: bytes) -> Property:
    value, protected, version, last_updated = msgspec.msgpack.decode(encoded)
    if isinstance(value, bytes):  # JSON values are never bytes: this is the JSON fallback
        value = msgspec.json.decode(value)
    return Property(
        name=name,
        value=value,
        protected=protected,
        version=version,
        last_updated=from_micros(last_updated),
    )
