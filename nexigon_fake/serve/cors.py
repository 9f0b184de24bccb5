"""Cross-origin requests (issue 16, item 2): which other origins a browser may call from.

Off by default. Starlette's ``CORSMiddleware`` answers preflights and marks answers; this
module only checks the origins and says which headers and methods the clients send.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from nexigon_fake.errors import (
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_CORS_ORIGIN,
    MSG_CORS_PREFLIGHT_REFUSED,
)

ANY_ORIGIN = "*"
# What the SDK, a browser's fetch() and the control plane send: credentials, JSON bodies, the
# device headers and the control token.
ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "x-device-fingerprint",
    "x-client-cert",
    "x-control-token",
)
ALLOWED_METHODS = ("GET", "POST", "PUT", "DELETE")
PREFLIGHT_MAX_AGE_SECS = 600
# An origin as a browser sends it: no path, no trailing slash, no user info.
_ORIGIN = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")


def check_origin(origin: str) -> str:
    """``origin`` when a browser could send it in ``Origin`` (or ``*``); else ``ValueError``."""
    if origin == ANY_ORIGIN or _ORIGIN.fullmatch(origin):
        return origin
    raise ValueError(MSG_CORS_ORIGIN.format(origin=origin))


class _Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered as every other refusal is: an
    ``ActionError`` body (SEMANTICS.md D1) rather than plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code < 400:
            return answer
        detail = bytes(answer.body).decode("utf-8", "replace")
        error = InvalidError(MSG_CORS_PREFLIGHT_REFUSED.format(detail=detail))
        body = msgspec.json.encode(error.to_wire())
        refused = Response(body, status_code=error.status, media_type="application/json")
        if "vary" in answer.headers:  # a cache must not serve this answer to another origin
            refused.headers["vary"] = answer.headers["vary"]
        return refused


def cors_middleware(origins: Sequence[str] | None) -> list[Middleware]:
    """The middleware letting ``origins`` call the app from a browser (none when empty)."""
    if not origins:
        return []
    listed = [origins] if isinstance(origins, str) else list(origins)  # one origin, not its letters
    checked = [check_origin(origin) for origin in listed]
    return [
        Middleware(
            _Cors,
            allow_origins=checked,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE_SECS,
        )
    ]
