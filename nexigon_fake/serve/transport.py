"""A synchronous httpx transport that serves requests from an ASGI app in-process, no socket.

httpx ships only an async ASGI transport; this one runs it on a private event loop thread (an
anyio blocking portal), so a plain ``httpx.Client`` can talk to a hub from sync tests, and
even from inside a running event loop.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal


class InProcessTransport(httpx.BaseTransport):
    """``httpx.Client(transport=InProcessTransport(create_app(hub)))``."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal_context: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None

    def _running_portal(self) -> BlockingPortal:
        if self._portal is None:
            self._portal_context = start_blocking_portal()
            self._portal = self._portal_context.__enter__()
        return self._portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def send() -> httpx.Response:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._asgi.handle_async_request(forwarded)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._running_portal().call(send)

    def close(self) -> None:
        if self._portal_context is not None:
            self._portal_context.__exit__(None, None, None)
            self._portal_context = None
            self._portal = None
