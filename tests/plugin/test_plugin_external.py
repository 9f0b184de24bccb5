"""``--nexigon-url`` / ``--nexigon-token``: the clients talk to an external hub instead.

The external hub here is a second fake, a real ``nexigon-fake serve`` process; after an inner
run the outer test reads that process's state and journal over HTTP, so the inner clients
provably talked to it (and not to an in-process hub).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer

pytest_plugins = ["pytester"]

SDK_INSTALLED = importlib.util.find_spec("nexigon_hub_sdk") is not None
INVOKE = "/api/v1/actions/invoke/"

INNER = """
import pytest
import inner_helpers as h

URL = {{url}}
TOKEN = {{token}}
ORGANIZATION = {{organization}}


def test_sync_client(nexigon_client):
    assert str(nexigon_client.base_url) == URL
    assert nexigon_client.headers["Authorization"] == f"Bearer {TOKEN}"
    body = {"organizationId": ORGANIZATION, "name": "via nexigon_client"}
    h.invoke(nexigon_client, "projects_Create", body)


@pytest.mark.asyncio
async def test_async_client(nexigon_async_client):
    assert str(nexigon_async_client.base_url) == URL
    body = {"organizationId": ORGANIZATION, "name": "via nexigon_async_client"}
    await h.ainvoke(nexigon_async_client, "projects_Create", body)


def test_sdk(nexigon_sdk):
    from nexigon_hub_sdk.api_types import projects

    action = projects.CreateProjectAction(organization_id=ORGANIZATION, name="via nexigon_sdk")
    nexigon_sdk.execute(action)


@pytest.mark.asyncio
async def test_async_sdk(nexigon_async_sdk):
    from nexigon_hub_sdk.api_types import projects

    action = projects.CreateProjectAction(
        organization_id=ORGANIZATION, name="via nexigon_async_sdk"
    )
    await nexigon_async_sdk.execute(action)


@pytest.mark.nexigon(seed=3)
def test_hub(nexigon_hub):
    raise AssertionError("nexigon_hub must skip against an external hub")


def test_server(nexigon_server):
    raise AssertionError("nexigon_server must skip against an external hub")


def test_client_with_the_server(nexigon_client, nexigon_server):
    raise AssertionError("unreachable")
"""


def admin_get(server: LiveServer, path: str) -> Any:
    response = httpx.get(server.url + path)
    response.raise_for_status()
    return response.json()


def project_names(server: LiveServer) -> list[str]:
    response = httpx.post(
        server.url + INVOKE + "projects_Query",
        json={},
        headers={"Authorization": f"Bearer {server.admin_token}"},
    )
    response.raise_for_status()
    return [project["name"] for project in response.json()["projects"]]


def write_inner(inner: pytest.Pytester, server: LiveServer) -> None:
    text = INNER
    for name, value in (
        ("url", server.url),
        ("token", server.admin_token),
        ("organization", server.default_organization_id),
    ):
        text = text.replace("{{" + name + "}}", repr(value))
    inner.makepyfile(test_external=text)


def test_clients_talk_to_the_external_hub(inner: pytest.Pytester, external_hub: LiveServer) -> None:
    external_hub.reset()
    write_inner(inner, external_hub)
    result = inner.runpytest(
        "-rs", "--nexigon-url", external_hub.url + "/", "--nexigon-token", external_hub.admin_token
    )
    clients = ["nexigon_client", "nexigon_async_client"]
    if SDK_INSTALLED:
        clients += ["nexigon_sdk", "nexigon_async_sdk"]
        result.assert_outcomes(passed=4, skipped=3)
    else:
        result.assert_outcomes(passed=2, skipped=5)
    reason = "--nexigon-url points the clients at an external hub; {} needs the fake"
    result.stdout.fnmatch_lines(
        [
            f"SKIPPED [[]1[]] test_external.py:*: {reason.format('nexigon_hub')}",
            f"SKIPPED [[]1[]] test_external.py:*: {reason.format('nexigon_server')}",
            f"SKIPPED [[]1[]] test_external.py:*: {reason.format('nexigon_server')}",
        ]
    )

    # The external process holds what the inner clients created, and journaled their calls.
    assert sorted(project_names(external_hub)) == sorted(f"via {name}" for name in clients)
    journal = admin_get(external_hub, "/_fake/journal?action=projects_Create")["entries"]
    assert sorted(entry["input"]["name"] for entry in journal) == sorted(
        f"via {name}" for name in clients
    )
    assert all(entry["status"] == 200 for entry in journal)
    # Only the clients' calls reached it: the skipped fixtures built no hub and reset nothing.
    actions = {entry["action"] for entry in admin_get(external_hub, "/_fake/journal")["entries"]}
    assert actions <= {"projects_Create", "projects_Query"}


def test_the_token_is_sent(inner: pytest.Pytester, external_hub: LiveServer) -> None:
    """A wrong ``--nexigon-token`` reaches the external hub, which answers 401."""
    inner.makepyfile(
        test_token="""
        def test_unauthorized(nexigon_client):
            response = nexigon_client.post("/api/v1/actions/invoke/projects_Query", json={})
            assert response.status_code == 401
            assert response.json()["kind"] == "Forbidden"
        """
    )
    result = inner.runpytest(
        "--nexigon-url", external_hub.url, "--nexigon-token", "u_sk_not-a-real-token"
    )
    result.assert_outcomes(passed=1)


def test_url_without_token_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = inner.runpytest("--nexigon-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--nexigon-url needs --nexigon-token (the hub's bearer token)*"])
    assert "test_nothing" not in result.stdout.str()  # nothing ran


def test_token_alone_changes_nothing(inner: pytest.Pytester) -> None:
    """``--nexigon-token`` without ``--nexigon-url`` leaves the fixtures on the fake."""
    inner.makepyfile(
        test_token_alone="""
        import inner_helpers as h


        def test_fake(nexigon_client, nexigon_hub):
            assert str(nexigon_client.base_url) == "http://nexigon-fake.test"
            assert h.project_names(nexigon_client) == []
        """
    )
    inner.runpytest("--nexigon-token", "whatever").assert_outcomes(passed=1)
