"""Running one handler: its ``log``, its deadline and the Log frames it streams.

Kept apart from the invocation's bookkeeping, which decides whether a handler runs at all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from nexigon_fake.commands.definitions import (
    LOGGED,
    CommandHandler,
    LogFrame,
    LogFunction,
    Logged,
)
from nexigon_fake.errors import (
    MSG_COMMAND_LOG_NOT_TEXT,
)

LOG_TAIL_MAX_BYTES = 8192

SendFrame = Callable[[dict[str, Any]], Awaitable[None]]


class TimedOut(BaseException):
    """Raised in a handler by ``log`` past the deadline, as the agent kills the process.

    A ``BaseException``, so a handler's ``except Exception`` does not swallow it.
    """


class HandlerLog:
    """The ``log`` a handler gets: keeps the tail, queues Log frames, enforces the deadline."""

    def __init__(
        self,
        now: Callable[[], dt.datetime],
        deadline: dt.datetime,
        stream: bool,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._now = now
        self._deadline = deadline
        self._stream = stream
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._lock = threading.Lock()
        self._tail: deque[str] = deque()
        self._tail_bytes = 0
        self.queue: asyncio.Queue[list[str] | None] = asyncio.Queue()
        self.closed = False
        self.timed_out = False

    def __call__(self, *lines: str) -> Logged:
        split = split_lines(lines)
        with self._lock:
            if self.timed_out:
                raise TimedOut
            if self.closed:
                return LOGGED  # a handler that kept `log` past its end: nobody listens any more
            if self._now() >= self._deadline:
                self.timed_out = True
                raise TimedOut
            for line in split:
                self._keep(line)
            if self._stream and split:
                if threading.get_ident() == self._loop_thread:
                    self.queue.put_nowait(split)
                else:  # a sync handler's thread
                    self._loop.call_soon_threadsafe(self.queue.put_nowait, split)
        return LOGGED

    def _keep(self, line: str) -> None:
        self._tail.append(line)
        self._tail_bytes += len(line.encode()) + 1
        while self._tail_bytes > LOG_TAIL_MAX_BYTES and len(self._tail) > 1:
            self._tail_bytes -= len(self._tail.popleft().encode()) + 1

    def close(self, timed_out: bool) -> None:
        """No more lines (an abandoned thread's next call raises when the wait timed out);
        the end of the queue goes behind lines a thread queued before."""
        with self._lock:
            self.closed = True
            self.timed_out = self.timed_out or timed_out
            self._loop.call_soon(self.queue.put_nowait, None)

    def tail(self) -> list[str]:
        with self._lock:
            return list(self._tail)


def split_lines(lines: tuple[Any, ...]) -> list[str]:
    split: list[str] = []
    for line in lines:
        if not isinstance(line, str):
            raise TypeError(MSG_COMMAND_LOG_NOT_TEXT.format(got=type(line).__name__))
        split.extend(line.splitlines() or [""])
    return split


async def call_handler(handler: CommandHandler, command_input: Any, log: LogFunction) -> Any:
    """Await an async handler on the loop; a sync one in a thread, so it cannot block the loop
    (and may itself call the served hub over HTTP)."""
    if inspect.iscoroutinefunction(handler):
        result = await handler(command_input, log)
    else:
        result = await asyncio.to_thread(handler, command_input, log)
    if inspect.isawaitable(result):  # e.g. an object whose __call__ is async
        result = await result
    return result


async def pump_log(queue: asyncio.Queue[list[str] | None], send_log: SendFrame | None) -> None:
    """Send queued lines as Log frames, in order; a failed send ends streaming, not the call."""
    sending = send_log is not None
    while (lines := await queue.get()) is not None:
        if sending and send_log is not None:
            try:
                await send_log(msgspec.to_builtins(LogFrame(lines=lines)))
            except Exception:  # the caller went away; the invocation still completes
                sending = False
