"""Each test changes its hub and must see only its own changes, whatever runs beside it.

Under ``-n 2`` the two workers run these at the same time; ``conftest.py`` then checks from the
controller that each worker had its own server port and every test started from a clean hub.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

INVOKE = "/api/v1/actions/invoke/"


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def seen(http: httpx.Client) -> dict[str, Any]:
    """The hub as a test finds it, over HTTP (compared with ``conftest.CLEAN``)."""
    health = ok(http.get("/_fake/health"))
    return {
        "projects": [
            p["name"] for p in ok(http.post(INVOKE + "projects_Query", json={}))["projects"]
        ],
        "journal": len(ok(http.get("/_fake/journal"))["entries"]) - 1,  # minus that query
        "faults": len(ok(http.get("/_fake/faults"))["faults"]),
        "now": health["now"],
        "seed": health["seed"],
    }


def change(http: httpx.Client, name: str) -> None:
    """Leave marks: a project, a moved clock, an armed fault, journal entries."""
    organization = ok(http.get("/_fake/health"))["defaultOrganizationId"]
    ok(http.post(INVOKE + "projects_Create", json={"organizationId": organization, "name": name}))
    ok(http.post("/_fake/clock", json={"advanceSecs": 3600}))
    ok(http.post("/_fake/faults", json={"action": "devices_Create"}))


def only_mine(http: httpx.Client, name: str) -> None:
    names = [p["name"] for p in ok(http.post(INVOKE + "projects_Query", json={}))["projects"]]
    assert names == [name]


def project_name(n: int) -> str:
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'controller')}-{n}"


@pytest.mark.parametrize("n", range(8))
def test_live_server_is_this_tests_alone(
    n: int, nexigon_server: Any, nexigon_hub: Any, isolation_record: Callable[..., None]
) -> None:
    assert nexigon_hub is nexigon_server.hub
    headers = {"Authorization": f"Bearer {nexigon_server.admin_token}"}
    with httpx.Client(base_url=nexigon_server.url, headers=headers) as http:
        found = seen(http)
        isolation_record(port=urlsplit(nexigon_server.url).port, seen=found)
        name = project_name(n)
        change(http, name)
        only_mine(http, name)
    assert len(nexigon_hub.faults) == 1


@pytest.mark.parametrize("n", range(4))
def test_in_process_hub_is_this_tests_alone(
    n: int, nexigon_client: httpx.Client, isolation_record: Callable[..., None]
) -> None:
    found = seen(nexigon_client)
    isolation_record(port=None, seen=found)
    name = project_name(n)
    change(nexigon_client, name)
    only_mine(nexigon_client, name)
