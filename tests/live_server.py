"""A real ``nexigon-fake serve`` process on an ephemeral port of 127.0.0.1, for live tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import httpx


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
