"""pytest plugin of nexigon-fake: a fresh fake Nexigon Hub per test, in-process or served live.

Registered as the ``pytest11`` entry point ``nexigon_fake``, so installing the package is
enough. Importing it is cheap: ``nexigon_fake`` (and uvicorn, httpx, the SDK) load only when a
test asks for one of the fixtures. Only hooks and fixtures live here; what they build on is
``nexigon_fake.testing.plugin``.

Fixtures: ``nexigon_hub``, ``nexigon_client``, ``nexigon_async_client``, ``nexigon_server``,
``nexigon_sdk``, ``nexigon_async_sdk``, ``nexigon_device``, ``nexigon_fleet``. Configure them
with the marker ``@pytest.mark.nexigon(seed=…, now=…, fixture=…, strict=…)`` or the
``--nexigon-*`` options; simulated fleets with ``@pytest.mark.nexigon_fleet(count=…, …)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the plugin stays import-light: these load inside fixtures
    import httpx

    from nexigon_fake.hub import Hub
    from nexigon_fake.simulation import SimulatedFleet
    from nexigon_fake.testing.plugin.devices import SimulatedDevice as SimulatedDevice
    from nexigon_fake.testing.plugin.hubs import FreshHubs
    from nexigon_fake.testing.plugin.server import LiveServer
    from nexigon_fake.testing.plugin.server import NexigonServer as NexigonServer

try:  # async fixtures need pytest-asyncio; everything else works without it
    import pytest_asyncio
except ImportError:  # pragma: no cover - exercised only where pytest-asyncio is absent
    pytest_asyncio = None  # type: ignore[assignment]

# A test using any of these talks to the live server, so its nexigon_hub is the server's.
SERVED_BY_LIVE_SERVER = {"nexigon_server", "nexigon_sdk", "nexigon_async_sdk"}
SDK_MISSING = "the official SDK `nexigon-hub-sdk` is not installed (it needs Python 3.12)"
EXTERNAL_HUB = "--nexigon-url points the clients at an external hub; {fixture} needs the fake"

# Per pytest process (so per xdist worker), made when a fixture first needs them.
_HUBS: pytest.StashKey[FreshHubs] = pytest.StashKey()
_SERVER: pytest.StashKey[LiveServer] = pytest.StashKey()


def __getattr__(name: str) -> Any:
    """``from conftest_plugin import NexigonServer, SimulatedDevice`` loads the fake only then."""
    if name == "NexigonServer":
        from nexigon_fake.testing.plugin.server import NexigonServer

        return NexigonServer
    if name == "SimulatedDevice":
        from nexigon_fake.testing.plugin.devices import SimulatedDevice

        return SimulatedDevice
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    group.addoption(
        "--nexigon-cors",
        action="append",
        default=None,
        metavar="ORIGIN",
        help="let browser pages on ORIGIN (scheme://host[:port], or *) call nexigon_server; "
        "repeatable (the marker's `cors` overrides it)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "nexigon(seed=0, now=None, fixture=None, strict=False): configure this test's fake "
        "Nexigon Hub: id seed, frozen start time (datetime or RFC 3339), fixture to load "
        "(built-in name or path), strict input validation; cors=[ORIGIN, ...]: origins "
        "whose browser pages may call nexigon_server",
    )
    config.addinivalue_line(
        "markers",
        "nexigon_fleet(count=None, device_ids=None, project_id=None, profile=None, seed=None, "
        "journaled=False): defaults of the nexigon_fleet fixture's simulated fleets "
        "(profile: a DeviceProfile, its JSON data, or a path to a JSON file)",
    )
    if config.getoption("nexigon_url") and not config.getoption("nexigon_token"):
        raise pytest.UsageError("--nexigon-url needs --nexigon-token (the hub's bearer token)")
    seed = config.getoption("nexigon_seed")
    if seed is not None and seed < 0:
        raise pytest.UsageError(f"--nexigon-seed must be an integer >= 0, not {seed}")


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_SERVER, None)
    if server is not None:
        server.stop()
        del config.stash[_SERVER]


def _fresh_hub(request: pytest.FixtureRequest, hub: Hub | None = None) -> Hub:
    """A hub in the test's starting state; ``hub`` (the live server's) is reset in place."""
    from nexigon_fake.testing.plugin.hubs import FreshHubs, hub_settings

    options = request.config.option
    markers = request.node.iter_markers("nexigon")  # closest first
    settings = hub_settings(markers, options.nexigon_seed, options.nexigon_fixture)
    hubs = request.config.stash.get(_HUBS, None)
    if hubs is None:
        hubs = request.config.stash[_HUBS] = FreshHubs()
    return hubs.fresh(settings, hub)


def _external(request: pytest.FixtureRequest) -> tuple[str, str] | None:
    url = request.config.option.nexigon_url
    return None if url is None else (url.rstrip("/"), request.config.option.nexigon_token)


@pytest.fixture
def nexigon_server(request: pytest.FixtureRequest) -> NexigonServer:
    """The live fake of this worker, reset to this test's settings (marker, options)."""
    if _external(request) is not None:
        pytest.skip(EXTERNAL_HUB.format(fixture="nexigon_server"))
    from nexigon_fake.testing.plugin.server import LiveServer, cors_setting

    cors = cors_setting(request.node.iter_markers("nexigon"), request.config.option.nexigon_cors)
    live = request.config.stash.get(_SERVER, None)
    if live is not None and live.cors != cors:  # CORS is fixed when a server starts
        live.stop()
        live = None
    if live is None:
        live = request.config.stash[_SERVER] = LiveServer.start(cors)
    _fresh_hub(request, live.server.hub)
    return live.server


@pytest.fixture
def nexigon_hub(request: pytest.FixtureRequest) -> Hub:
    """A fresh deterministic fake hub (the live server's, when the test also uses it)."""
    if _external(request) is not None:
        pytest.skip(EXTERNAL_HUB.format(fixture="nexigon_hub"))
    if SERVED_BY_LIVE_SERVER & set(request.fixturenames):
        server: NexigonServer = request.getfixturevalue("nexigon_server")
        return server.hub
    return _fresh_hub(request)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def nexigon_client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A sync HTTP client bound in-process (no socket) to ``nexigon_hub``, as its admin."""
    external = _external(request)
    if external is not None:
        import httpx

        url, token = external
        with httpx.Client(base_url=url, headers=_bearer(token)) as http:
            yield http
        return
    from nexigon_fake.testing.plugin.http_clients import in_process_client

    with in_process_client(request.getfixturevalue("nexigon_hub")) as http:
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


@pytest.fixture
def nexigon_device(request: pytest.FixtureRequest) -> Callable[..., SimulatedDevice]:
    """Make devices on ``nexigon_hub`` to declare command handlers on:
    ``nexigon_device(project_id=None, name=None, connected=True, agent=False)`` (default: a
    new device, connected, in a project made once per test; ``agent=True`` lets it take its
    operation work as the real agent does)."""
    from nexigon_fake.testing.plugin.devices import SimulatedDevices

    return SimulatedDevices(request.getfixturevalue("nexigon_hub"))


@pytest.fixture
def nexigon_fleet(request: pytest.FixtureRequest) -> Callable[..., SimulatedFleet]:
    """Make simulated fleets on ``nexigon_hub`` that act like real agents on its clock:
    ``nexigon_fleet(count=1, profile=None, seed=None, journaled=False, ...)``, defaults from
    the ``nexigon_fleet`` marker (see ``hub.simulate``)."""
    from nexigon_fake.testing.plugin.fleets import SimulatedFleets, fleet_settings

    defaults = fleet_settings(request.node.iter_markers("nexigon_fleet"))
    return SimulatedFleets(request.getfixturevalue("nexigon_hub"), defaults)


if pytest_asyncio is not None:

    @pytest_asyncio.fixture
    async def nexigon_async_client(
        request: pytest.FixtureRequest,
    ) -> AsyncIterator[httpx.AsyncClient]:
        """An async HTTP client bound in-process (ASGI, no socket) to ``nexigon_hub``."""
        external = _external(request)
        if external is not None:
            import httpx

            url, token = external
            async with httpx.AsyncClient(base_url=url, headers=_bearer(token)) as http:
                yield http
            return
        from nexigon_fake.testing.plugin.http_clients import in_process_async_client

        async with in_process_async_client(request.getfixturevalue("nexigon_hub")) as http:
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
