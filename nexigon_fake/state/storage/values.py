"""JSON values as the histories store them: msgpack, or JSON text where msgpack falls short.

msgpack holds integers only up to 64 bits; a value with a larger one is kept as its JSON text in
a msgpack ``bin``. A JSON value is never ``bytes``, so reading tells the two forms apart.
"""

from __future__ import annotations

from typing import Any

import msgspec

ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder()


def pack(value: Any) -> msgspec.Raw:
    """``value`` encoded, to be written as it is inside a record (a ``Raw`` field)."""
    try:
        return msgspec.Raw(ENCODER.encode(value))
    except (OverflowError, msgspec.EncodeError):  # integers beyond 64 bits: keep JSON
        return msgspec.Raw(ENCODER.encode(msgspec.json.encode(value)))


def unpack(raw: msgspec.Raw | bytes) -> Any:
    """The value ``pack`` encoded."""
    return restored(_DECODER.decode(raw))


def restored(decoded: Any) -> Any:
    """A packed value that was decoded along with its record."""
    if isinstance(decoded, bytes):
        return msgspec.json.decode(decoded)
    return decoded
