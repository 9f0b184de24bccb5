"""``nexigon-fake serve``: run a hub behind uvicorn until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import resource
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path

import uvicorn

from nexigon_fake.clock import START_NOW, parse_timestamp
from nexigon_fake.errors import ActionError
from nexigon_fake.hub import Hub
from nexigon_fake.serve.app import (
    DEFAULT_BODY_TIMEOUT_SECS,
    DEFAULT_INVOKE_FRAME_TIMEOUT_SECS,
    create_app,
)
from nexigon_fake.serve.connections import DEFAULT_HEADER_TIMEOUT_SECS, header_deadline_protocol
from nexigon_fake.serve.cors import check_origin
from nexigon_fake.serve.guard import generate_control_token, is_loopback
from nexigon_fake.simulation import load_profile, start_fleet
from nexigon_fake.toolkit.journal import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_CAP


def _version() -> str:
    """The installed distribution's version: the one place it is written is pyproject.toml."""
    try:
        return importlib.metadata.version("nexigon-fake")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def _timestamp(text: str) -> object:
    if text == START_NOW:
        return text
    try:
        return parse_timestamp(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"not an RFC 3339 timestamp with offset: {error}"
        ) from None


class _Server(uvicorn.Server):
    """uvicorn re-raises the signal that stopped it after shutting down; a clean stop exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nexigon-fake", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a fresh hub over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    serve.add_argument("--seed", type=int, default=0, help="seed for ids and secrets")
    serve.add_argument("--admin-token", default=None, help="the administrator's token")
    serve.add_argument(
        "--frozen-clock", action="store_true", help="time stands still until moved via /_fake/clock"
    )
    serve.add_argument(
        "--start-time",
        type=_timestamp,
        default=None,
        help="initial hub time (RFC 3339, or `now`: the wall-clock time at start)",
    )
    serve.add_argument("--strict", action="store_true", help="reject unknown request fields")
    serve.add_argument(
        "--domain", default="nexigon-fake.localhost", help="domain of HTTP proxy hostnames"
    )
    serve.add_argument(
        "--fixture",
        default=None,
        help="built-in fixture name (showcase, fleet-1000) or path of a fixture JSON file to "
        "load; /_fake/reset returns to it",
    )
    serve.add_argument(
        "--journal-cap",
        type=_non_negative,
        default=DEFAULT_JOURNAL_CAP,
        help=f"most invocations the journal keeps (default {DEFAULT_JOURNAL_CAP})",
    )
    serve.add_argument(
        "--simulate",
        type=_non_negative,
        default=0,
        metavar="N",
        help="simulate N devices acting like nexigon-agent (with the system clock they live "
        "in real time; with --frozen-clock they move with /_fake/clock)",
    )
    serve.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="FILE",
        help="DeviceProfile JSON of the simulated devices (see the README)",
    )
    serve.add_argument("--log-level", default="warning", help="uvicorn log level")
    add_hardening_options(serve)
    add_browser_options(serve)
    return parser


def add_browser_options(serve: argparse.ArgumentParser) -> None:
    """What a browser on another origin needs to call the hub (issue 16)."""
    serve.add_argument(
        "--cors",
        action="append",
        type=_cors_origin,
        default=None,
        metavar="ORIGIN",
        help="let browser pages on ORIGIN (scheme://host[:port], or * for any) call the hub; "
        "repeatable (default: no cross-origin calls)",
    )


def _cors_origin(text: str) -> str:
    try:
        return check_origin(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


DRIVE_EVERY_SECS = 1.0


async def drive_every(
    hub: Hub,
    secs: float = DRIVE_EVERY_SECS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """With the system clock nothing moves the hub between calls: run what fell due (a
    simulated fleet's next actions, operation deadlines) every ``secs``, until cancelled.
    The timer lives here, in the process, never in the state machine."""
    while True:
        await sleep(secs)
        hub.drive()


def add_hardening_options(serve: argparse.ArgumentParser) -> None:
    """Bounds on what a long-running server keeps and waits for (issue 18)."""
    serve.add_argument(
        "--journal-bytes",
        type=_non_negative,
        default=DEFAULT_JOURNAL_BYTES,
        help=f"most bytes the journal's entries take (default {DEFAULT_JOURNAL_BYTES})",
    )
    serve.add_argument(
        "--control-token",
        default=None,
        help="token /_fake/* requires in X-Control-Token; generated and printed when the host "
        "is not loopback and none is given (on loopback the control plane is open without one)",
    )
    seconds = (
        ("--header-timeout", DEFAULT_HEADER_TIMEOUT_SECS, "for a request's headers to arrive"),
        ("--body-timeout", DEFAULT_BODY_TIMEOUT_SECS, "for a request's body to arrive"),
        ("--idle-timeout", DEFAULT_IDLE_TIMEOUT_SECS, "an idle keep-alive connection stays open"),
        ("--invoke-frame-timeout", DEFAULT_INVOKE_FRAME_TIMEOUT_SECS, "for a command's Invoke"),
    )
    for flag, default, what in seconds:
        serve.add_argument(
            flag, type=_positive_secs, default=default, help=f"seconds {what} (default {default:g})"
        )
    serve.add_argument(
        "--limit-concurrency",
        type=_non_negative,
        default=DEFAULT_LIMIT_CONCURRENCY,
        help="connections and requests at once before new ones get 503 "
        f"(default {DEFAULT_LIMIT_CONCURRENCY}; 0: no limit)",
    )


DEFAULT_IDLE_TIMEOUT_SECS = 5.0
DEFAULT_LIMIT_CONCURRENCY = 4096


def _positive_secs(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1e6 seconds, not {text}")
    return value


def _control_token(args: argparse.Namespace) -> str | None:
    """The control token to require: given, or generated off loopback (issue 18, item 7)."""
    if args.control_token is not None:
        return str(args.control_token)
    return None if is_loopback(args.host) else generate_control_token()


def announce_control(host: str, control_token: str | None) -> None:
    """Print the control token, and warn when the hub is reachable beyond this machine."""
    if control_token is not None:
        print(f"control token: {control_token}", flush=True)
    if not is_loopback(host):
        print(
            f"nexigon-fake: warning: serving on {host}, which is not loopback: anyone who "
            "can reach the port can call the hub; /_fake/* requires the control token "
            "(X-Control-Token), and with it GET /_fake/state shows every secret",
            file=sys.stderr,
            flush=True,
        )


def _raise_file_limit() -> None:
    """Many idle clients must not exhaust a low soft descriptor limit while the hard one allows
    more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or positive, not {value}")
    return value


def serve(args: argparse.Namespace) -> int:
    try:
        hub = Hub(
            seed=args.seed,
            start_time=args.start_time,
            frozen_clock=args.frozen_clock,
            admin_token=args.admin_token,
            strict=args.strict,
            domain=args.domain,
            journal_cap=args.journal_cap,
            fixture=args.fixture,
            journal_bytes=args.journal_bytes,
        )
        profile = load_profile(args.profile) if args.profile is not None else None
    except ActionError as error:  # a bad fixture: say which file and where, then stop
        print(f"nexigon-fake: {error.message}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:  # a profile that cannot be read or is not one
        print(f"nexigon-fake: profile {args.profile}: {error}", file=sys.stderr)
        return 2
    # Bind first, so --port 0 can report the port it got before serving.
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only then.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(2048)  # connections queue from here on, so the printed URL is usable at once
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    print(f"nexigon-fake serving at http://{shown_host}:{port}", flush=True)
    print(f"admin token: {hub.admin_token}", flush=True)
    print(f"default organization: {hub.default_organization_id}", flush=True)
    if hub.fixture is not None:
        print(f"fixture: {hub.fixture.name} (ids: GET /_fake/fixture)", flush=True)
    if args.simulate:
        fleet = start_fleet(hub, count=args.simulate, profile=profile)
        print(f"simulated devices: {len(fleet)} in project {fleet.project_id}", flush=True)
    base = f"http://{shown_host}:{port}"
    print(f"dashboard: {base}/  API docs: {base}/docs", flush=True)

    control_token = _control_token(args)
    announce_control(args.host, control_token)
    _raise_file_limit()
    app = create_app(
        hub,
        control_token=control_token,
        invoke_frame_timeout_secs=args.invoke_frame_timeout,
        body_timeout_secs=args.body_timeout,
        cors=args.cors,
    )
    config = uvicorn.Config(
        app,
        log_level=args.log_level,
        lifespan="off",
        http=header_deadline_protocol(args.header_timeout),
        timeout_keep_alive=max(1, round(args.idle_timeout)),
        limit_concurrency=args.limit_concurrency or None,
        backlog=2048,
    )
    server = _Server(config)
    asyncio.run(_serve_and_drive(server, sock, hub, driven=not args.frozen_clock))
    return 0


async def _serve_and_drive(
    server: uvicorn.Server, sock: socket.socket, hub: Hub, driven: bool
) -> None:
    ticker = asyncio.create_task(drive_every(hub)) if driven else None
    try:
        await server.serve(sockets=[sock])
    finally:
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # unreachable: argparse requires a command


if __name__ == "__main__":
    sys.exit(main())
