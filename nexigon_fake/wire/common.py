"""Shared wire vocabulary: the struct base, id types, timestamps and JSON values.

Every input and output type of the API derives from ``WireStruct``, so camelCase keys,
omission of absent optionals and keyword-only construction hold everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import msgspec

from nexigon_fake.clock import format_timestamp, parse_timestamp
from nexigon_fake.errors import MSG_UNSIGNED_RANGE
from nexigon_fake.ids import END, FLAT_TAGS, dated_pattern, flat_pattern

OutputT = TypeVar("OutputT")


class WireStruct(msgspec.Struct, rename="camel", omit_defaults=True, kw_only=True):
    """A record on the wire: camelCase keys, absent optionals omitted (SEMANTICS.md D3)."""


class FrozenWireStruct(
    msgspec.Struct, rename="camel", omit_defaults=True, kw_only=True, frozen=True
):
    """A ``WireStruct`` the hub may hand out more than once (cached), so nobody may change it."""


class Action(WireStruct, Generic[OutputT]):
    """An action's input; the type parameter is the action's output, for typed execution."""


class Empty(WireStruct):
    """The output of actions that answer ``{}``."""


def _id(tag: str, what: str) -> msgspec.Meta:
    return msgspec.Meta(
        pattern=flat_pattern(tag),
        description=f"{what} (`{tag}_` + base58)",
        extra={
            "rule": f"Expected a {what}: `{tag}_` followed by {FLAT_TAGS[tag]} base58 characters."
        },
    )


def _dated_id(tag: str, what: str) -> msgspec.Meta:
    return msgspec.Meta(
        pattern=dated_pattern(tag),
        description=f"{what} (`{tag}_YYYYMMDD-HHMM-` + 8 base58)",
        extra={
            "rule": f"Expected a {what}: `{tag}_YYYYMMDD-HHMM-` followed by 8 base58 characters."
        },
    )


ClusterNodeId = Annotated[str, _id("cluster_node", "cluster node ID")]
UserId = Annotated[str, _id("u", "user ID")]
UserToken = Annotated[str, _id("u_sk", "user token")]
UserTokenId = Annotated[str, _id("u_pk", "user token ID")]
ProjectId = Annotated[str, _id("p", "project ID")]
DeploymentToken = Annotated[str, _id("deployment", "deployment token")]
DeploymentTokenId = Annotated[str, _id("deployment_id", "deployment token ID")]
DeviceId = Annotated[str, _id("d", "device ID")]
DeviceFingerprint = Annotated[str, _id("d_sk", "device fingerprint")]
DeviceFingerprintId = Annotated[str, _id("d_pk", "device fingerprint ID")]
DeviceCertificateId = Annotated[str, _id("d_c", "device certificate ID")]
DeviceConnectionId = Annotated[str, _id("d_conn", "device connection ID")]
RepositoryId = Annotated[str, _id("repo", "repository ID")]
OrganizationId = Annotated[str, _id("org", "organization ID")]
OrganizationApiTokenId = Annotated[str, _id("org_pk", "organization API token ID")]
DevicePairingKeyId = Annotated[str, _id("d_pairing", "device pairing key ID")]
DeviceEventId = Annotated[str, _dated_id("d_ev", "device event ID")]
AuditLogEventId = Annotated[str, _dated_id("audit_ev", "audit log event ID")]
AuditLogActionId = Annotated[str, _dated_id("audit_act", "audit log action ID")]
JobId = Annotated[str, _dated_id("job", "job ID")]
# HEAD (SEMANTICS-HEAD §III.3)
DeviceOperationId = Annotated[str, _id("d_op", "device operation ID")]
DeviceOperationWorkClaimId = Annotated[str, _id("d_op_claim", "device operation work claim ID")]
FleetOperationId = Annotated[str, _id("flt_op", "fleet operation ID")]

CERTIFICATE_FINGERPRINT_PATTERN = "^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){31}" + END
CertificateFingerprint = Annotated[
    str,
    msgspec.Meta(
        pattern=CERTIFICATE_FINGERPRINT_PATTERN,
        description="SHA-256 certificate fingerprint: 32 hex bytes separated by `:`",
        extra={"rule": "Expected a SHA-256 fingerprint: 32 hex bytes separated by `:`."},
    ),
]


def normalize_certificate_fingerprint(text: str) -> str:
    """Upper-case two-digit groups, as the Hub prints fingerprints."""
    return ":".join(f"{int(group, 16):02X}" for group in text.split(":"))


TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})" + END
)
Timestamp = Annotated[
    str,
    msgspec.Meta(
        pattern=TIMESTAMP_PATTERN,
        description="RFC 3339 timestamp with an offset; the hub answers in UTC with `Z`",
        extra_json_schema={"format": "date-time"},
        extra={"rule": "Expected an RFC 3339 timestamp with an offset (`Z` or `+hh:mm`)."},
    ),
]


def normalize_timestamp(text: str, field: str) -> str:
    """Canonical UTC form of an input timestamp; calendar errors become validation errors."""
    try:
        return format_timestamp(parse_timestamp(text))
    except ValueError as error:
        raise ValueError(f"`{field}` is not a valid timestamp: {error}") from None


JsonValue = Any
"""Any JSON value, ``null`` included."""


def length_rule(
    min_length: int,
    max_length: int,
    message: str,
    *,
    pattern: str | None = None,
    rule: str | None = None,
) -> msgspec.Meta:
    """A string's length rule (and maybe a pattern), each with its own error wording."""
    extra: dict[str, str] = {"message": message}
    if rule is not None:
        extra["rule"] = rule
    return msgspec.Meta(min_length=min_length, max_length=max_length, pattern=pattern, extra=extra)


def range_rule(ge: int, le: int, message: str) -> msgspec.Meta:
    return msgspec.Meta(ge=ge, le=le, extra={"message": message})


U16_MAX = 2**16 - 1
U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1
MAX_BOUND = "max"
"""The ``Meta.extra`` key of an upper bound msgspec cannot check itself (beyond int64);
``wire/decoding.py`` enforces it after conversion."""


def _unsigned(bits: int, maximum: int) -> msgspec.Meta:
    """An upstream ``u16``/``u32``/``u64``: exactly 0..2^bits-1 (C6); the message names the
    type, the error's path names the field."""
    message = MSG_UNSIGNED_RANGE.format(bits=bits, maximum=maximum)
    schema = {"format": f"uint{bits}", "maximum": maximum}
    if maximum > 2**63 - 1:  # msgspec's bounds stop at int64: checked after decoding
        return msgspec.Meta(
            ge=0, extra_json_schema=schema, extra={"message": message, MAX_BOUND: maximum}
        )
    return msgspec.Meta(ge=0, le=maximum, extra_json_schema=schema, extra={"message": message})


U16 = Annotated[int, _unsigned(16, U16_MAX)]
U32 = Annotated[int, _unsigned(32, U32_MAX)]
U64 = Annotated[int, _unsigned(64, U64_MAX)]
I64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
"""No seed-era or HEAD field is an ``i64`` upstream (versions are ``u64``: use ``U64``)."""

Name128 = Annotated[str, length_rule(1, 128, "Name must be between 1 and 128 characters.")]
ValidForSecs = Annotated[
    int,
    range_rule(1, 31_536_000, "Token validity must be between 1 second and 1 year."),
]
Limit = Annotated[int, range_rule(1, 1000, "Limit must be between 1 and 1000.")]
