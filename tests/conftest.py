"""Shared fixtures of the project's own suite: fresh hubs, in-process and live servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, settings

from nexigon_fake import Hub
from tests.hub_clients import in_process_client
from tests.live_server import LiveServer, start_server, stop_server

# Property tests check behaviour, not speed (speed lives in bench/): on a loaded machine a
# per-example deadline or the too-slow health check would fail them for the wrong reason.
settings.register_profile(
    "nexigon-fake-suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("nexigon-fake-suite")


@pytest.fixture
def hub() -> Hub:
    return Hub(seed=0)


@pytest_asyncio.fixture
async def client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound in-process to ``hub``, authenticated as its administrator."""
    async with in_process_client(hub) as http:
        yield http


@pytest.fixture(scope="module")
def live_server_process() -> Iterator[LiveServer]:
    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture
def live_server(live_server_process: LiveServer) -> LiveServer:
    """The module's live server, reset to a fresh hub for this test."""
    live_server_process.reset()
    return live_server_process
