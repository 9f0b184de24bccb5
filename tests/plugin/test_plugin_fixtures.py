"""The plugin's fixtures, through inner pytest runs: each works, and each is fresh per test."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
from typing import Any

import httpx
import pytest

pytest_plugins = ["pytester"]

SDK_INSTALLED = importlib.util.find_spec("nexigon_hub_sdk") is not None


def sdk_outcomes(count: int) -> dict[str, int]:
    """How ``count`` inner tests of the SDK fixtures end: passed, or skipped without the SDK."""
    return {"passed": count} if SDK_INSTALLED else {"skipped": count}


# Each pair of inner tests: the first leaves state (a project, a moved clock, an armed fault,
# journal entries), the second must see none of it, and creating the same project again gives
# the same id (the id source started over from the same seed).

FRESH_HUB = """
import inner_helpers as h

SEEN = {}


def make(hub, name):
    return hub.projects.create(organization_id=hub.default_organization_id, name=name)


def test_first(nexigon_hub):
    assert nexigon_hub.seed == 0
    assert nexigon_hub.clock.now() == h.START
    SEEN["id"] = make(nexigon_hub, "first").project_id
    nexigon_hub.clock.advance(3600)
    nexigon_hub.faults.inject("projects_Query")
    assert len(nexigon_hub.journal) == 1


def test_second(nexigon_hub):
    assert nexigon_hub.clock.now() == h.START
    assert len(nexigon_hub.journal) == 0
    assert len(nexigon_hub.faults) == 0
    assert nexigon_hub.projects.query().projects == []
    assert make(nexigon_hub, "second").project_id == SEEN["id"]
"""

FRESH_CLIENT = """
import inner_helpers as h

SEEN = {}


def test_first(nexigon_client):
    h.assert_fresh(nexigon_client)
    SEEN["id"] = h.create_project(nexigon_client, "first")
    h.leave_marks(nexigon_client)


def test_second(nexigon_client):
    h.assert_fresh(nexigon_client)
    assert h.create_project(nexigon_client, "second") == SEEN["id"]
"""

FRESH_ASYNC_CLIENT = """
import pytest
import inner_helpers as h

SEEN = {}


@pytest.mark.asyncio
async def test_first(nexigon_async_client):
    await h.aassert_fresh(nexigon_async_client)
    SEEN["id"] = await h.acreate_project(nexigon_async_client, "first")
    await h.aleave_marks(nexigon_async_client)


@pytest.mark.asyncio
async def test_second(nexigon_async_client):
    await h.aassert_fresh(nexigon_async_client)
    assert await h.acreate_project(nexigon_async_client, "second") == SEEN["id"]
"""

FRESH_SERVER = """
import httpx
import inner_helpers as h

SEEN = {}


def http(server):
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    return httpx.Client(base_url=server.url, headers=headers)


def test_first(nexigon_server):
    SEEN["url"] = nexigon_server.url
    with http(nexigon_server) as client:
        h.assert_fresh(client)
        SEEN["id"] = h.create_project(client, "first")
        h.leave_marks(client)


def test_second(nexigon_server):
    assert nexigon_server.url == SEEN["url"]  # one server per session, reset per test
    with http(nexigon_server) as client:
        h.assert_fresh(client)
        assert h.create_project(client, "second") == SEEN["id"]
"""

FRESH_SDK = """
SEEN = {}


def create(sdk, name):
    from nexigon_hub_sdk.api_types import organizations, projects

    found = sdk.execute(organizations.QueryOrganizationsAction()).organizations
    action = projects.CreateProjectAction(organization_id=found[0].organization_id, name=name)
    return sdk.execute(action).project_id


def names(sdk):
    from nexigon_hub_sdk.api_types import projects

    return [item.name for item in sdk.execute(projects.QueryProjectsAction()).projects]


def test_first(nexigon_sdk):
    assert names(nexigon_sdk) == []
    SEEN["id"] = create(nexigon_sdk, "first")
    assert names(nexigon_sdk) == ["first"]


def test_second(nexigon_sdk):
    assert names(nexigon_sdk) == []
    assert create(nexigon_sdk, "second") == SEEN["id"]
"""

FRESH_ASYNC_SDK = """
import pytest

SEEN = {}


async def create(sdk, name):
    from nexigon_hub_sdk.api_types import organizations, projects

    found = (await sdk.execute(organizations.QueryOrganizationsAction())).organizations
    action = projects.CreateProjectAction(organization_id=found[0].organization_id, name=name)
    return (await sdk.execute(action)).project_id


async def names(sdk):
    from nexigon_hub_sdk.api_types import projects

    output = await sdk.execute(projects.QueryProjectsAction())
    return [item.name for item in output.projects]


@pytest.mark.asyncio
async def test_first(nexigon_async_sdk):
    assert await names(nexigon_async_sdk) == []
    SEEN["id"] = await create(nexigon_async_sdk, "first")
    assert await names(nexigon_async_sdk) == ["first"]


@pytest.mark.asyncio
async def test_second(nexigon_async_sdk):
    assert await names(nexigon_async_sdk) == []
    assert await create(nexigon_async_sdk, "second") == SEEN["id"]
"""

FRESH = {
    "nexigon_hub": FRESH_HUB,
    "nexigon_client": FRESH_CLIENT,
    "nexigon_async_client": FRESH_ASYNC_CLIENT,
    "nexigon_server": FRESH_SERVER,
}
FRESH_SDK_SOURCES = {"nexigon_sdk": FRESH_SDK, "nexigon_async_sdk": FRESH_ASYNC_SDK}


@pytest.mark.parametrize("fixture", sorted(FRESH))
def test_fixture_is_fresh_per_test(inner: pytest.Pytester, fixture: str) -> None:
    inner.makepyfile(**{f"test_{fixture}": FRESH[fixture]})
    result = inner.runpytest()
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("fixture", sorted(FRESH_SDK_SOURCES))
def test_sdk_fixture_is_fresh_per_test(inner: pytest.Pytester, fixture: str) -> None:
    inner.makepyfile(**{f"test_{fixture}": FRESH_SDK_SOURCES[fixture]})
    result = inner.runpytest("-rs")
    result.assert_outcomes(**sdk_outcomes(2))
    if not SDK_INSTALLED:
        result.stdout.fnmatch_lines(["*SKIPPED*nexigon-hub-sdk*is not installed*"])


def test_defaults(inner: pytest.Pytester) -> None:
    """Seed 0, a frozen clock at 2026-05-04T07:00:00Z, the admin's bearer token."""
    inner.makepyfile(
        test_defaults="""
        import re

        import httpx
        import pytest
        import inner_helpers as h

        from nexigon_fake import Hub


        def test_hub(nexigon_hub):
            assert isinstance(nexigon_hub, Hub)
            assert (nexigon_hub.seed, nexigon_hub.config.strict) == (0, False)
            assert nexigon_hub.clock.frozen and nexigon_hub.clock.now() == h.START
            assert nexigon_hub.fixture is None
            assert nexigon_hub.admin_token == Hub(seed=0).admin_token


        def test_client(nexigon_client, nexigon_hub):
            # The admin token is read per request (it follows restores), not a fixed header.
            assert "Authorization" not in nexigon_client.headers
            sent = nexigon_client.build_request("GET", "/")
            assert next(nexigon_client.auth.auth_flow(sent)).headers["Authorization"] == (
                f"Bearer {nexigon_hub.admin_token}"
            )
            actor = h.invoke(nexigon_client, "actor_GetActor")["actor"]
            assert actor["userId"] == nexigon_hub.admin_user_id
            assert isinstance(nexigon_client, httpx.Client)


        @pytest.mark.asyncio
        async def test_async_client(nexigon_async_client, nexigon_hub):
            assert isinstance(nexigon_async_client, httpx.AsyncClient)
            assert isinstance(nexigon_async_client._transport, httpx.ASGITransport)
            sent = nexigon_async_client.build_request("GET", "/")
            assert next(nexigon_async_client.auth.auth_flow(sent)).headers["Authorization"] == (
                f"Bearer {nexigon_hub.admin_token}"
            )
            assert await h.aproject_names(nexigon_async_client) == []


        def test_server(nexigon_server):
            assert re.fullmatch(r"http://127\\.0\\.0\\.1:[1-9][0-9]*", nexigon_server.url)
            assert nexigon_server.admin_token == nexigon_server.hub.admin_token
            assert nexigon_server.default_organization_id == (
                nexigon_server.hub.default_organization_id
            )
            assert nexigon_server.hub.clock.now() == h.START
            health = h.ok(httpx.get(nexigon_server.url + "/_fake/health"))
            assert health["adminToken"] == nexigon_server.admin_token
            assert health["defaultOrganizationId"] == nexigon_server.default_organization_id
            anonymous = httpx.post(nexigon_server.url + h.INVOKE + "projects_Query", json={})
            assert anonymous.status_code == 401
        """
    )
    inner.runpytest().assert_outcomes(passed=4)


def test_nexigon_client_is_in_process(inner: pytest.Pytester) -> None:
    """No transport of the network, no socket, and a base URL that resolves nowhere works."""
    inner.makepyfile(
        test_in_process="""
        import socket

        import httpx
        import inner_helpers as h


        def no_network(*args, **kwargs):
            raise AssertionError(f"nexigon_client used the network: {args!r}")


        def test_no_socket(nexigon_client, monkeypatch):
            assert not isinstance(nexigon_client._transport, httpx.HTTPTransport)
            assert str(nexigon_client.base_url) == "http://nexigon-fake.test"
            monkeypatch.setattr(socket.socket, "connect", no_network)
            monkeypatch.setattr(socket.socket, "connect_ex", no_network)
            monkeypatch.setattr(socket, "getaddrinfo", no_network)
            monkeypatch.setattr(socket, "create_connection", no_network)
            h.create_project(nexigon_client, "offline")
            nexigon_client.base_url = "http://no-such-host.invalid:1"
            assert h.project_names(nexigon_client) == ["offline"]
        """
    )
    inner.runpytest().assert_outcomes(passed=1)


def test_hub_and_server_share_one_hub(inner: pytest.Pytester) -> None:
    """``nexigon_hub`` is the server's hub; ``nexigon_client`` talks to it too."""
    inner.makepyfile(
        test_shared="""
        import httpx
        import inner_helpers as h


        def test_hub_is_the_servers(nexigon_server, nexigon_hub):
            assert nexigon_hub is nexigon_server.hub


        def test_hub_first(nexigon_hub, nexigon_server):
            assert nexigon_hub is nexigon_server.hub


        def test_client_sees_the_servers_hub(nexigon_client, nexigon_server):
            h.create_project(nexigon_client, "in-process")
            headers = {"Authorization": f"Bearer {nexigon_server.admin_token}"}
            with httpx.Client(base_url=nexigon_server.url, headers=headers) as live:
                assert h.project_names(live) == ["in-process"]
        """
    )
    inner.runpytest().assert_outcomes(passed=3)


def test_sdk_fixtures_drive_nexigon_server(inner: pytest.Pytester) -> None:
    """The SDK clients talk to ``nexigon_server`` (its journal shows their calls)."""
    inner.makepyfile(
        test_sdk_server="""
        import pytest


        def test_sync(nexigon_sdk, nexigon_server):
            from nexigon_hub_sdk.api_types import projects

            nexigon_sdk.execute(projects.QueryProjectsAction())
            nexigon_server.hub.journal.assert_called("projects_Query", times=1)


        @pytest.mark.asyncio
        async def test_async(nexigon_async_sdk, nexigon_server):
            from nexigon_hub_sdk.api_types import projects

            await nexigon_async_sdk.execute(projects.QueryProjectsAction())
            nexigon_server.hub.journal.assert_called("projects_Query", times=1)
        """
    )
    inner.runpytest().assert_outcomes(**sdk_outcomes(2))


def test_sdk_fixtures_share_the_hub_whatever_the_argument_order(inner: pytest.Pytester) -> None:
    """``nexigon_hub`` (and ``nexigon_client``) before ``nexigon_sdk`` in a test's arguments
    must still be the hub the SDK talks to, as with ``nexigon_server``."""
    inner.makepyfile(
        test_order="""
        import pytest
        import inner_helpers as h


        def create(sdk, hub):
            from nexigon_hub_sdk.api_types import projects

            action = projects.CreateProjectAction(
                organization_id=hub.default_organization_id, name="via sdk"
            )
            sdk.execute(action)


        def test_sdk_then_hub(nexigon_sdk, nexigon_hub):
            create(nexigon_sdk, nexigon_hub)
            assert [p.name for p in nexigon_hub.projects.query().projects] == ["via sdk"]


        def test_hub_then_sdk(nexigon_hub, nexigon_sdk):
            create(nexigon_sdk, nexigon_hub)
            assert [p.name for p in nexigon_hub.projects.query().projects] == ["via sdk"]


        def test_client_then_sdk(nexigon_client, nexigon_hub, nexigon_sdk):
            create(nexigon_sdk, nexigon_hub)
            assert h.project_names(nexigon_client) == ["via sdk"]


        @pytest.mark.asyncio
        async def test_hub_then_async_sdk(nexigon_hub, nexigon_async_sdk):
            from nexigon_hub_sdk.api_types import projects

            await nexigon_async_sdk.execute(
                projects.CreateProjectAction(
                    organization_id=nexigon_hub.default_organization_id, name="via sdk"
                )
            )
            assert [p.name for p in nexigon_hub.projects.query().projects] == ["via sdk"]
        """
    )
    inner.runpytest().assert_outcomes(**sdk_outcomes(4))


def test_sdk_fixtures_skip_without_the_sdk(inner: pytest.Pytester) -> None:
    """Where ``nexigon_hub_sdk`` cannot be imported, the SDK fixtures skip naming the package."""
    inner.makeconftest(
        """
        import sys

        sys.modules["nexigon_hub_sdk"] = None  # import fails as if not installed
        """
    )
    inner.makepyfile(
        test_no_sdk="""
        import pytest


        def test_sync(nexigon_sdk):
            raise AssertionError("unreachable")


        @pytest.mark.asyncio
        async def test_async(nexigon_async_sdk):
            raise AssertionError("unreachable")


        def test_others_still_work(nexigon_server, nexigon_client):
            pass
        """
    )
    result = inner.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=2)
    reason = "SKIPPED [[]1[]] *: the official SDK `nexigon-hub-sdk` is not installed*"
    result.stdout.fnmatch_lines([reason, reason])


def test_server_port_kept_state_reset_and_server_stopped(inner: pytest.Pytester) -> None:
    """One server per session: same port for every test, nothing left after the session."""
    ports = inner.path / "ports"
    inner.makepyfile(
        test_port="""
            import inner_helpers as h
            import pytest
            from urllib.parse import urlsplit

            PORTS = {{ports}}


            @pytest.mark.parametrize("n", range(3))
            def test_server(n, nexigon_server, nexigon_hub):
                assert nexigon_hub.projects.query().projects == []
                assert len(nexigon_hub.journal) == 1 and len(nexigon_hub.faults) == 0
                nexigon_hub.projects.create(
                    organization_id=nexigon_hub.default_organization_id, name=f"p{n}"
                )
                nexigon_hub.faults.inject("projects_Create")
                with open(PORTS, "a") as out:
                    out.write(f"{urlsplit(nexigon_server.url).port}\\n")
            """.replace("{{ports}}", repr(str(ports)))
    )
    inner.runpytest().assert_outcomes(passed=3)
    seen = set(ports.read_text().split())
    assert len(seen) == 1, seen
    (port,) = seen
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(port)), timeout=5).close()


def test_server_sockets_let_asyncio_disable_nagle(
    nexigon_server: Any, request: pytest.FixtureRequest
) -> None:
    """The listening socket is made with ``IPPROTO_TCP``: only then does asyncio set
    ``TCP_NODELAY`` on accepted connections. Without it, Nagle's algorithm and the client's
    delayed ACK hold every answer after a kept-alive connection's first for about 40 ms."""
    import conftest_plugin

    http = httpx.get(f"{nexigon_server.url}/_fake/health")
    assert http.status_code == 200
    live = request.config.stash[conftest_plugin._SERVER]
    listeners = [sock for server in live.uvicorn_server.servers for sock in server.sockets]
    assert listeners
    assert all(sock.proto == socket.IPPROTO_TCP for sock in listeners)


def test_disabled_by_entry_point_name(inner: pytest.Pytester) -> None:
    """The plugin is the ``pytest11`` entry point ``nexigon_fake``: ``-p no:nexigon_fake``
    turns it off."""
    inner.makepyfile(
        test_plugin="""
        def test_registered(request):
            plugin = request.config.pluginmanager.get_plugin("nexigon_fake")
            assert plugin is not None and plugin.__name__ == "_nexigon_fake_pytest"


        def test_hub(nexigon_hub):
            pass
        """
    )
    inner.runpytest().assert_outcomes(passed=2)
    off = inner.runpytest("-p", "no:nexigon_fake")
    off.assert_outcomes(failed=1, errors=1)
    off.stdout.fnmatch_lines(["*fixture 'nexigon_hub' not found*"])
    markers = inner.runpytest("-p", "no:nexigon_fake", "--markers")
    assert "@pytest.mark.nexigon(" not in markers.stdout.str()


def test_importing_the_plugin_does_not_import_the_fake() -> None:
    """``import conftest_plugin`` stays cheap: no nexigon_fake, uvicorn, httpx or SDK."""
    heavy = ["nexigon_fake", "uvicorn", "httpx", "starlette", "nexigon_hub_sdk"]
    code = (
        "import sys, conftest_plugin, _nexigon_fake_pytest\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_a_session_without_the_fixtures_does_not_import_the_fake(
    inner: pytest.Pytester,
) -> None:
    """The plugin is loaded and configured in a fresh process, yet nexigon_fake stays out."""
    inner.makepyfile(
        test_light="""
        import sys


        def test_light(request):
            assert request.config.pluginmanager.has_plugin("nexigon_fake")
            assert "_nexigon_fake_pytest" in sys.modules
            heavy = ["nexigon_fake", "uvicorn", "starlette", "nexigon_hub_sdk"]
            assert [name for name in heavy if name in sys.modules] == []
        """
    )
    inner.runpytest_subprocess(timeout=120).assert_outcomes(passed=1)


# Under pytest-xdist: each worker its own server port and hub; every test sees only itself.

XDIST_INNER = """
import json
import os
from urllib.parse import urlsplit

import httpx
import inner_helpers as h
import pytest

RECORDS = {{records}}


@pytest.mark.parametrize("n", range(8))
def test_isolated(n, nexigon_server):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
    headers = {"Authorization": f"Bearer {nexigon_server.admin_token}"}
    with httpx.Client(base_url=nexigon_server.url, headers=headers) as http:
        before = h.project_names(http)
        name = f"{worker}-{n}"
        h.create_project(http, name)
        after = h.project_names(http)
    record = {
        "worker": worker,
        "pid": os.getpid(),
        "port": urlsplit(nexigon_server.url).port,
        "before": before,
        "after": after,
        "name": name,
    }
    with open(os.path.join(RECORDS, f"{worker}-{n}.json"), "w") as out:
        json.dump(record, out)
    assert (before, after) == ([], [name])
"""


def test_xdist_workers_have_their_own_server_and_hub(inner: pytest.Pytester) -> None:
    records = inner.mkdir("records")
    inner.makepyfile(test_xdist=XDIST_INNER.replace("{{records}}", repr(str(records))))
    result = inner.runpytest_subprocess("-n", "2", timeout=180)
    result.assert_outcomes(passed=8)
    found = [json.loads(path.read_text()) for path in sorted(records.iterdir())]
    assert len(found) == 8
    by_worker: dict[str, list[dict[str, object]]] = {}
    for record in found:
        by_worker.setdefault(str(record["worker"]), []).append(record)
    assert sorted(by_worker) == ["gw0", "gw1"], by_worker.keys()
    ports = {worker: {r["port"] for r in rows} for worker, rows in by_worker.items()}
    pids = {worker: {r["pid"] for r in rows} for worker, rows in by_worker.items()}
    assert all(len(found_ports) == 1 for found_ports in ports.values()), ports
    assert ports["gw0"] != ports["gw1"], ports
    assert pids["gw0"].isdisjoint(pids["gw1"]), pids
    for record in found:
        assert record["before"] == [], record
        assert record["after"] == [record["name"]], record
