"""What the plugin's HTTP clients share: bearer auth that reads its token per request (so a
client follows the hub's admin token), and one SSL context per process."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Generator

import httpx

_SSL_CONTEXT: ssl.SSLContext | None = None
_SSL_LOCK = threading.Lock()


def shared_ssl_context() -> ssl.SSLContext:
    """httpx's default context, made once per process: building one loads the CA bundle
    (~30 ms), and it is configuration, not state a test could leave behind."""
    global _SSL_CONTEXT
    with _SSL_LOCK:
        if _SSL_CONTEXT is None:
            _SSL_CONTEXT = httpx.create_ssl_context()
        return _SSL_CONTEXT


class FollowingBearer(httpx.Auth):
    """``Authorization: Bearer <token()>`` on every request that does not bring its own.

    A hub restored from a snapshot taken with another seed has another admin token; a client
    made before the restore keeps working. A header the test sets (on the client or on one
    request) wins: the test is then speaking as someone else on purpose.
    """

    def __init__(self, token: Callable[[], str]) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "Authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request
