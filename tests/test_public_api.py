"""The public surface of the package is deliberate."""

from __future__ import annotations

import importlib
import importlib.metadata

import pytest

import nexigon_fake


def test_public_names() -> None:
    assert sorted(nexigon_fake.__all__) == [
        "ActionError",
        "Baseline",
        "Credentials",
        "DeviceProfile",
        "Fault",
        "FixtureError",
        "ForbiddenError",
        "FrozenClock",
        "Hook",
        "HookCall",
        "Hub",
        "HubConfig",
        "InjectedResponseError",
        "InternalError",
        "InvalidError",
        "Journal",
        "JournalEntry",
        "LoadedFixture",
        "NotFoundError",
        "RateLimitedError",
        "SimulatedFleet",
        "SystemClock",
        "UnauthenticatedError",
        "create_app",
    ]
    for name in nexigon_fake.__all__:
        assert getattr(nexigon_fake, name) is not None


def test_namespace_methods_follow_the_action_table() -> None:
    hub = nexigon_fake.Hub()
    assert "set_property" in dir(hub.devices)
    assert "query_devices" in dir(hub.projects)
    assert hub.devices.set_property.__doc__ == "Set a property of a device."


# Every import path the README documents keeps working after the layout moved modules.
DOCUMENTED_PATHS = [
    ("nexigon_fake.hub", "Hub"),
    ("nexigon_fake.errors", "ActionError"),
    ("nexigon_fake.wire.devices", "SetDevicePropertyAction"),
    ("nexigon_fake.wire.projects", "CreateProjectAction"),
    ("nexigon_fake.strategies", "action_input"),
    ("nexigon_fake.strategies", "any_action"),
    ("nexigon_fake.strategies", "any_invalid_action"),
    ("nexigon_fake.strategies", "register_type_strategies"),
    ("nexigon_fake.stateful", "contract_machine"),
    ("nexigon_fake.stateful", "contract_settings"),
    ("nexigon_fake.testing.clients", "InProcessClient"),
    ("nexigon_fake.testing.clients", "HttpClient"),
    ("nexigon_fake.testing.clients", "SdkClient"),
    ("nexigon_fake", "Baseline"),
    ("nexigon_fake.facade.coverage", "action_table"),
    ("nexigon_fake.serve.cli", "main"),
    ("conftest_plugin", "pytest_addoption"),
]


@pytest.mark.parametrize(("module", "name"), DOCUMENTED_PATHS)
def test_documented_import_paths_keep_working(module: str, name: str | None) -> None:
    imported = importlib.import_module(module)
    if name is not None:
        assert getattr(imported, name) is not None


def test_the_console_script_and_the_plugin_entry_point_name_real_code() -> None:
    distribution = importlib.metadata.distribution("nexigon-fake")
    points = {(point.group, point.name): point for point in distribution.entry_points}
    assert callable(points[("console_scripts", "nexigon-fake")].load())
    assert points[("pytest11", "nexigon_fake")].load().__name__ == "_nexigon_fake_pytest"
