"""Shared fixtures of the project's own suite: fresh hubs, in-process and live servers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio

from nexigon_fake import Hub, create_app


@pytest.fixture
def hub() -> Hub:
    return Hub(seed=0)


@pytest_asyncio.fixture
async def client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound in-process to ``hub``, authenticated as its administrator."""
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    ) as http:
        yield http


@dataclass
class LiveServer:
    """A ``nexigon-fake serve`` process on an ephemeral port of 127.0.0.1."""

    url: str
    admin_token: str
    default_organization_id: str
    process: subprocess.Popen[str]

    def reset(self) -> None:
        response = httpx.post(f"{self.url}/_fake/reset", json={})
        response.raise_for_status()


def start_server(*extra_args: str) -> LiveServer:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nexigon_fake",
            "serve",
            "--port",
            "0",
            "--frozen-clock",
            *extra_args,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    lines = [process.stdout.readline().strip() for _ in range(3)]
    url = lines[0].rsplit(" ", 1)[-1]
    token = lines[1].rsplit(" ", 1)[-1]
    organization = lines[2].rsplit(" ", 1)[-1]
    assert url.startswith("http://127.0.0.1:"), lines
    return LiveServer(url, token, organization, process)


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)
    if server.process.stdout is not None:
        server.process.stdout.close()


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
