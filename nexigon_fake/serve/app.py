"""The Starlette app: the Hub's wire format over HTTP, the OpenAPI document, the control plane.

It knows nothing of semantics: it reads bodies and headers, hands them to the hub, and writes
what comes back. Every non-2xx answer is an ``ActionError`` body (SEMANTICS.md D1).

Device commands (``/api/v1/connect/command/{deviceId}``, SEMANTICS.md §1.5) are a WebSocket:
the upgrade is always accepted, one Invoke frame read, and ``hub.commands`` answers. A refused
caller (unknown credentials, malformed device id, a device it may not use) gets no Done frame
but a close with code ``4000 + status`` (4400, 4401, 4403, 4404) and ``"<kind>: <message>"`` as
the reason, so the official SDK's ``CommandInvocationError`` carries the reason (a denied
upgrade would only show the status).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from nexigon_fake.errors import (
    MSG_BODY_TIMEOUT,
    MSG_BODY_TOO_LARGE,
    MSG_METHOD_NOT_ALLOWED,
    MSG_METHOD_NOT_ALLOWED_ON,
    MSG_NO_INVOKE_FRAME,
    MSG_NOT_FOUND_ROUTE,
    MSG_UNEXPECTED_ERROR,
    ActionError,
    InternalError,
    InvalidError,
)
from nexigon_fake.hub import Hub
from nexigon_fake.serve import control
from nexigon_fake.serve.cors import cors_middleware
from nexigon_fake.serve.dashboard import dashboard_routes
from nexigon_fake.serve.docs import docs_routes
from nexigon_fake.serve.guard import ControlGuard
from nexigon_fake.serve.openapi import openapi_body
from nexigon_fake.wire.credentials import Credentials
from nexigon_fake.wire.decoding import parse_json_body

MAX_BODY_BYTES = 8 * 1024 * 1024
OFFLOAD_BODY_BYTES = 256 * 1024  # bigger bodies are decoded and run off the event loop
INVOKE_PREFIX = "/api/v1/actions/invoke/"
OPENAPI_PATH = "/api/v1/openapi.json"
MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024  # whole fleets travel through PUT /_fake/state
JSON = "application/json"
JSON_BYTES = JSON.encode()
CLOSE_NORMAL = 1000
CLOSE_REFUSED_BASE = 4000  # + the HTTP status the refusal would have over HTTP
DEFAULT_BODY_TIMEOUT_SECS = 30.0  # from a body's first byte to its last
DEFAULT_INVOKE_FRAME_TIMEOUT_SECS = 10.0  # a command socket waits no longer for its Invoke
MAX_CLOSE_REASON_BYTES = 123  # RFC 6455: a control frame's payload is at most 125 bytes
Endpoint = Callable[[Request], Awaitable[Response]]


def _json(data: Any, status: int = 200) -> Response:
    return Response(msgspec.json.encode(data), status_code=status, media_type=JSON)


def _error(error: ActionError) -> Response:
    return _json(error.to_wire(), error.status)


async def _receive_body(
    receive: Receive,
    declared: str | None,
    limit: int,
    timeout_secs: float = DEFAULT_BODY_TIMEOUT_SECS,
) -> bytes:
    """The body, refused past ``limit`` bytes (declared or counted) without reading it all,
    and past ``timeout_secs`` (a client trickling a body holds no slot for ever)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise InvalidError(MSG_BODY_TOO_LARGE.format(limit=limit), status=413)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_secs):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnect()
                chunk: bytes = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise InvalidError(MSG_BODY_TOO_LARGE.format(limit=limit), status=413)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except TimeoutError:
        raise InvalidError(MSG_BODY_TIMEOUT.format(secs=f"{timeout_secs:g}"), status=408) from None


def _body_timeout(scope: Scope) -> float:
    timeout: float = getattr(scope.get("app"), "body_timeout_secs", DEFAULT_BODY_TIMEOUT_SECS)
    return timeout


async def _read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    return await _receive_body(request.receive, declared, limit, _body_timeout(request.scope))


async def _read_object(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """A control-plane body as a JSON object; an empty body counts as ``{}``."""
    body = await _read_body(request, limit)
    return parse_json_body(body) if body.strip() else {}


_CREDENTIAL_HEADERS = (b"authorization", b"x-device-fingerprint", b"x-client-cert")
_INVOKE_HEADERS = (b"content-length", *_CREDENTIAL_HEADERS)


def _invoke_headers(scope: Scope) -> dict[bytes, str]:
    """The headers an action call reads, in one pass over the raw headers (a hot path)."""
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _INVOKE_HEADERS and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _credentials(headers: dict[bytes, str]) -> Credentials:
    return Credentials.from_headers(*(headers.get(name) for name in _CREDENTIAL_HEADERS))


class _Invoke:
    """``POST /api/v1/actions/invoke/{action}`` as a plain ASGI app: the hot path of every
    client, so it skips building a Starlette request and response. Errors raised here reach
    the app's exception handlers like any endpoint's."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            raise InvalidError(MSG_METHOD_NOT_ALLOWED.format(method=scope["method"]), status=405)
        action = scope["path_params"]["action"]
        headers = _invoke_headers(scope)
        body = b""
        try:
            declared, timeout = headers.get(b"content-length"), _body_timeout(scope)
            body = await _receive_body(receive, declared, MAX_BODY_BYTES, timeout)
            credentials = _credentials(headers)
        except ActionError as error:  # refused before the hub saw it: journal it all the same
            self.hub.record_refused(action, body, error)
            raise
        if len(body) > OFFLOAD_BODY_BYTES:  # decoding it would stall every other client
            answer = await asyncio.to_thread(self.hub.invoke_json, action, body, credentials)
        else:
            answer = self.hub.invoke_json(action, body, credentials)
        if answer.latency_secs > 0:
            await asyncio.sleep(answer.latency_secs)
        status = 200 if answer.error is None else answer.error.status
        await _send_json(send, status, answer.output_json, answer.headers)

    async def direct(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a call that bypassed the app's middleware, answering errors as its exception
        handlers would (nothing has been sent when one is raised)."""
        try:
            await self(scope, receive, send)
        except ClientDisconnect:
            return  # nobody to answer
        except ActionError as error:
            await _send_json(send, error.status, msgspec.json.encode(error.to_wire()))
        except Exception as bug:  # as the app's last-resort handler answers
            internal = InternalError(MSG_UNEXPECTED_ERROR.format(error=bug))
            await _send_json(send, internal.status, msgspec.json.encode(internal.to_wire()))


async def _send_json(
    send: Send, status: int, body: bytes, extra: dict[str, str] | None = None
) -> None:
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", JSON_BYTES)]
    if extra:  # an injected fault's, checked when it was armed
        headers += [(name.lower().encode(), value.encode()) for name, value in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _App(Starlette):
    """The app, with action calls taken straight to their endpoint: routing them through
    Starlette's middleware costs about a fifth of a call. Once middleware is added to the
    app, every request goes through it."""

    def __init__(
        self, invoke: _Invoke, body_timeout_secs: float = DEFAULT_BODY_TIMEOUT_SECS, **settings: Any
    ) -> None:
        super().__init__(**settings)
        self._invoke = invoke
        self.body_timeout_secs = body_timeout_secs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].startswith(INVOKE_PREFIX)
            and not scope.get("root_path")
            and not self.user_middleware
        ):
            action = scope["path"][len(INVOKE_PREFIX) :]
            if action and "/" not in action:  # what the route's ``{action}`` matches
                scope["app"] = self
                scope["path_params"] = {"action": action}
                await self._invoke.direct(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _close_reason(error: ActionError) -> str:
    """``"<kind>: <message>"``, cut to what a close frame can carry (whole UTF-8 characters)."""
    reason = f"{error.kind}: {error.message}".encode()[:MAX_CLOSE_REASON_BYTES]
    return reason.decode("utf-8", "ignore")


async def _close(websocket: WebSocket, code: int, reason: str = "") -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):  # caller gone
        await websocket.close(code, reason)


def create_app(
    hub: Hub | None = None,
    *,
    control_token: str | None = None,
    invoke_frame_timeout_secs: float = DEFAULT_INVOKE_FRAME_TIMEOUT_SECS,
    body_timeout_secs: float = DEFAULT_BODY_TIMEOUT_SECS,
    cors: Sequence[str] | None = None,
) -> Starlette:
    """An ASGI app serving ``hub`` (a fresh default hub if none is given).

    With a ``control_token``, ``/_fake/*`` answers only callers presenting it (``guard``).
    With ``cors`` origins (``*`` for any), browsers on them may call every route.
    """
    served = hub if hub is not None else Hub()
    guard = ControlGuard(control_token)

    async def command(websocket: WebSocket) -> None:
        """One command invocation: an Invoke frame in; Log frames and a Done frame out."""
        await websocket.accept()
        try:
            message = await asyncio.wait_for(websocket.receive(), invoke_frame_timeout_secs)
        except TimeoutError:
            late = InvalidError(
                MSG_NO_INVOKE_FRAME.format(secs=f"{invoke_frame_timeout_secs:g}"), status=408
            )
            served.commands.record_refused(websocket.path_params["device_id"], b"", late)
            await _close(websocket, CLOSE_REFUSED_BASE + late.status, _close_reason(late))
            return
        if message["type"] != "websocket.receive":
            return  # the caller hung up before sending its Invoke frame
        text, data = message.get("text"), message.get("bytes")
        frame: str | bytes = text if text is not None else (data or b"")
        headers, device_id = websocket.headers, websocket.path_params["device_id"]
        open_ = True

        async def send(frame_data: dict[str, Any]) -> None:
            nonlocal open_
            if not open_:
                return
            try:
                await websocket.send_text(msgspec.json.encode(frame_data).decode())
            except (WebSocketDisconnect, RuntimeError, OSError):
                open_ = False  # the caller went away; the invocation still completes

        try:
            credentials = Credentials.from_headers(
                headers.get("authorization"),
                headers.get("x-device-fingerprint"),
                headers.get("x-client-cert"),
            )
        except ActionError as error:
            served.commands.record_refused(device_id, frame, error)
            await _close(websocket, CLOSE_REFUSED_BASE + error.status, _close_reason(error))
            return
        try:
            done = await served.commands.invoke(credentials, device_id, frame, send)
        except ActionError as error:  # refused, and journaled, by the hub
            await _close(websocket, CLOSE_REFUSED_BASE + error.status, _close_reason(error))
            return
        except Exception as bug:  # a bug in the fake must still end the socket with a reason
            internal = InternalError(MSG_UNEXPECTED_ERROR.format(error=bug))
            await _close(websocket, CLOSE_REFUSED_BASE + internal.status, _close_reason(internal))
            return
        await send(done)
        await _close(websocket, CLOSE_NORMAL)

    def answering_bugs(endpoint: Endpoint) -> Endpoint:
        """A bug answers 500 with the D1 body as an ``ActionError`` does: Starlette's last-resort
        handler would answer too, but re-raise, and the server then drops the connection."""

        async def answered(request: Request) -> Response:
            try:
                return await endpoint(request)
            except (ActionError, HTTPException, ClientDisconnect):
                raise
            except Exception as bug:
                raise InternalError(MSG_UNEXPECTED_ERROR.format(error=bug)) from bug

        return answered

    async def openapi(request: Request) -> Response:
        return Response(openapi_body(), media_type=JSON)

    async def health(request: Request) -> Response:
        described = control.describe(served)
        if not guard.admits(request.scope):
            del described["adminToken"]
        return _json(described)

    def no_query(endpoint: Endpoint) -> Endpoint:
        """Control endpoints take no query parameters: any is Invalid rather than ignored."""

        async def checked(request: Request) -> Response:
            guard.check(request.scope)
            control.query_parameters(request.query_params.multi_items(), ())
            return await endpoint(request)

        return answering_bugs(checked)

    async def reset(request: Request) -> Response:
        return _json(control.reset(served, await _read_object(request)))

    async def clock(request: Request) -> Response:
        if request.method == "GET":
            return _json(control.clock_state(served))
        return _json(control.move_clock(served, parse_json_body(await _read_body(request))))

    async def state(request: Request) -> Response:
        if request.method == "GET":
            return _json(control.state(served))
        body = await _read_body(request, MAX_SNAPSHOT_BYTES)
        return _json(control.restore(served, parse_json_body(body)))

    async def journal(request: Request) -> Response:
        guard.check(request.scope)
        allowed = control.JOURNAL_PARAMETERS if request.method == "GET" else ()
        query = control.query_parameters(request.query_params.multi_items(), allowed)
        if request.method == "GET":
            return _json(control.journal(served, query))
        return _json(control.clear_journal(served))

    async def faults(request: Request) -> Response:
        if request.method == "GET":
            return _json(control.faults(served))
        if request.method == "DELETE":
            return _json(control.clear_faults(served))
        return _json(control.inject_fault(served, parse_json_body(await _read_body(request))))

    async def hooks(request: Request) -> Response:
        if request.method == "GET":
            return _json(control.hooks(served))
        if request.method == "DELETE":
            return _json(control.clear_hooks(served))
        return _json(control.add_hook(served, parse_json_body(await _read_body(request))))

    async def fixture(request: Request) -> Response:
        if request.method == "GET":
            return _json(control.fixture(served))
        body = await _read_body(request, MAX_SNAPSHOT_BYTES)
        return _json(control.load_fixture(served, parse_json_body(body)))

    async def action_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ActionError)
        return _error(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            message = MSG_METHOD_NOT_ALLOWED_ON.format(method=request.method, path=request.url.path)
        else:
            message = MSG_NOT_FOUND_ROUTE.format(method=request.method, path=request.url.path)
        return _error(InvalidError(message, status=exc.status_code))

    async def unexpected(request: Request, exc: Exception) -> Response:
        return _error(InternalError(MSG_UNEXPECTED_ERROR.format(error=exc)))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    invoke = _Invoke(served)
    return _App(
        invoke,
        body_timeout_secs,
        middleware=cors_middleware(cors),  # present, it takes action calls off the fast path
        routes=[
            Route(INVOKE_PREFIX + "{action}", invoke, methods=methods),
            Route(OPENAPI_PATH, answering_bugs(openapi), methods=["GET"]),
            WebSocketRoute("/api/v1/connect/command/{device_id}", command),
            Route("/_fake/health", no_query(health), methods=["GET"]),
            Route("/_fake/reset", no_query(reset), methods=["POST"]),
            Route("/_fake/clock", no_query(clock), methods=["GET", "POST"]),
            Route("/_fake/state", no_query(state), methods=["GET", "PUT"]),
            Route("/_fake/journal", answering_bugs(journal), methods=["GET", "DELETE"]),
            Route("/_fake/faults", no_query(faults), methods=["GET", "POST", "DELETE"]),
            Route("/_fake/hooks", no_query(hooks), methods=["GET", "POST", "DELETE"]),
            Route("/_fake/fixture", no_query(fixture), methods=["GET", "POST"]),
            *dashboard_routes(served, guard),  # the dashboard at / and /_fake/ui/ (issue 16)
            *docs_routes(served, guard, OPENAPI_PATH),
        ],
        exception_handlers={
            ActionError: action_error,
            HTTPException: http_error,
            Exception: unexpected,
        },
    )
