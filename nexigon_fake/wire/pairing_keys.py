"""Inputs and outputs of the device pairing-key actions of ``projects``, named as upstream.

The pairing key's format (D31): 10 Crockford base32 characters once one dash is removed and
the key upper-cased. The field's pattern states it, with the size rule's message, so it is
reported in field order; ``normalize_pairing_key`` gives the stored form.
"""

from __future__ import annotations

from typing import Annotated

from nexigon_fake.errors import MSG_PAIRING_KEY_FORMAT
from nexigon_fake.ids import CROCKFORD_ALPHABET, END
from nexigon_fake.wire.common import (
    Action,
    DeploymentToken,
    DeploymentTokenId,
    DeviceFingerprint,
    DeviceId,
    DevicePairingKeyId,
    Empty,
    ProjectId,
    Timestamp,
    WireStruct,
    length_rule,
    range_rule,
)
from nexigon_fake.wire.devices import DeviceName

PAIRING_KEY_LENGTH = 10
SELECTOR_LENGTH = 6
DEFAULT_VALIDITY_SECS = 300
MAX_VALIDITY_SECS = 600

PairingKeyName = Annotated[
    str, length_rule(1, 128, "Pairing key name must be between 1 and 128 characters.")
]
PairingKeyValidity = Annotated[
    int,
    range_rule(
        1, MAX_VALIDITY_SECS, "Pairing key validity must be between 1 second and 10 minutes."
    ),
]
_ALPHABET = frozenset(CROCKFORD_ALPHABET)
_CHARACTER = "[" + CROCKFORD_ALPHABET + CROCKFORD_ALPHABET.lower() + "]"
# Ten alphabet characters, either case, with at most one dash anywhere: the format rule in the
# schema too, so the published document and the test kit's strategies know what a key is.
PAIRING_KEY_PATTERN = f"^(?:{_CHARACTER}{{10}}|(?={_CHARACTER}*-{_CHARACTER}*$).{{11}})" + END
PairingKeyText = Annotated[
    str,
    length_rule(
        10,
        11,
        MSG_PAIRING_KEY_FORMAT,
        pattern=PAIRING_KEY_PATTERN,
        rule=MSG_PAIRING_KEY_FORMAT,
    ),
]


def normalize_pairing_key(text: str) -> str | None:
    """The key as stored (one dash anywhere removed, upper case), or None if it is not one.

    Look-alikes (``O``, ``I``, ``L``) are not mapped (C27): they are simply not in the alphabet.
    """
    normalized = text.replace("-", "", 1).upper()
    if len(normalized) != PAIRING_KEY_LENGTH or not _ALPHABET.issuperset(normalized):
        return None
    return normalized


def format_pairing_key(normalized: str) -> str:
    """``XXXX-XXXXXX``, the grouping of the only upstream sample (``ABCD-123456``)."""
    return f"{normalized[:4]}-{normalized[4:]}"


class QueryDevicePairingKeysItem(WireStruct, kw_only=True):
    pairing_key_id: DevicePairingKeyId
    selector: str
    created_at: Timestamp
    expires_at: Timestamp
    used_at: Timestamp | None = None
    revoked_at: Timestamp | None = None
    name: str | None = None
    device_id: DeviceId | None = None
    token_id: DeploymentTokenId | None = None


class QueryDevicePairingKeysOutput(WireStruct):
    pairing_keys: list[QueryDevicePairingKeysItem]


class QueryDevicePairingKeysAction(Action[QueryDevicePairingKeysOutput]):
    project_id: ProjectId


class CreateDevicePairingKeyOutput(WireStruct):
    pairing_key_id: DevicePairingKeyId
    pairing_key: str
    selector: str
    created_at: Timestamp
    expires_at: Timestamp


class CreateDevicePairingKeyAction(Action[CreateDevicePairingKeyOutput]):
    project_id: ProjectId
    name: PairingKeyName | None = None
    valid_for_secs: PairingKeyValidity | None = None


class RevokeDevicePairingKeyAction(Action[Empty]):
    pairing_key_id: DevicePairingKeyId


class RedeemDevicePairingKeyOutput(WireStruct):
    project_id: ProjectId
    device_id: DeviceId
    token_id: DeploymentTokenId
    token: DeploymentToken


class RedeemDevicePairingKeyAction(Action[RedeemDevicePairingKeyOutput]):
    pairing_key: PairingKeyText
    fingerprint: DeviceFingerprint
    device_name: DeviceName | None = None
