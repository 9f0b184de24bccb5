"""Marker values read as a test author means them: paths next to the test file, `now` as now."""

from __future__ import annotations

import json

import pytest

from tests.plugin.test_plugin_config import FIXTURE_FILE

pytest_plugins = ["pytester"]

SUITE = """
import pytest


@pytest.mark.nexigon(fixture="data/lab.json")
def test_a_fixture_beside_the_test(nexigon_hub):
    assert nexigon_hub.fixture.devices["probe"] in nexigon_hub.store.devices


@pytest.mark.nexigon(fixture="showcase")
def test_a_built_in_name_still_wins_when_no_such_file(nexigon_hub):
    assert "gw-degraded" in nexigon_hub.fixture.devices


@pytest.mark.nexigon_fleet(profile="profiles/quiet.json")
def test_a_profile_beside_the_test(nexigon_fleet):
    assert nexigon_fleet().profile.events_per_hour == 0


def test_a_profile_path_in_the_call_too(nexigon_fleet):
    assert nexigon_fleet(profile="profiles/quiet.json").profile.events_per_hour == 0
"""


def test_marker_paths_resolve_against_the_test_file(inner: pytest.Pytester) -> None:
    suite = inner.mkdir("suite")
    (suite / "data").mkdir()
    (suite / "data" / "lab.json").write_text(json.dumps(FIXTURE_FILE))
    (suite / "profiles").mkdir()
    (suite / "profiles" / "quiet.json").write_text(json.dumps({"eventsPerHour": 0}))
    (suite / "test_paths.py").write_text(SUITE)
    result = inner.runpytest_inprocess("suite")  # run from the directory above the tests
    result.assert_outcomes(passed=4)


NOW = """
import datetime as dt

import pytest


@pytest.mark.nexigon(now="now")
def test_the_wall_clock_then_frozen(nexigon_hub):
    start = nexigon_hub.clock.now()
    assert abs(dt.datetime.now(dt.timezone.utc) - start) < dt.timedelta(minutes=5)
    assert start.microsecond == 0
    nexigon_hub.invoke("projects_Query", {})
    assert nexigon_hub.clock.now() == start
"""


def test_marker_now_may_be_the_wall_clock(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_now=NOW)
    inner.runpytest_inprocess().assert_outcomes(passed=1)
