"""Who may use the dashboard: the control plane's rule (``serve/guard.py``), for a browser.

Without a control token (on loopback) the dashboard is open. With one, every page and form
needs it, as ``/_fake/*`` does: in ``X-Control-Token``, or in a cookie the dashboard sets once
the token is typed into its form (a browser cannot add headers to links and forms). Forms
posted from another origin are refused either way, so a page elsewhere cannot drive the hub
through a visitor's browser.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

from nexigon_fake.errors import (
    ForbiddenError,
)
from nexigon_fake.errors.tooling import (
    MSG_UI_CROSS_ORIGIN,
)
from nexigon_fake.serve.guard import ControlGuard

TOKEN_COOKIE = "nexigon_fake_control_token"


def admitted(guard: ControlGuard, request: Request, typed: str | None = None) -> bool:
    """True when no token is required, or the request carries it (header, cookie, form)."""
    if guard.token is None or guard.admits(request.scope):
        return True
    expected = guard.token.encode()
    for offered in (request.cookies.get(TOKEN_COOKIE), typed):
        if offered is not None and hmac.compare_digest(offered.encode(), expected):
            return True
    return False


def check_origin(request: Request) -> None:
    """Refuse a form whose ``Origin`` is not this server (browsers send it on every POST)."""
    origin = request.headers.get("origin")
    if origin is None:
        return  # not a browser's cross-site form: a script could send any header anyway
    host = request.headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc != host:
        raise ForbiddenError(MSG_UI_CROSS_ORIGIN.format(origin=origin))
