"""Servers for the HTTP benchmarks, all started by one launcher with one uvicorn configuration.

``python bench/servers.py fake|bare PORT`` serves either the fake (one device with one
property) or a bare Starlette endpoint that decodes the same JSON body and answers a fixed JSON
response, so the two differ only in what the application does.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import msgspec
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent))

FIXED = msgspec.json.encode(
    {
        "result": "Found",
        "name": "app.setting-0",
        "value": {"n": 0},
        "protected": False,
        "version": 1,
        "lastUpdated": "2026-05-04T07:00:00Z",
    }
)


def bare_app() -> Starlette:
    async def endpoint(request: Request) -> Response:
        msgspec.json.decode(await request.body())
        return Response(FIXED, media_type="application/json")

    return Starlette(routes=[Route("/api/v1/actions/invoke/{action}", endpoint, methods=["POST"])])


def fake_app() -> Starlette:
    from common import fleet

    from nexigon_fake import create_app

    hub, _ = fleet(1, journal_cap=10_000)  # the default journal, as users run it
    hub.journal.reset()
    return create_app(hub)


def serve(kind: str, port: int) -> None:
    app = fake_app() if kind == "fake" else bare_app()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(2048)
    print(f"listening on {listener.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
