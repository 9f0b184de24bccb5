"""The async fixtures under anyio's pytest plugin, beside pytest-asyncio and without it."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE = """
import asyncio

import pytest


@pytest.mark.anyio
async def test_the_async_client(nexigon_async_client, nexigon_hub):
    answer = await nexigon_async_client.get("/_fake/health")
    assert answer.json()["defaultOrganizationId"] == nexigon_hub.default_organization_id
    asyncio.get_running_loop()  # anyio's asyncio backend runs the test
"""

NO_ASYNCIO_INI = """\
[pytest]
addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest -p no:schemathesis
filterwarnings = error
"""

ABSENT = """
raise ImportError("pytest-asyncio is not installed here")
"""


def test_anyio_runs_the_async_client_beside_pytest_asyncio(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_anyio=SUITE)
    inner.runpytest_inprocess().assert_outcomes(passed=1)


def test_anyio_runs_the_async_client_without_pytest_asyncio(pytester: pytest.Pytester) -> None:
    """A fresh process in which ``import pytest_asyncio`` fails, as where it is not installed."""
    pytester.makeini(NO_ASYNCIO_INI)
    pytester.makepyfile(pytest_asyncio=ABSENT, test_anyio=SUITE)
    result = pytester.runpytest_subprocess("-p", "no:asyncio", timeout=120)
    result.assert_outcomes(passed=1)
