"""Helpers of the plugin's own tests: inner pytest runs (``pytester``) and an external live fake.

The ``pytester`` fixture comes from pytest's ``pytester`` plugin, which each test module here
requests with a module-level ``pytest_plugins = ["pytester"]``: a non-root conftest may no
longer define ``pytest_plugins``, a test module may.

Inner runs get their own ini (``inner``): pytest-asyncio in strict mode with a function-scoped
default loop (else pytest-asyncio warns), warnings as errors and ``--strict-markers`` (so the
plugin's marker must be registered), no cache directory.

Speed: an in-process inner run forgets every module it imported (pytester restores
``sys.modules``), so what the fixtures import is imported here, once, and the hypothesis plugin
(which imports all of hypothesis at the end of every session) is off in inner runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx  # noqa: F401  (imported once for every in-process inner run)
import pytest
import uvicorn  # noqa: F401

import nexigon_fake.serve.app  # noqa: F401
from tests.live_server import LiveServer, start_server, stop_server

with contextlib.suppress(ModuleNotFoundError):  # the SDK needs Python 3.12
    import nexigon_hub_sdk.api_types.organizations
    import nexigon_hub_sdk.api_types.projects  # noqa: F401

INNER_INI = """\
[pytest]
addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest -p no:schemathesis
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

# Helpers the inner test files import (``import inner_helpers``): the same few calls through
# a sync or an async ``httpx`` client of any fixture, against any fake hub.
INNER_HELPERS = '''
"""The same few calls through any client of a fake hub."""

import datetime as dt

START = dt.datetime(2026, 5, 4, 7, tzinfo=dt.timezone.utc)
START_TEXT = "2026-05-04T07:00:00Z"
INVOKE = "/api/v1/actions/invoke/"


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def invoke(http, action, body=None):
    return ok(http.post(INVOKE + action, json=body or {}))


def organization(http):
    return ok(http.get("/_fake/health"))["defaultOrganizationId"]


def create_project(http, name):
    body = {"organizationId": organization(http), "name": name}
    return invoke(http, "projects_Create", body)["projectId"]


def project_names(http):
    return [project["name"] for project in invoke(http, "projects_Query")["projects"]]


def leave_marks(http):
    """What a fresh hub must not show: a moved clock and an armed fault on projects_Query."""
    ok(http.post("/_fake/clock", json={"advanceSecs": 3600}))
    ok(http.post("/_fake/faults", json={"action": "projects_Query"}))


def assert_fresh(http):
    """Clock at the default start, empty journal, no faults, no projects."""
    assert ok(http.get("/_fake/clock")) == {"now": START_TEXT, "frozen": True}
    assert ok(http.get("/_fake/journal"))["entries"] == []
    assert ok(http.get("/_fake/faults")) == {"faults": []}
    assert project_names(http) == []


async def aok(response):
    assert response.status_code == 200, response.text
    return response.json()


async def ainvoke(http, action, body=None):
    return await aok(await http.post(INVOKE + action, json=body or {}))


async def acreate_project(http, name):
    health = await aok(await http.get("/_fake/health"))
    body = {"organizationId": health["defaultOrganizationId"], "name": name}
    return (await ainvoke(http, "projects_Create", body))["projectId"]


async def aproject_names(http):
    output = await ainvoke(http, "projects_Query")
    return [project["name"] for project in output["projects"]]


async def aleave_marks(http):
    await aok(await http.post("/_fake/clock", json={"advanceSecs": 3600}))
    await aok(await http.post("/_fake/faults", json={"action": "projects_Query"}))


async def aassert_fresh(http):
    assert await aok(await http.get("/_fake/clock")) == {"now": START_TEXT, "frozen": True}
    assert (await aok(await http.get("/_fake/journal")))["entries"] == []
    assert await aok(await http.get("/_fake/faults")) == {"faults": []}
    assert await aproject_names(http) == []
'''


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    """``pytester`` with the inner ini and ``inner_helpers.py`` in place."""
    pytester.makeini(INNER_INI)
    pytester.makepyfile(inner_helpers=INNER_HELPERS)
    return pytester


@pytest.fixture(scope="module")
def external_hub() -> Iterator[LiveServer]:
    """A second fake: a real ``nexigon-fake serve`` process, for ``--nexigon-url``."""
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)
