"""The plugin's hooks fixture and the opt-in all-fired check (marker and option)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HOOKED_SUITE = """
import pytest


def make_device(hub):
    project = hub.projects.create(organization_id=hub.default_organization_id, name="p")
    fingerprint = "d_sk_" + "A" * 44
    return hub.devices.create(project_id=project.project_id, fingerprint=fingerprint).device_id


def test_a_hook_writes_between_read_and_write(nexigon_hub, nexigon_hooks):
    assert nexigon_hooks is nexigon_hub.hooks
    device = make_device(nexigon_hub)
    nexigon_hub.devices.set_property(device_id=device, name="a.b", value=1)
    version = nexigon_hub.devices.get_property(device_id=device, name="a.b").version
    nexigon_hooks.before(
        "devices_SetProperty",
        lambda call: nexigon_hub.devices.set_property(device_id=device, name="a.b", value=2),
        times=1,
    )
    answer = nexigon_hub.devices.set_property(
        device_id=device, name="a.b", value=3, expected_version=version
    )
    assert answer.current_version == version + 1


def test_the_next_test_has_no_hooks(nexigon_hooks):
    assert nexigon_hooks.active() == []


def test_the_live_server_hub_has_its_hooks(nexigon_server, nexigon_hooks):
    import httpx

    hub = nexigon_server.hub
    assert nexigon_hooks is hub.hooks
    seen = []
    nexigon_hooks.before(
        "projects_Query", lambda call: seen.append(len(hub.projects.query().projects))
    )
    headers = {"Authorization": f"Bearer {nexigon_server.admin_token}"}
    response = httpx.post(
        nexigon_server.url + "/api/v1/actions/invoke/projects_Query", json={}, headers=headers
    )
    assert response.status_code == 200 and seen == [0]  # the hook called the hub in Python


def test_the_live_server_is_reset_between_tests(nexigon_server, nexigon_hooks):
    assert nexigon_hooks.active() == []
"""

UNFIRED_SUITE = """
import pytest


def arm(hub):
    hub.faults.inject("devices_Delete", kind="Forbidden", times=2)
    hub.hooks.before("projects_Query", lambda call: None)


@pytest.mark.nexigon(all_fired=True)
def test_leaves_them_unfired(nexigon_hub):
    arm(nexigon_hub)


@pytest.mark.nexigon(all_fired=True)
def test_fires_them(nexigon_hub):
    hub = nexigon_hub
    hub.hooks.before("projects_Query", lambda call: None)
    hub.faults.inject("projects_Query", kind="Invalid")
    with pytest.raises(Exception):
        hub.projects.query()  # the fault fails it before any hook runs
    hub.projects.query()


@pytest.mark.nexigon(all_fired=True)
def test_on_the_server(nexigon_server):
    nexigon_server.hub.hooks.after("projects_Create", lambda call: None, times=1)


def test_unmarked(nexigon_hub):
    arm(nexigon_hub)


@pytest.mark.nexigon(all_fired=False)
def test_opted_out(nexigon_hub):
    arm(nexigon_hub)


@pytest.mark.nexigon(all_fired=True)
def test_failing_for_itself(nexigon_hub):
    arm(nexigon_hub)
    assert False, "its own failure"
"""


def test_the_hooks_fixture(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_hooked=HOOKED_SUITE)
    inner.runpytest().assert_outcomes(passed=4)


def test_the_marker_fails_a_test_that_leaves_faults_or_hooks_unfired(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_unfired=UNFIRED_SUITE)
    result = inner.runpytest("-rE")
    # A test whose teardown fails still counts as passed, and once more as an error.
    result.assert_outcomes(passed=5, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_them_unfired*",
            "*the test left armed faults or hooks that never fired as armed:",
            "*fault #1 on `devices_Delete`: Forbidden 403 (fired 0 of 2 time(s))",
            "*hook #1 before `projects_Query`: calls arm.<locals>.<lambda> (fired 0 time(s))",
            "*ERROR at teardown of test_on_the_server*",
            "*hook #1 after `projects_Create`*(fired 0 of 1 time(s))",
        ]
    )
    errors = [line for line in result.stdout.lines if line.startswith("ERROR ")]
    assert len(errors) == 2, errors
    assert "its own failure" in result.stdout.str()
    assert "ERROR at teardown of test_failing_for_itself" not in result.stdout.str()


def test_the_option_turns_the_check_on_for_every_test(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_unfired=UNFIRED_SUITE)
    result = inner.runpytest("--nexigon-all-fired")
    # test_unmarked now fails too; test_opted_out's marker still wins over the option.
    result.assert_outcomes(passed=5, failed=1, errors=3)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_unmarked*"])
    assert "ERROR at teardown of test_opted_out" not in result.stdout.str()


def test_a_bad_all_fired_value_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.nexigon(all_fired="yes")
        def test_it(nexigon_hub):
            pass
        """
    )
    result = inner.runpytest()
    result.stdout.fnmatch_lines(["*`all_fired` must be a boolean, not 'yes'*"])
    assert result.ret != 0
