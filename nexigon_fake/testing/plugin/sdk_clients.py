"""The official SDK's clients for ``nexigon_sdk`` / ``nexigon_async_sdk``: cheap per test.

``nexigon_hub_sdk.Client(url, token=…)`` builds a fresh SSL context (loading the CA bundle,
~30 ms) for every client, which made the SDK fixtures cost dozens of times what
``nexigon_server`` costs. These clients share one SSL context per pytest process and nothing
else: each test gets its own HTTP client (headers, cookies, connections), so no test can see
another's. Their token is read per request, so they follow the hub's current admin token.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import nexigon_hub_sdk

from nexigon_fake.testing.plugin.auth import FollowingBearer, shared_ssl_context


def _api_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/api/v1/"


# What the SDK's own constructor gives its HTTP client, but for the token, read per request.
_HEADERS = {"Content-Type": "application/json"}


def _source(token: str | Callable[[], str]) -> Callable[[], str]:
    """A fixed token (the SDK's own signature) or one read per request."""
    if isinstance(token, str):
        return lambda: token
    return token


class _TokenFollowing:
    """The SDK's ``_token`` attribute, read from a source per request (set: a fixed token)."""

    _token_source: Callable[[], str]

    @property
    def _token(self) -> str:
        return self._token_source()

    @_token.setter
    def _token(self, token: str) -> None:
        self._token_source = lambda: token


class SdkClient(_TokenFollowing, nexigon_hub_sdk.Client):
    """``nexigon_hub_sdk.Client`` on the shared SSL context, its token read per request
    (HTTP actions and device-command WebSockets alike)."""

    def __init__(self, base_url: str, *, token: str | Callable[[], str]) -> None:
        # Not super().__init__(): that builds the SSL context this class exists to share. The
        # attributes set are the ones the SDK's methods read (nexigon-hub-sdk is pinned).
        self._base_url = base_url.rstrip("/")
        self._token_source = _source(token)
        self._http = httpx.Client(
            base_url=_api_url(base_url),
            headers=_HEADERS,
            auth=FollowingBearer(lambda: self._token_source()),
            verify=shared_ssl_context(),
        )


class AsyncSdkClient(_TokenFollowing, nexigon_hub_sdk.AsyncClient):
    """``nexigon_hub_sdk.AsyncClient`` on the shared SSL context, its token read per request."""

    def __init__(self, base_url: str, *, token: str | Callable[[], str]) -> None:
        self._base_url = base_url.rstrip("/")
        self._token_source = _source(token)
        self._http = httpx.AsyncClient(
            base_url=_api_url(base_url),
            headers=_HEADERS,
            auth=FollowingBearer(lambda: self._token_source()),
            verify=shared_ssl_context(),
        )
