"""pytest plugin of nexigon-fake: a fresh fake Nexigon Hub per test, in-process or served live.

Registered as the ``pytest11`` entry point ``nexigon_fake``, so installing the package is
enough. Importing it is cheap: ``nexigon_fake`` (and uvicorn, httpx, the SDK) load only when a
test asks for one of the fixtures. Only hooks and fixtures live here; what they build on is
``nexigon_fake.testing.plugin``.

Fixtures: ``nexigon_hub``, ``nexigon_client``, ``nexigon_async_client``, ``nexigon_server``,
``nexigon_sdk``, ``nexigon_async_sdk``, ``nexigon_device``, ``nexigon_fleet``,
``nexigon_hooks``. Configure them with the marker ``@pytest.mark.nexigon(seed=…, now=…,
fixture=…, strict=…, all_fired=…)`` or the ``--nexigon-*`` options; simulated fleets with
``@pytest.mark.nexigon_fleet(count=…, …)``.
Portable fixtures, for suites that also run against a real Hub (``--nexigon-url`` or
``NEXIGON_URL``): ``nexigon_organization_id``, ``nexigon_project_id``, ``nexigon_create_device``.
"""

from __future__ import annotations

import functools
import os
import sys

# Imported by this name while the entry point (``_nexigon_fake_pytest``) has loaded this file:
# be that module, so the fixtures and stash keys are not defined twice.
if __name__ == "conftest_plugin" and "_nexigon_fake_pytest" in sys.modules:
    sys.modules[__name__] = sys.modules["_nexigon_fake_pytest"]

from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest

if TYPE_CHECKING:  # the plugin stays import-light: these load inside fixtures
    import httpx

    from nexigon_fake.hub import Hub
    from nexigon_fake.simulation import SimulatedFleet
    from nexigon_fake.testing.plugin.devices import SimulatedDevice as SimulatedDevice
    from nexigon_fake.testing.plugin.hubs import FreshHubs
    from nexigon_fake.testing.plugin.portable import Caller, DeviceFactory, RemoteCaller
    from nexigon_fake.testing.plugin.server import LiveServer
    from nexigon_fake.testing.plugin.server import NexigonServer as NexigonServer
    from nexigon_fake.toolkit.hooks import Hooks

try:  # async fixtures use pytest-asyncio when it is there, else anyio's plugin runs them
    import pytest_asyncio
except ImportError:  # pragma: no cover - exercised only where pytest-asyncio is absent
    pytest_asyncio = None  # type: ignore[assignment]

_Fixture = TypeVar("_Fixture", bound=Callable[..., Any])

# A test using any of these talks to the live server, so its nexigon_hub is the server's.
SERVED_BY_LIVE_SERVER = {"nexigon_server", "nexigon_sdk", "nexigon_async_sdk"}
SDK_MISSING = "the official SDK `nexigon-hub-sdk` is not installed (it needs Python 3.12)"
EXTERNAL_HUB = "--nexigon-url points the clients at an external hub; {fixture} needs the fake"

# Per pytest process (so per xdist worker), made when a fixture first needs them.
_HUBS: pytest.StashKey[FreshHubs] = pytest.StashKey()
_SERVER: pytest.StashKey[LiveServer] = pytest.StashKey()
# Per test item: its call failed (the all-fired check then stays quiet).
_CALL_FAILED: pytest.StashKey[bool] = pytest.StashKey()
_REMOTE: pytest.StashKey[RemoteCaller] = pytest.StashKey()
_ORGANIZATION: pytest.StashKey[str] = pytest.StashKey()

# Environment variables standing in for the options: a token on the command line lands in
# shell history and CI logs.
URL_ENV, TOKEN_ENV, ORGANIZATION_ENV = "NEXIGON_URL", "NEXIGON_TOKEN", "NEXIGON_ORGANIZATION_ID"


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
        help="run nexigon_client, nexigon_async_client, the SDK fixtures and the portable "
        "fixtures against this external hub (another fake, or a real Nexigon Hub) instead of "
        f"a fake (default: ${URL_ENV})",
    )
    group.addoption(
        "--nexigon-token",
        default=None,
        help=f"bearer token for --nexigon-url (default: ${TOKEN_ENV}, which keeps it out of "
        "shell history and CI logs)",
    )
    group.addoption(
        "--nexigon-organization-id",
        default=None,
        help="organization of nexigon_organization_id on an external hub (default: "
        f"${ORGANIZATION_ENV}, else the token's only organization)",
    )
    group.addoption(
        "--nexigon-all-fired",
        action="store_true",
        default=False,
        help="fail (in teardown) every test that leaves an armed fault or hook of the fake "
        "unfired (the marker's all_fired overrides it)",
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
        "nexigon(seed=0, now=None, fixture=None, strict=False, all_fired=False): configure "
        "this test's fake Nexigon Hub: id seed, frozen start time (datetime or RFC 3339), "
        "fixture to load (built-in name or path), strict input validation, fail the test "
        "when it leaves an armed fault or hook unfired; cors=[ORIGIN, ...]: origins whose "
        "browser pages may call nexigon_server",
    )
    config.addinivalue_line(
        "markers",
        "nexigon_fleet(count=None, device_ids=None, project_id=None, profile=None, seed=None, "
        "journaled=False): defaults of the nexigon_fleet fixture's simulated fleets "
        "(profile: a DeviceProfile, its JSON data, or a path to a JSON file)",
    )
    if _option_or_env(config, "nexigon_url", URL_ENV) and not _option_or_env(
        config, "nexigon_token", TOKEN_ENV
    ):
        raise pytest.UsageError(
            f"--nexigon-url needs --nexigon-token (the hub's bearer token); ${URL_ENV} and "
            f"${TOKEN_ENV} stand in for them"
        )
    seed = config.getoption("nexigon_seed")
    if seed is not None and seed < 0:
        raise pytest.UsageError(f"--nexigon-seed must be an integer >= 0, not {seed}")


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_SERVER, None)
    if server is not None:
        server.stop()
        del config.stash[_SERVER]
    remote = config.stash.get(_REMOTE, None)
    if remote is not None:
        remote.close()
        del config.stash[_REMOTE]


def _option_or_env(config: pytest.Config, option: str, variable: str) -> str | None:
    value = config.getoption(option)
    return value if value else os.environ.get(variable) or None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_CALL_FAILED] = True
    return report


def _fresh_hub(request: pytest.FixtureRequest, hub: Hub | None = None) -> Hub:
    """A hub in the test's starting state; ``hub`` (the live server's) is reset in place."""
    from nexigon_fake.testing.plugin.fired import all_fired_wanted, check_all_fired
    from nexigon_fake.testing.plugin.hubs import FreshHubs, hub_settings

    options = request.config.option
    markers = request.node.iter_markers("nexigon")  # closest first
    settings = hub_settings(
        markers, options.nexigon_seed, options.nexigon_fixture, request.path.parent
    )
    hubs = request.config.stash.get(_HUBS, None)
    if hubs is None:
        hubs = request.config.stash[_HUBS] = FreshHubs()
    fresh = hubs.fresh(settings, hub)
    if all_fired_wanted(request.node.iter_markers("nexigon"), options.nexigon_all_fired):
        request.addfinalizer(functools.partial(check_all_fired, fresh, request.node, _CALL_FAILED))
    return fresh


def _external(request: pytest.FixtureRequest) -> tuple[str, str] | None:
    config = request.config
    url = _option_or_env(config, "nexigon_url", URL_ENV)
    if url is None:
        return None
    return url.rstrip("/"), _option_or_env(config, "nexigon_token", TOKEN_ENV) or ""


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


def _sdk_client_args(request: pytest.FixtureRequest) -> tuple[str, Callable[[], str]]:
    """The URL and the token, read per request: a client follows the hub's admin token
    through a restore that changes it."""
    external = _external(request)
    if external is not None:
        url, token = external
        return url, lambda: token
    server: NexigonServer = request.getfixturevalue("nexigon_server")
    return server.url, lambda: server.hub.admin_token


@pytest.fixture
def nexigon_sdk(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The official SDK's ``Client``, pointed at ``nexigon_server`` as its admin (a fresh
    client per test on one shared SSL context: ``testing.plugin.sdk_clients``)."""
    pytest.importorskip("nexigon_hub_sdk", reason=SDK_MISSING)
    from nexigon_fake.testing.plugin.sdk_clients import SdkClient

    url, token = _sdk_client_args(request)
    with SdkClient(url, token=token) as client:
        yield client


@pytest.fixture
def nexigon_hooks(nexigon_hub: Hub) -> Hooks:
    """The hooks of ``nexigon_hub``: ``nexigon_hooks.before(action, fn, times=…, where=…)``
    and ``.after(…)`` run ``fn(call)`` around its actions (see ``nexigon_fake.toolkit.hooks``)."""
    return nexigon_hub.hooks


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
    return SimulatedFleets(request.getfixturevalue("nexigon_hub"), defaults, request.path.parent)


def _caller(request: pytest.FixtureRequest) -> Caller:
    """How the portable fixtures call the hub: the fake in-process, or the external hub."""
    from nexigon_fake.testing.plugin.portable import FakeCaller, RemoteCaller

    external = _external(request)
    if external is None:
        return FakeCaller(request.getfixturevalue("nexigon_hub"))
    remote = request.config.stash.get(_REMOTE, None)
    if remote is None:
        remote = request.config.stash[_REMOTE] = RemoteCaller(*external)
    return remote


@pytest.fixture
def nexigon_organization_id(request: pytest.FixtureRequest) -> str:
    """The organization tests make projects in: the fake's default one; on an external hub
    ``--nexigon-organization-id`` / ``$NEXIGON_ORGANIZATION_ID``, else the token's only one."""
    external = _external(request)
    if external is None:
        hub: Hub = request.getfixturevalue("nexigon_hub")
        return hub.default_organization_id
    config = request.config
    chosen = _option_or_env(config, "nexigon_organization_id", ORGANIZATION_ENV)
    if chosen is not None:
        return chosen
    found = config.stash.get(_ORGANIZATION, None)
    if found is None:
        from nexigon_fake.testing.plugin.portable import only_organization

        try:
            found = config.stash[_ORGANIZATION] = only_organization(_caller(request), external[0])
        except LookupError as error:
            pytest.fail(str(error), pytrace=False)
    return found


@pytest.fixture
def nexigon_project_id(
    request: pytest.FixtureRequest, nexigon_organization_id: str
) -> Iterator[str]:
    """A project of this test's own, named after it (``test-<name>``, with a random suffix on
    an external hub, where it is deleted when the test ends)."""
    from nexigon_fake.testing.plugin.portable import delete_quietly, project_name

    external = _external(request) is not None
    call = _caller(request)
    body = {
        "organizationId": nexigon_organization_id,
        "name": project_name(request.node.name, external),
    }
    project_id = str(call("projects_Create", body)["projectId"])
    yield project_id
    if external:
        delete_quietly(call, "projects_Delete", {"projectId": project_id})


@pytest.fixture
def nexigon_create_device(
    request: pytest.FixtureRequest, nexigon_project_id: str
) -> Iterator[DeviceFactory]:
    """Make devices: ``nexigon_create_device(project_id=None, *, name=None)`` gives a
    ``CreatedDevice`` (id, project, fingerprint) in ``nexigon_project_id`` or the given
    project; on an external hub they are deleted when the test ends."""
    from nexigon_fake.testing.plugin import portable

    external = _external(request) is not None
    fingerprints = (
        portable.external_fingerprints()
        if external
        else portable.fake_fingerprints(request.getfixturevalue("nexigon_hub"))
    )
    factory = portable.DeviceFactory(_caller(request), nexigon_project_id, fingerprints)
    yield factory
    if external:
        factory.delete_created()


# pytest-asyncio runs these for its tests; anyio's pytest plugin runs them for
# `@pytest.mark.anyio` tests, with or without pytest-asyncio installed (a plain async fixture
# is anyio's to run, one of pytest-asyncio's too when the test is anyio's).
def _async_fixture(function: _Fixture) -> _Fixture:
    decorate: Any = pytest.fixture if pytest_asyncio is None else pytest_asyncio.fixture
    return cast(_Fixture, decorate(function))


@_async_fixture
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


@_async_fixture
async def nexigon_async_sdk(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """The official SDK's ``AsyncClient``, pointed at ``nexigon_server`` as its admin."""
    pytest.importorskip("nexigon_hub_sdk", reason=SDK_MISSING)
    from nexigon_fake.testing.plugin.sdk_clients import AsyncSdkClient

    url, token = _sdk_client_args(request)
    async with AsyncSdkClient(url, token=token) as client:
        yield client
