"""``nexigon-fake serve``: run a hub behind uvicorn until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path

import uvicorn

from nexigon_fake.clock import parse_timestamp
from nexigon_fake.errors import ActionError
from nexigon_fake.hub import Hub
from nexigon_fake.serve.app import create_app
from nexigon_fake.simulation import load_profile, start_fleet
from nexigon_fake.toolkit.journal import DEFAULT_JOURNAL_CAP


def _timestamp(text: str) -> object:
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
        "--start-time", type=_timestamp, default=None, help="initial hub time (RFC 3339)"
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
    return parser


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
    config = uvicorn.Config(create_app(hub), log_level=args.log_level, lifespan="off")
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
