"""Bearer auth that reads its token per request, so a client follows the hub's admin token."""

from __future__ import annotations

from collections.abc import Callable, Generator

import httpx


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
