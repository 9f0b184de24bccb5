"""Shared wire vocabulary: the struct base, id types, timestamps and JSON values.

Every input and output type of the API derives from ``WireStruct``, so camelCase keys,
omission of absent optionals and keyword-only construction hold everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import msgspec

from nexigon_fake.clock import format_timestamp, parse_timestamp
from nexigon_fake.ids import FLAT_TAGS, dated_pattern, flat_pattern

OutputT = TypeVar("OutputT")


class _WireMeta(msgspec.StructMeta):
    """Makes every wire struct keyword-only, so fields keep the upstream order."""

    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _WireMeta:
        kwargs.setdefault("kw_only", True)
        return super().__new__(mcls, name, bases, namespace, **kwargs)


class WireStruct(
    msgspec.Struct, metaclass=_WireMeta, rename="camel", omit_defaults=True, kw_only=True
):
    """A record on the wire: camelCase keys, absent optionals omitted (SEMANTICS.md D3)."""


class Action(WireStruct, Generic[OutputT]):
    """An action's input; the type parameter is the action's output, for typed execution."""


class Empty(WireStruct):
    """The output of actions that answer ``{}``."""


def _id(tag: str, what: str) -> Any:
    return Annotated[
        str,
        msgspec.Meta(
            pattern=flat_pattern(tag),
            description=f"{what} (`{tag}_` + base58)",
            extra={
                "rule": f"Expected a {what}: `{tag}_` followed by {FLAT_TAGS[tag]} base58 "
                "characters."
            },
        ),
    ]


def _dated_id(tag: str, what: str) -> Any:
    return Annotated[
        str,
        msgspec.Meta(
            pattern=dated_pattern(tag),
            description=f"{what} (`{tag}_YYYYMMDD-HHMM-` + 8 base58)",
            extra={
                "rule": f"Expected a {what}: `{tag}_YYYYMMDD-HHMM-` followed by 8 base58 "
                "characters."
            },
        ),
    ]


ClusterNodeId = _id("cluster_node", "cluster node ID")
UserId = _id("u", "user ID")
UserToken = _id("u_sk", "user token")
UserTokenId = _id("u_pk", "user token ID")
ProjectId = _id("p", "project ID")
DeploymentToken = _id("deployment", "deployment token")
DeploymentTokenId = _id("deployment_id", "deployment token ID")
DeviceId = _id("d", "device ID")
DeviceFingerprint = _id("d_sk", "device fingerprint")
DeviceFingerprintId = _id("d_pk", "device fingerprint ID")
DeviceCertificateId = _id("d_c", "device certificate ID")
DeviceConnectionId = _id("d_conn", "device connection ID")
RepositoryId = _id("repo", "repository ID")
OrganizationId = _id("org", "organization ID")
OrganizationApiTokenId = _id("org_pk", "organization API token ID")
DeviceEventId = _dated_id("d_ev", "device event ID")
AuditLogEventId = _dated_id("audit_ev", "audit log event ID")
AuditLogActionId = _dated_id("audit_act", "audit log action ID")
JobId = _dated_id("job", "job ID")

CERTIFICATE_FINGERPRINT_PATTERN = "^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){31}$"
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
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
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


def bounded_str(
    min_length: int,
    max_length: int,
    message: str,
    *,
    pattern: str | None = None,
    rule: str | None = None,
) -> Any:
    """A string with a length rule (and maybe a pattern), each with its own error wording."""
    extra: dict[str, str] = {"message": message}
    if rule is not None:
        extra["rule"] = rule
    return Annotated[
        str,
        msgspec.Meta(min_length=min_length, max_length=max_length, pattern=pattern, extra=extra),
    ]


def bounded_int(ge: int, le: int, message: str) -> Any:
    return Annotated[int, msgspec.Meta(ge=ge, le=le, extra={"message": message})]


Name128 = bounded_str(1, 128, "Name must be between 1 and 128 characters.")
ValidForSecs = bounded_int(
    1, 31_536_000, "Token validity must be between 1 second and 1 year (31536000 seconds)."
)
Limit = bounded_int(1, 1000, "Limit must be between 1 and 1000.")
I64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
U32 = Annotated[int, msgspec.Meta(ge=0, le=2**32 - 1)]
