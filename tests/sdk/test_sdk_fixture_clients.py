"""The SDK fixtures: cheap per test yet unshared, and every plugin client follows the hub's
admin token through a restore that changes it."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake.testing.plugin.auth import shared_ssl_context
from nexigon_fake.testing.plugin.sdk_clients import AsyncSdkClient, SdkClient
from tests.plugin.conftest import INNER_INI

pytest_plugins = ["pytester"]

UNSHARED = """
import pytest
import nexigon_hub_sdk

SEEN = {}


def names(sdk):
    from nexigon_hub_sdk.api_types import projects

    return [item.name for item in sdk.execute(projects.QueryProjectsAction()).projects]


def test_first(nexigon_sdk):
    assert isinstance(nexigon_sdk, nexigon_hub_sdk.Client)
    SEEN["client"], SEEN["http"] = nexigon_sdk, nexigon_sdk._http
    nexigon_sdk._http.headers["X-Left-Behind"] = "1"
    nexigon_sdk._http.cookies.set("left", "behind")
    names(nexigon_sdk)
    nexigon_sdk.close()  # a test may close its client; the next one gets its own


def test_second(nexigon_sdk):
    assert nexigon_sdk is not SEEN["client"] and nexigon_sdk._http is not SEEN["http"]
    assert "X-Left-Behind" not in nexigon_sdk._http.headers
    assert not nexigon_sdk._http.cookies
    assert names(nexigon_sdk) == []


@pytest.mark.asyncio
async def test_async(nexigon_async_sdk):
    from nexigon_hub_sdk.api_types import projects

    assert isinstance(nexigon_async_sdk, nexigon_hub_sdk.AsyncClient)
    assert "X-Left-Behind" not in nexigon_async_sdk._http.headers
    output = await nexigon_async_sdk.execute(projects.QueryProjectsAction())
    assert output.projects == []
"""

FOLLOW_RESTORE = """
import pytest

from nexigon_fake import Hub


def saved():
    other = Hub(seed=7)
    other.invoke(
        "projects_Create", {"organizationId": other.default_organization_id, "name": "saved"}
    )
    return other.snapshot_json()


def test_sdk_follows_the_restored_token(nexigon_sdk, nexigon_hub):
    from nexigon_hub_sdk.api_types import projects

    before = nexigon_hub.admin_token
    nexigon_hub.restore(saved())
    assert nexigon_hub.admin_token != before
    output = nexigon_sdk.execute(projects.QueryProjectsAction())
    assert [item.name for item in output.projects] == ["saved"]
    assert nexigon_sdk._token == nexigon_hub.admin_token  # device commands' WebSockets


@pytest.mark.asyncio
async def test_async_sdk_follows_the_restored_token(nexigon_async_sdk, nexigon_hub):
    from nexigon_hub_sdk.api_types import projects

    nexigon_hub.restore(saved())
    output = await nexigon_async_sdk.execute(projects.QueryProjectsAction())
    assert [item.name for item in output.projects] == ["saved"]


def test_client_follows_the_restored_token(nexigon_client, nexigon_hub):
    nexigon_hub.restore(saved())
    response = nexigon_client.post("/api/v1/actions/invoke/projects_Query", json={})
    assert response.status_code == 200, response.text
    assert [item["name"] for item in response.json()["projects"]] == ["saved"]


def test_a_header_the_test_sets_still_wins(nexigon_client, nexigon_hub):
    response = nexigon_client.post(
        "/api/v1/actions/invoke/projects_Query",
        json={},
        headers={"Authorization": "Bearer u_sk_" + "1" * 66},
    )
    assert response.status_code == 401, response.text


@pytest.mark.asyncio
async def test_async_client_follows_the_restored_token(nexigon_async_client, nexigon_hub):
    nexigon_hub.restore(saved())
    response = await nexigon_async_client.post(
        "/api/v1/actions/invoke/projects_Query", json={}
    )
    assert response.status_code == 200, response.text
"""


def test_sdk_clients_are_not_shared_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makeini(INNER_INI)
    pytester.makepyfile(test_unshared=UNSHARED)
    pytester.runpytest().assert_outcomes(passed=3)


def test_plugin_clients_follow_the_hubs_admin_token(pytester: pytest.Pytester) -> None:
    pytester.makeini(INNER_INI)
    pytester.makepyfile(test_follow=FOLLOW_RESTORE)
    pytester.runpytest().assert_outcomes(passed=5)


def test_sdk_clients_share_one_ssl_context() -> None:
    """What makes them cheap: no client builds its own SSL context."""
    first, second = SdkClient("http://127.0.0.1:1", token="t"), SdkClient("http://x", token="u")
    asynchronous = AsyncSdkClient("http://127.0.0.1:1", token="t")
    transports: list[Any] = [client._http._transport for client in (first, second)]
    transports.append(asynchronous._http._transport)
    contexts = {id(transport._pool._ssl_context) for transport in transports}
    assert contexts == {id(shared_ssl_context())}
    first.close()
    second.close()
