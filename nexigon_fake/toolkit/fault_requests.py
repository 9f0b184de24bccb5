"""What a fault may be armed with, checked: which D1 kind or own answer it fails with, and
headers and a body the wire can carry. ``faults`` arms what passes."""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType

from nexigon_fake.errors import (
    MSG_FAULT_BODY_NOT_JSON,
    MSG_FAULT_BODY_TOO_LARGE,
    MSG_FAULT_BODY_WITH_KIND,
    MSG_FAULT_HEADER_NAME,
    MSG_FAULT_HEADER_RESERVED,
    MSG_FAULT_HEADER_VALUE,
    MSG_FAULT_NOTHING,
    MSG_FAULT_STATUS,
    MSG_FAULT_STATUS_WITHOUT_KIND,
    MSG_FAULT_TOO_MANY_HEADERS,
    ErrorKind,
    InvalidError,
)
from nexigon_fake.wire.common import DeviceId, ProjectId, WireStruct

MAX_HEADERS = 16
MAX_BODY_BYTES = 64 * 1024
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}")
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]{0,1024}")
# Framing is the server's: an injected value would contradict the body it sends.
RESERVED_HEADERS = frozenset({"content-length", "content-type", "transfer-encoding", "connection"})

# Statuses each kind may answer with (D1): Forbidden also stands for 401 and 404.
ALLOWED_STATUSES: dict[ErrorKind, tuple[int, ...]] = {
    "Invalid": (400,),
    "Forbidden": (403, 401, 404),
    "RateLimited": (429,),
    "Internal": (500,),
}


class FaultRequest(WireStruct, forbid_unknown_fields=True):
    """What ``inject`` takes, in Python (snake_case) and over HTTP (camelCase)."""

    action: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    kind: ErrorKind | UnsetType | None = UNSET
    status: Annotated[int, msgspec.Meta(ge=400, le=599)] | None = None
    body: Any | UnsetType = UNSET
    headers: dict[str, str] | None = None
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)] | None = None
    times: Annotated[int, msgspec.Meta(ge=1)] | UnsetType | None = UNSET
    probability: Annotated[float, msgspec.Meta(gt=0, le=1)] | None = None
    latency_secs: Annotated[float, msgspec.Meta(ge=0, le=300)] | None = None
    device_id: DeviceId | None = None
    project_id: ProjectId | None = None


def kind_and_status(request: FaultRequest) -> tuple[ErrorKind | None, int | None]:
    """What a fault fails with: a D1 kind (and one of its statuses), or, with no kind and a
    status, its own answer; neither, for a fault that only delays."""
    has_body = not isinstance(request.body, UnsetType)
    status = request.status
    if isinstance(request.kind, UnsetType):
        if has_body:
            return None, 500 if status is None else status
        if status is not None:
            inferred = [k for k, allowed in ALLOWED_STATUSES.items() if status in allowed]
            return (inferred[0], status) if inferred else (None, status)
        return (None, None) if request.latency_secs is not None else ("Internal", None)
    kind = request.kind
    if has_body:
        raise InvalidError(MSG_FAULT_BODY_WITH_KIND)
    if kind is None:
        if status is not None:
            raise InvalidError(MSG_FAULT_STATUS_WITHOUT_KIND)
        if request.latency_secs is None:
            raise InvalidError(MSG_FAULT_NOTHING)
        return None, None
    if status is not None and status not in ALLOWED_STATUSES[kind]:
        allowed = " or ".join(map(str, ALLOWED_STATUSES[kind]))
        raise InvalidError(MSG_FAULT_STATUS.format(kind=kind, allowed=allowed, status=status))
    return kind, status


def checked_body(body: Any) -> Any:
    """The body as plain JSON data (what the wire will carry), bounded in size."""
    if isinstance(body, UnsetType):
        return body
    try:
        encoded = msgspec.json.encode(body)
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        raise InvalidError(MSG_FAULT_BODY_NOT_JSON.format(detail=error)) from None
    if len(encoded) > MAX_BODY_BYTES:
        raise InvalidError(MSG_FAULT_BODY_TOO_LARGE.format(limit=MAX_BODY_BYTES))
    return msgspec.json.decode(encoded)


def checked_headers(headers: dict[str, str]) -> dict[str, str]:
    if len(headers) > MAX_HEADERS:
        raise InvalidError(MSG_FAULT_TOO_MANY_HEADERS.format(limit=MAX_HEADERS))
    for name, value in headers.items():
        if not HEADER_NAME.fullmatch(name):
            raise InvalidError(MSG_FAULT_HEADER_NAME.format(name=name))
        if name.lower() in RESERVED_HEADERS:
            raise InvalidError(MSG_FAULT_HEADER_RESERVED.format(name=name))
        if not HEADER_VALUE.fullmatch(value):
            raise InvalidError(MSG_FAULT_HEADER_VALUE.format(name=name))
    return dict(headers)
