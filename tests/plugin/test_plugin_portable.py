"""Portable fixtures: one suite, written only against them, passes on the fake in-process and
against an external hub (a second ``nexigon-fake serve`` process), given by option or by
environment variable; on the external hub it leaves nothing behind."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer

pytest_plugins = ["pytester"]

INVOKE = "/api/v1/actions/invoke/"

PORTABLE_SUITE = """
INVOKE = "/api/v1/actions/invoke/"


def call(http, action, body):
    response = http.post(INVOKE + action, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def device_ids(http, project_id):
    listed = call(http, "projects_QueryDevices", {"projectId": project_id})["devices"]
    return sorted(device["deviceId"] for device in listed)


def test_a_fresh_project_in_the_organization(
    nexigon_client, nexigon_organization_id, nexigon_project_id
):
    body = {"organizationId": nexigon_organization_id}
    projects = call(nexigon_client, "organizations_QueryProjects", body)["projects"]
    assert nexigon_project_id in [project["projectId"] for project in projects]
    assert device_ids(nexigon_client, nexigon_project_id) == []


def test_devices_in_the_project(nexigon_client, nexigon_project_id, nexigon_create_device):
    first = nexigon_create_device(name="first")
    second = nexigon_create_device()
    assert first.project_id == second.project_id == nexigon_project_id
    assert first.fingerprint.startswith("d_sk_") and first.fingerprint != second.fingerprint
    expected = sorted([first.device_id, second.device_id])
    assert device_ids(nexigon_client, nexigon_project_id) == expected
    details = call(nexigon_client, "devices_GetDetails", {"deviceId": first.device_id})
    assert details["name"] == "first", details


def test_a_device_in_a_project_the_test_deletes(
    nexigon_client, nexigon_organization_id, nexigon_create_device
):
    body = {"organizationId": nexigon_organization_id, "name": "made by the test"}
    other = call(nexigon_client, "projects_Create", body)["projectId"]
    device = nexigon_create_device(other)
    assert device_ids(nexigon_client, other) == [device.device_id]
    # Deleted here, with its device: the fixture's clean-up finds it gone, which is fine.
    call(nexigon_client, "projects_Delete", {"projectId": other})


def test_every_test_gets_its_own_project(nexigon_client, nexigon_project_id):
    assert device_ids(nexigon_client, nexigon_project_id) == []
"""


def invoke(server: LiveServer, action: str, body: dict[str, Any]) -> Any:
    response = httpx.post(
        server.url + INVOKE + action,
        json=body,
        headers={"Authorization": f"Bearer {server.admin_token}"},
    )
    response.raise_for_status()
    return response.json()


def journal(server: LiveServer, action: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_fake/journal?action={action}")
    response.raise_for_status()
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


def assert_nothing_left(server: LiveServer) -> None:
    """The suite made projects and devices on the external hub and deleted every one."""
    assert invoke(server, "projects_Query", {})["projects"] == []
    created = journal(server, "projects_Create")
    names = [entry["input"]["name"] for entry in created]
    fixture_names = [name for name in names if name != "made by the test"]
    assert len(fixture_names) == 4, names
    # Named after the test, with a random suffix: runs sharing a real hub never meet.
    for name in fixture_names:
        assert re.fullmatch(r"test-test_[a-z_]+-[0-9a-f]{8}", name), name
    deleted = [entry for entry in journal(server, "projects_Delete") if entry["status"] == 200]
    assert len(deleted) == 5
    devices = [entry for entry in journal(server, "devices_Create") if entry["status"] == 200]
    assert len(devices) == 3


def test_the_portable_suite_passes_on_the_fake(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_portable=PORTABLE_SUITE)
    inner.runpytest().assert_outcomes(passed=4)


def test_the_portable_suite_passes_against_an_external_hub(
    inner: pytest.Pytester, external_hub: LiveServer
) -> None:
    external_hub.reset()
    inner.makepyfile(test_portable=PORTABLE_SUITE)
    result = inner.runpytest(
        "--nexigon-url", external_hub.url, "--nexigon-token", external_hub.admin_token
    )
    result.assert_outcomes(passed=4)
    assert_nothing_left(external_hub)


def test_environment_variables_stand_in_for_the_options(
    inner: pytest.Pytester, external_hub: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    external_hub.reset()
    monkeypatch.setenv("NEXIGON_URL", external_hub.url)
    monkeypatch.setenv("NEXIGON_TOKEN", external_hub.admin_token)
    inner.makepyfile(test_portable=PORTABLE_SUITE)
    inner.runpytest().assert_outcomes(passed=4)
    assert_nothing_left(external_hub)


def test_the_organization_can_be_chosen(
    inner: pytest.Pytester, external_hub: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the token sees several organizations, the environment names the one to use."""
    external_hub.reset()
    body = {"name": "second", "admins": [], "requiresSubscription": False}
    second = invoke(external_hub, "organizations_Create", body)["organizationId"]
    inner.makepyfile(
        test_organization=f"""
        def test_chosen(nexigon_organization_id):
            assert nexigon_organization_id == {second!r}
        """,
        test_ambiguous="""
        def test_ambiguous(nexigon_organization_id):
            pass
        """,
    )
    options = ["--nexigon-url", external_hub.url, "--nexigon-token", external_hub.admin_token]
    result = inner.runpytest(*options, "test_ambiguous.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the token sees 2 organizations; choose one with*"])
    monkeypatch.setenv("NEXIGON_ORGANIZATION_ID", second)
    inner.runpytest(*options, "test_organization.py").assert_outcomes(passed=1)


def test_the_fake_names_projects_deterministically(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_names="""
        def test_named(nexigon_hub, nexigon_project_id, nexigon_organization_id):
            assert nexigon_organization_id == nexigon_hub.default_organization_id
            details = nexigon_hub.invoke("projects_GetDetails", {"projectId": nexigon_project_id})
            assert details["name"] == "test-test_named", details
        """
    )
    inner.runpytest().assert_outcomes(passed=1)
