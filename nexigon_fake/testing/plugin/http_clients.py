"""HTTP clients bound in-process to a hub (no socket), as its admin (its current admin token,
read per request: see ``FollowingBearer``)."""

from __future__ import annotations

import httpx

from nexigon_fake.hub import Hub
from nexigon_fake.serve.app import create_app
from nexigon_fake.serve.transport import InProcessTransport
from nexigon_fake.testing.plugin.auth import FollowingBearer

IN_PROCESS_BASE_URL = "http://nexigon-fake.test"


def in_process_client(hub: Hub) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url=IN_PROCESS_BASE_URL,
        auth=FollowingBearer(lambda: hub.admin_token),
    )


def in_process_async_client(hub: Hub) -> httpx.AsyncClient:
    """Over ASGI, for async tests."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(hub)),
        base_url=IN_PROCESS_BASE_URL,
        auth=FollowingBearer(lambda: hub.admin_token),
    )
