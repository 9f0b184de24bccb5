"""An HTTP client bound in-process (ASGI, no socket) to a hub, as its administrator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from nexigon_fake import Hub, create_app


@asynccontextmanager
async def in_process_client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    ) as http:
        yield http
