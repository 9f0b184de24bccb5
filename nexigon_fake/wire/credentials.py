"""What a request presents (SEMANTICS.md §3, D13, D14): the bearer token and a device's headers.

Parsing headers into ``Credentials`` is wire work; turning them into an ``Actor`` needs the
store and lives in ``state/auth.py``.
"""

from __future__ import annotations

import hashlib
import ssl
import urllib.parse
from dataclasses import dataclass

from nexigon_fake.errors import (
    MSG_BAD_AUTH_HEADER,
    MSG_BAD_CLIENT_CERT,
    InvalidError,
    UnauthenticatedError,
)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request presented: the bearer token and a device's identity headers."""

    token: str | None = None
    device_fingerprint: str | None = None
    client_cert: str | None = None

    @classmethod
    def from_headers(
        cls,
        authorization: str | None,
        device_fingerprint: str | None = None,
        client_cert: str | None = None,
    ) -> Credentials:
        token = None
        if authorization is not None:
            scheme, _, value = authorization.strip().partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise UnauthenticatedError(MSG_BAD_AUTH_HEADER)
            token = value.strip()
        return cls(token, device_fingerprint, client_cert)


def certificate_fingerprint(client_cert: str) -> str:
    """SHA-256 of the DER of a URL-encoded PEM certificate, as ``AB:CD:…``."""
    try:
        der = ssl.PEM_cert_to_DER_cert(urllib.parse.unquote(client_cert).strip())
    except ValueError:
        raise InvalidError(MSG_BAD_CLIENT_CERT) from None
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())
