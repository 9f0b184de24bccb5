"""Connection limits uvicorn lacks: a deadline for a request's headers (issue 18, item 5).

uvicorn times out idle keep-alive connections but waits forever for the headers of a request,
and a connection that never sends a byte is never timed out at all: a few thousand slowloris
clients then hold every file descriptor. This protocol closes a connection whose next
request's headers have not all arrived within ``header_timeout`` seconds of its opening (or
of the previous answer). Bodies have their own deadline in the app (``app._receive_body``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

DEFAULT_HEADER_TIMEOUT_SECS = 10.0


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose headers come too slowly."""

    header_timeout_secs = DEFAULT_HEADER_TIMEOUT_SECS

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # this request's headers are all in
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request's headers get as long as the first one's

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout_secs, self._expire)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _expire(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()


def header_deadline_protocol(timeout_secs: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class uvicorn's ``http=`` option takes, with this header deadline."""
    return type(
        "HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_timeout_secs": timeout_secs}
    )
