"""The plugin's entry point is not shadowed by a project's own module named ``conftest_plugin``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

THEIRS = '''
"""A project's own helpers, which happen to share the plugin file's name."""

OWNER = "the project"
'''

SUITE = """
import conftest_plugin


def test_their_module_is_theirs():
    assert conftest_plugin.OWNER == "the project"


def test_the_fixtures_are_still_there(nexigon_hub, request):
    assert nexigon_hub.seed == 0
    plugin = request.config.pluginmanager.get_plugin("nexigon_fake")
    assert plugin.__name__ == "_nexigon_fake_pytest"
"""


def test_a_project_module_named_conftest_plugin_does_not_hide_the_plugin(
    inner: pytest.Pytester,
) -> None:
    """In a fresh process whose working directory holds the project's ``conftest_plugin.py``,
    first on ``sys.path`` when pytest loads its plugins."""
    inner.makepyfile(conftest_plugin=THEIRS, test_suite=SUITE)
    inner.runpytest_subprocess(timeout=120).assert_outcomes(passed=2)


def test_our_conftest_plugin_is_the_registered_plugin(request: pytest.FixtureRequest) -> None:
    """Imported by its old name, the plugin is the registered module: one set of stash keys."""
    import conftest_plugin

    assert conftest_plugin is request.config.pluginmanager.get_plugin("nexigon_fake")
