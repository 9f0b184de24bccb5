"""``nexigon_fleet`` and its marker, through inner pytest runs."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

FLEETS = """
import pytest


def test_a_fleet_of_one_by_default(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    assert len(fleet.devices) == 1
    assert fleet.devices[0].device_id in nexigon_hub.store.devices


def test_count_and_profile(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet(count=3, profile={"eventsPerHour": 60})
    nexigon_hub.clock.advance(600)
    assert fleet.counters.events > 0


@pytest.mark.nexigon_fleet(count=4, profile={"systemInfoIntervalSecs": None}, journaled=True)
def test_the_marker_gives_defaults(nexigon_hub, nexigon_fleet):
    fleet = nexigon_fleet()
    assert len(fleet) == 4
    assert fleet.journaled
    assert len(nexigon_hub.journal.calls("actor_GetActor")) == 4
    assert len(nexigon_fleet(count=2)) == 2


def test_each_test_starts_without_a_fleet(nexigon_hub):
    assert nexigon_hub.simulators.members == []
"""

BAD_MARKER = """
import pytest


@pytest.mark.nexigon_fleet(size=3)
def test_bad(nexigon_fleet):
    pass
"""


def test_the_fleet_fixture_and_marker(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_fleets=FLEETS)
    inner.runpytest_inprocess().assert_outcomes(passed=4)


def test_an_unknown_marker_argument_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_bad=BAD_MARKER)
    result = inner.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*nexigon_fleet marker: unknown argument(s)*size*"])
