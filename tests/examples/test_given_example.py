"""The README's recipe for hypothesis' ``@given`` with the plugin's fixtures."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture
def hub(nexigon_hub):
    nexigon_hub.set_baseline()  # the test's starting state (marker, fixture) is reset()'s
    return nexigon_hub


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(alphabet="abc", min_size=1, max_size=8), max_size=4))
def test_each_example_starts_from_the_baseline(hub, names):
    hub.reset()  # one fixture value serves every example: start each one afresh
    for name in names:
        hub.projects.create(organization_id=hub.default_organization_id, name=name)
    assert sorted(p.name for p in hub.projects.query().projects) == sorted(names)
