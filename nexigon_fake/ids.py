"""Seeded ids and secrets in the real Nexigon formats: the only module that draws randomness.

Formats follow ``nexigon-ids``: ``<tag>_`` + base58 raw part of a fixed length; public ids of
secrets are the first 22 raw characters under the public tag; dated ids start with
``YYYYMMDD-HHMM-``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re

from nexigon_fake.clock import minute_stamp
from nexigon_fake.errors.tooling import (
    MSG_UNKNOWN_ID_TAG,
)

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BASE58_CLASS = "[1-9A-HJ-NP-Za-km-z]"
BASE36_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
# Pairing keys (SEMANTICS-HEAD D31): Crockford base32, upper case, no I, L, O or U.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

FLAT_LENGTH = 22
SECRET_LENGTH = 66
FINGERPRINT_LENGTH = 44

# tag -> raw length of flat (undated) ids the hub accepts on input.
FLAT_TAGS: dict[str, int] = {
    "cluster_node": FLAT_LENGTH,
    "u": FLAT_LENGTH,
    "u_sk": SECRET_LENGTH,
    "u_pk": FLAT_LENGTH,
    "p": FLAT_LENGTH,
    "deployment": SECRET_LENGTH,
    "deployment_id": FLAT_LENGTH,
    "d": FLAT_LENGTH,
    "d_sk": FINGERPRINT_LENGTH,
    "d_pk": FLAT_LENGTH,
    "d_c": FLAT_LENGTH,
    "d_conn": FLAT_LENGTH,
    "repo": FLAT_LENGTH,
    "org": FLAT_LENGTH,
    "org_sk": SECRET_LENGTH,
    "org_pk": FLAT_LENGTH,
    # HEAD (SEMANTICS-HEAD §III.3): operations, their work claims, fleet operations, pairing keys
    "d_op": FLAT_LENGTH,
    "d_op_claim": FLAT_LENGTH,
    "flt_op": FLAT_LENGTH,
    "d_pairing": FLAT_LENGTH,
}


# `$` alone would also match before a final newline (Python's `re.search`).
END = r"(?!\n)$"


def flat_pattern(tag: str) -> str:
    return f"^{tag}_{BASE58_CLASS}{{{FLAT_TAGS[tag]}}}{END}"


def dated_pattern(tag: str) -> str:
    return f"^{tag}_[0-9]{{8}}-[0-9]{{4}}-{BASE58_CLASS}{{8}}{END}"


_SECRET_TO_PUBLIC = {
    "u_sk": "u_pk",
    "deployment": "deployment_id",
    "d_sk": "d_pk",
    "org_sk": "org_pk",
}


def public_id(secret: str) -> str:
    """``deployment_<66>`` -> ``deployment_id_<first 22>`` and likewise for every secret kind."""
    tag, _, raw = secret.rpartition("_")
    return f"{_SECRET_TO_PUBLIC[tag]}_{raw[:FLAT_LENGTH]}"


def is_well_formed(tag: str, value: str) -> bool:
    return re.search(flat_pattern(tag), value) is not None


def base36_label(text: str) -> str:
    """A deterministic DNS label for an id: SHA-256 digest in base 36, 50 characters."""
    number = int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
    digits = []
    for _ in range(50):
        number, digit = divmod(number, 36)
        digits.append(BASE36_ALPHABET[digit])
    return "".join(digits)


class IdSource:
    """Every id, secret and random choice of one hub, drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._random = random.Random(seed)

    def raw(self, length: int) -> str:
        return "".join(self._random.choices(BASE58_ALPHABET, k=length))

    def flat(self, tag: str) -> str:
        return f"{tag}_{self.raw(FLAT_TAGS[tag])}"

    def dated(self, tag: str, instant: dt.datetime) -> str:
        return f"{tag}_{minute_stamp(instant)}-{self.raw(8)}"

    def secret(self, tag: str) -> str:
        return f"{tag}_{self.raw(FLAT_TAGS[tag])}"

    def crockford(self, length: int) -> str:
        """Characters of a pairing key (D31), from the same stream as every secret."""
        return "".join(self._random.choices(CROCKFORD_ALPHABET, k=length))

    def bytes(self, count: int) -> bytes:
        return self._random.randbytes(count)

    def get_state(self) -> tuple[int, list[int], float | None]:
        """The generator's position, as JSON-friendly values (for snapshots)."""
        version, internal, gauss = self._random.getstate()
        return version, list(internal), gauss

    def set_state(self, state: tuple[int, list[int], float | None]) -> None:
        version, internal, gauss = state
        try:
            self._random.setstate((version, tuple(internal), gauss))
        except (ValueError, TypeError, OverflowError) as error:
            raise ValueError(f"not a generator state: {error}") from None


def seeded_random(seed: int, purpose: str) -> random.Random:
    """An independent generator for one purpose, so drawing from it never shifts the ids."""
    return random.Random(f"{seed}:{purpose}")


# Public generators of the ids and fingerprints a client brings itself (a device's key, its
# certificate, the node and connection it is on, the events it publishes), for tests that need
# valid ones without a hub. Without ``seed`` they draw from the operating system, so runs against
# a shared real Hub do not collide; with one (an int, a str or a ``random.Random``) they repeat.
Seed = int | str | random.Random | None


def _generator(seed: Seed) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _base58(seed: Seed, length: int) -> str:
    return "".join(_generator(seed).choices(BASE58_ALPHABET, k=length))


def flat_id(tag: str, seed: Seed = None) -> str:
    """Any flat id the hub accepts: ``flat_id("d_conn")`` -> ``d_conn_`` + 22 base58."""
    if tag not in FLAT_TAGS:
        raise ValueError(MSG_UNKNOWN_ID_TAG.format(tag=tag, tags=", ".join(sorted(FLAT_TAGS))))
    return f"{tag}_{_base58(seed, FLAT_TAGS[tag])}"


def device_fingerprint(seed: Seed = None) -> str:
    """A device fingerprint, as ``devices_Create`` takes it: ``d_sk_`` + 44 base58."""
    return flat_id("d_sk", seed)


def certificate_fingerprint(seed: Seed = None) -> str:
    """A SHA-256 certificate fingerprint as the Hub prints it: 32 upper-case hex bytes, ``:``."""
    return ":".join(f"{byte:02X}" for byte in _generator(seed).randbytes(32))


def cluster_node_id(seed: Seed = None) -> str:
    """A cluster node id, as ``devices_RegisterConnection`` takes it."""
    return flat_id("cluster_node", seed)


def connection_id(seed: Seed = None) -> str:
    """A device connection id, as ``devices_RegisterConnection`` takes it."""
    return flat_id("d_conn", seed)


def event_id(at: dt.datetime, seed: Seed = None) -> str:
    """A device event id dated ``at`` (say ``hub.clock.now()``), as ``devices_PublishEvents``
    takes it: ``d_ev_YYYYMMDD-HHMM-`` + 8 base58."""
    return f"d_ev_{minute_stamp(at)}-{_base58(seed, 8)}"
