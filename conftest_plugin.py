"""pytest plugin of nexigon-fake: a fresh fake Nexigon Hub per test, in-process or served live.

Registered as the ``pytest11`` entry point ``nexigon_fake``, so installing the package is
enough. Importing it is cheap: ``nexigon_fake`` (and uvicorn, httpx, the SDK) load only when a
test asks for one of the fixtures.

Fixtures: ``nexigon_hub``, ``nexigon_client``, ``nexigon_async_client``, ``nexigon_server``,
``nexigon_sdk``, ``nexigon_async_sdk``, ``nexigon_device``. Configure them with the marker
``@pytest.mark.nexigon(seed=…, now=…, fixture=…, strict=…)`` or the ``--nexigon-*`` options.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    import httpx
    import uvicorn

    from nexigon_fake import Hub
    from nexigon_fake.toolkit.snapshot import Baseline

try:  # async fixtures need pytest-asyncio; everything else works without it
    import pytest_asyncio
except ImportError:  # pragma: no cover - exercised only where pytest-asyncio is absent
    pytest_asyncio = None  # type: ignore[assignment]

HandlerT = TypeVar("HandlerT", bound=Callable[..., Any])

MARKER_KEYS = ("seed", "now", "fixture", "strict")
# A test using any of these talks to the live server, so its nexigon_hub is the server's.
SERVED_BY_LIVE_SERVER = {"nexigon_server", "nexigon_sdk", "nexigon_async_sdk"}
IN_PROCESS_BASE_URL = "http://nexigon-fake.test"
SDK_MISSING = "the official SDK `nexigon-hub-sdk` is not installed (it needs Python 3.12)"
EXTERNAL_HUB = "--nexigon-url points the clients at an external hub; {fixture} needs the fake"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nexigon", "nexigon-fake: a fake Nexigon Hub for tests")
    group.addoption(
        "--nexigon-seed",
        type=int,
        default=None,
        help="seed of the fake hub's ids and secrets (default 0; the marker overrides it)",
    )
    group.addoption(
        "--nexigon-fixture",
        default=None,
        help="built-in fixture name or path of a fixture JSON file loaded into every fake hub",
    )
    group.addoption(
        "--nexigon-url",
        default=None,
        help="run nexigon_client, nexigon_async_client and the SDK fixtures against this "
        "external hub (another fake, or a real Nexigon Hub) instead of a fake",
    )
    group.addoption(
        "--nexigon-token",
        default=None,
        help="bearer token for --nexigon-url",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "nexigon(seed=0, now=None, fixture=None, strict=False): configure this test's fake "
        "Nexigon Hub: id seed, frozen start time (datetime or RFC 3339), fixture to load "
        "(built-in name or path), strict input validation",
    )
    if config.getoption("nexigon_url") and not config.getoption("nexigon_token"):
        raise pytest.UsageError("--nexigon-url needs --nexigon-token (the hub's bearer token)")
    seed = config.getoption("nexigon_seed")
    if seed is not None and seed < 0:
        raise pytest.UsageError(f"--nexigon-seed must be an integer >= 0, not {seed}")
    config.stash[_SESSION] = _Session()


@dataclass(frozen=True)
class HubSettings:
    """What one test's fake hub is built from (marker first, then options, then defaults)."""

    seed: int = 0
    now: dt.datetime | None = None
    fixture: str | None = None
    strict: bool = False


@dataclass
class NexigonServer:
    """A live fake hub: uvicorn on 127.0.0.1, an ephemeral port, the hub it serves."""

    url: str
    hub: Hub

    @property
    def admin_token(self) -> str:
        return self.hub.admin_token

    @property
    def default_organization_id(self) -> str:
        return self.hub.default_organization_id


@dataclass
class _Session:
    """Per pytest process (so per xdist worker): baselines and the live server."""

    baselines: dict[HubSettings, Baseline] = field(default_factory=dict)
    server: tuple[uvicorn.Server, threading.Thread, NexigonServer] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def baseline(self, settings: HubSettings) -> Baseline:
        """The snapshot a hub with these settings starts from (fixtures load once)."""
        with self.lock:
            found = self.baselines.get(settings)
            if found is None:
                from nexigon_fake.toolkit.snapshot import Baseline

                found = Baseline(_build_hub(settings).snapshot_json())
                self.baselines[settings] = found
            return found

    def live_server(self) -> NexigonServer:
        with self.lock:
            if self.server is None:
                self.server = _start_server()
            return self.server[2]

    def close(self) -> None:
        if self.server is not None:
            uvicorn_server, thread, _ = self.server
            uvicorn_server.should_exit = True
            thread.join()
            self.server = None


_SESSION = pytest.StashKey[_Session]()


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION, None)
    if session is not None:
        session.close()


def _parse_now(value: Any) -> dt.datetime:
    if isinstance(value, str):
        from nexigon_fake.clock import parse_timestamp

        try:
            return parse_timestamp(value)
        except ValueError as error:
            raise pytest.UsageError(f"nexigon marker: `now` {value!r}: {error}") from None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    raise pytest.UsageError(
        f"nexigon marker: `now` must be a timezone-aware datetime or RFC 3339 text, not {value!r}"
    )


def _settings(request: pytest.FixtureRequest) -> HubSettings:
    found: dict[str, Any] = {}
    for marker in request.node.iter_markers("nexigon"):  # closest first
        if marker.args:
            raise pytest.UsageError("nexigon marker takes keyword arguments only")
        unknown = set(marker.kwargs) - set(MARKER_KEYS)
        if unknown:
            raise pytest.UsageError(
                f"nexigon marker: unknown argument(s) {sorted(unknown)}; "
                f"it takes {', '.join(MARKER_KEYS)}"
            )
        for key, value in marker.kwargs.items():
            found.setdefault(key, value)
    options = request.config.option
    seed = found.get("seed", options.nexigon_seed)
    if seed is None:
        seed = 0
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise pytest.UsageError(f"nexigon: the seed must be an integer >= 0, not {seed!r}")
    strict = found.get("strict", False)
    if not isinstance(strict, bool):
        raise pytest.UsageError(f"nexigon marker: `strict` must be a boolean, not {strict!r}")
    fixture = found.get("fixture", options.nexigon_fixture)
    if fixture is not None:
        fixture = str(fixture)
    now = found.get("now")
    return HubSettings(seed, None if now is None else _parse_now(now), fixture, strict)


def _build_hub(settings: HubSettings) -> Hub:
    from nexigon_fake import Hub

    return Hub(
        seed=settings.seed,
        start_time=settings.now,
        strict=settings.strict,
        fixture=settings.fixture,
    )


def _fresh_hub(request: pytest.FixtureRequest, hub: Hub | None = None) -> Hub:
    """A hub in the test's starting state; ``hub`` (the live server's) is reset in place."""
    settings = _settings(request)
    session = request.config.stash[_SESSION]
    if hub is None and settings.fixture is None:
        return _build_hub(settings)  # cheaper than restoring a snapshot
    if hub is None:
        from nexigon_fake import Hub

        hub = Hub(seed=settings.seed)
    hub.reset_to(session.baseline(settings))
    return hub


def _start_server() -> tuple[uvicorn.Server, threading.Thread, NexigonServer]:
    """uvicorn in a thread on a socket bound before it starts, so no readiness wait is needed."""
    import socket

    import uvicorn

    from nexigon_fake import Hub, create_app

    hub = Hub()
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only then, and
    # without it every kept-alive request waits ~40 ms for Nagle's algorithm.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(hub), log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="nexigon-fake", daemon=True
    )
    thread.start()
    return server, thread, NexigonServer(f"http://127.0.0.1:{port}", hub)


def _external(request: pytest.FixtureRequest) -> tuple[str, str] | None:
    url = request.config.option.nexigon_url
    return None if url is None else (url.rstrip("/"), request.config.option.nexigon_token)


@pytest.fixture
def nexigon_server(request: pytest.FixtureRequest) -> NexigonServer:
    """The live fake of this worker, reset to this test's settings (marker, options)."""
    if _external(request) is not None:
        pytest.skip(EXTERNAL_HUB.format(fixture="nexigon_server"))
    server = request.config.stash[_SESSION].live_server()
    _fresh_hub(request, server.hub)
    return server


@pytest.fixture
def nexigon_hub(request: pytest.FixtureRequest) -> Hub:
    """A fresh deterministic fake hub (the live server's, when the test also uses it)."""
    if _external(request) is not None:
        pytest.skip(EXTERNAL_HUB.format(fixture="nexigon_hub"))
    if SERVED_BY_LIVE_SERVER & set(request.fixturenames):
        server: NexigonServer = request.getfixturevalue("nexigon_server")
        return server.hub
    return _fresh_hub(request)


@pytest.fixture
def nexigon_client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A sync HTTP client bound in-process (no socket) to ``nexigon_hub``, as its admin."""
    external = _external(request)
    if external is not None:
        import httpx

        url, token = external
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
            yield http
        return
    import httpx

    from nexigon_fake import create_app
    from nexigon_fake.serve.transport import InProcessTransport

    hub: Hub = request.getfixturevalue("nexigon_hub")
    with httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url=IN_PROCESS_BASE_URL,
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    ) as http:
        yield http


def _sdk_client_args(request: pytest.FixtureRequest) -> tuple[str, str]:
    external = _external(request)
    if external is not None:
        return external
    server: NexigonServer = request.getfixturevalue("nexigon_server")
    return server.url, server.admin_token


@pytest.fixture
def nexigon_sdk(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The official SDK's ``Client``, pointed at ``nexigon_server`` as its admin."""
    sdk = pytest.importorskip("nexigon_hub_sdk", reason=SDK_MISSING)
    url, token = _sdk_client_args(request)
    with sdk.Client(url, token=token) as client:
        yield client


@dataclass
class SimulatedDevice:
    """A device of ``nexigon_hub`` whose command handlers the test declares.

    Handlers take ``(input, log)`` and return the output or raise (see
    ``hub.devices.on_command``); they are forgotten when the next test resets the hub.
    """

    hub: Hub
    device_id: str
    project_id: str

    def command(self, name: str, **manifest: Any) -> Callable[[HandlerT], HandlerT]:
        """``@device.command("reboot", input_schema=…)``: register the decorated function."""

        def register(handler: HandlerT) -> HandlerT:
            self.hub.devices.on_command(self.device_id, name, handler, **manifest)
            return handler

        return register

    def on_command(self, name: str, handler: Callable[..., Any], **manifest: Any) -> None:
        self.hub.devices.on_command(self.device_id, name, handler, **manifest)

    def remove_command(self, name: str) -> bool:
        return self.hub.devices.remove_command(self.device_id, name)

    def connect(self) -> str:
        """Open a connection (commands need one, as a real agent's); its id."""
        with self.hub.lock:
            connection_id = self.hub.ids.flat("d_conn")
            node_id = self.hub.ids.flat("cluster_node")
        self.hub.devices.register_connection(
            device_id=self.device_id, connection_id=connection_id, node_id=node_id
        )
        return connection_id

    def disconnect(self) -> None:
        """End every open connection: the device is offline."""
        for connection in self.hub.devices.query_connections(
            device_id=self.device_id, active_only=True
        ).connections:
            self.hub.devices.unregister_connection(
                connection_id=connection.connection_id, end_reason="Disconnected"
            )


@pytest.fixture
def nexigon_device(request: pytest.FixtureRequest) -> Callable[..., SimulatedDevice]:
    """Make devices on ``nexigon_hub`` to declare command handlers on:
    ``nexigon_device(project_id=None, name=None, connected=True)`` (default: a new device,
    connected, in a project made once per test)."""
    hub: Hub = request.getfixturevalue("nexigon_hub")
    projects: list[str] = []

    def make(
        *, project_id: str | None = None, name: str | None = None, connected: bool = True
    ) -> SimulatedDevice:
        if project_id is None:
            if not projects:
                organization_id = hub.default_organization_id
                created = hub.invoke(
                    "projects_Create", {"organizationId": organization_id, "name": "devices"}
                )
                projects.append(created["projectId"])
            project_id = projects[0]
        with hub.lock:
            fingerprint = hub.ids.secret("d_sk")
        device_id = hub.devices.create(project_id=project_id, fingerprint=fingerprint).device_id
        if name is not None:
            hub.devices.set_name(device_id=device_id, name=name)
        device = SimulatedDevice(hub, device_id, project_id)
        if connected:
            device.connect()
        return device

    return make


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def nexigon_async_client(
        request: pytest.FixtureRequest,
    ) -> AsyncIterator[httpx.AsyncClient]:
        """An async HTTP client bound in-process (ASGI, no socket) to ``nexigon_hub``."""
        import httpx

        external = _external(request)
        if external is not None:
            url, token = external
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=url, headers=headers) as http:
                yield http
            return
        from nexigon_fake import create_app

        hub: Hub = request.getfixturevalue("nexigon_hub")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(hub)),
            base_url=IN_PROCESS_BASE_URL,
            headers={"Authorization": f"Bearer {hub.admin_token}"},
        ) as http:
            yield http

    @pytest_asyncio.fixture
    async def nexigon_async_sdk(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
        """The official SDK's ``AsyncClient``, pointed at ``nexigon_server`` as its admin."""
        sdk = pytest.importorskip("nexigon_hub_sdk", reason=SDK_MISSING)
        url, token = _sdk_client_args(request)
        async with sdk.AsyncClient(url, token=token) as client:
            yield client

else:  # pragma: no cover - exercised only where pytest-asyncio is absent

    @pytest.fixture
    def nexigon_async_client() -> None:
        """Needs pytest-asyncio."""
        pytest.fail("nexigon_async_client needs pytest-asyncio (pip install pytest-asyncio)")

    @pytest.fixture
    def nexigon_async_sdk() -> None:
        """Needs pytest-asyncio."""
        pytest.fail("nexigon_async_sdk needs pytest-asyncio (pip install pytest-asyncio)")
