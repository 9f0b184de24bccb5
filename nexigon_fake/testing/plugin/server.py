"""The live fake: uvicorn in a thread on 127.0.0.1, serving one hub on an ephemeral port."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import uvicorn

from nexigon_fake.hub import Hub
from nexigon_fake.serve.app import create_app


@dataclass
class NexigonServer:
    """A live fake hub: its URL and the hub it serves."""

    url: str
    hub: Hub

    @property
    def admin_token(self) -> str:
        return self.hub.admin_token

    @property
    def default_organization_id(self) -> str:
        return self.hub.default_organization_id


@dataclass
class LiveServer:
    """A running ``NexigonServer`` and what it takes to stop it."""

    server: NexigonServer
    uvicorn_server: uvicorn.Server
    thread: threading.Thread

    @classmethod
    def start(cls) -> LiveServer:
        """On a socket bound before uvicorn starts, so no readiness wait is needed."""
        hub = Hub()
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only then, and
        # without it every kept-alive request waits ~40 ms for Nagle's algorithm.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        config = uvicorn.Config(
            create_app(hub), log_level="warning", lifespan="off", access_log=False
        )
        uvicorn_server = uvicorn.Server(config)
        thread = threading.Thread(
            target=uvicorn_server.run,
            kwargs={"sockets": [listener]},
            name="nexigon-fake",
            daemon=True,
        )
        thread.start()
        return cls(NexigonServer(f"http://127.0.0.1:{port}", hub), uvicorn_server, thread)

    def stop(self) -> None:
        self.uvicorn_server.should_exit = True
        self.thread.join()
