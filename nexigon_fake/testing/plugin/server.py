"""The live fake: uvicorn in a thread on 127.0.0.1, serving one hub on an ephemeral port."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytest
import uvicorn

from nexigon_fake.hub import Hub
from nexigon_fake.serve.app import create_app
from nexigon_fake.serve.cors import check_origin


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
    cors: tuple[str, ...] = ()

    @classmethod
    def start(cls, cors: Sequence[str] = ()) -> LiveServer:
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
            create_app(hub, cors=cors), log_level="warning", lifespan="off", access_log=False
        )
        uvicorn_server = uvicorn.Server(config)
        thread = threading.Thread(
            target=uvicorn_server.run,
            kwargs={"sockets": [listener]},
            name="nexigon-fake",
            daemon=True,
        )
        thread.start()
        url = f"http://127.0.0.1:{port}"
        return cls(NexigonServer(url, hub), uvicorn_server, thread, tuple(cors))

    def stop(self) -> None:
        self.uvicorn_server.should_exit = True
        self.thread.join()


def cors_setting(markers: Iterable[pytest.Mark], option: Sequence[str] | None) -> tuple[str, ...]:
    """The live server's CORS origins: the closest ``nexigon`` marker's ``cors``, else the
    ``--nexigon-cors`` options; a wrong value is a usage error, not a failing test."""
    origins: object = option or ()
    for marker in markers:
        if "cors" in marker.kwargs:
            origins = marker.kwargs["cors"]
            break
    if isinstance(origins, str) or not isinstance(origins, list | tuple):
        raise pytest.UsageError(
            f"nexigon marker: `cors` must be a list of origins, not {origins!r}"
        )
    try:
        return tuple(check_origin(str(origin)) for origin in origins)
    except ValueError as error:
        raise pytest.UsageError(f"nexigon: {error}") from None
