"""Who may use the control plane (``/_fake/*``) of a served hub (issue 18, item 7).

On loopback the control plane is open, as easy as ever. Bound to any other address, it
answers only callers presenting the control token in ``X-Control-Token``; without it,
``/_fake/health`` still answers (for liveness checks) but never shows the admin token.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from starlette.types import Scope

from nexigon_fake.errors import MSG_CONTROL_TOKEN_REQUIRED, UnauthenticatedError

CONTROL_PREFIX = "/_fake/"
HEALTH_PATH = "/_fake/health"
CONTROL_TOKEN_HEADER = b"x-control-token"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (``localhost`` included)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def generate_control_token() -> str:
    """Not from the hub's seeded ids: a control token anyone could predict would guard nothing."""
    return "ctl_" + secrets.token_urlsafe(24)


class ControlGuard:
    """The control token a served app requires, if any."""

    def __init__(self, token: str | None) -> None:
        self.token = token

    def admits(self, scope: Scope) -> bool:
        if self.token is None:
            return True
        for name, value in scope["headers"]:
            if name == CONTROL_TOKEN_HEADER:
                return hmac.compare_digest(value, self.token.encode())
        return False

    def check(self, scope: Scope) -> None:
        """Refuse a control-plane request without the token (health excepted: it hides)."""
        path: str = scope["path"]
        if path.startswith(CONTROL_PREFIX) and path != HEALTH_PATH and not self.admits(scope):
            raise UnauthenticatedError(MSG_CONTROL_TOKEN_REQUIRED)
