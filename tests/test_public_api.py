"""The public surface of the package is deliberate."""

from __future__ import annotations

import nexigon_fake


def test_public_names() -> None:
    assert sorted(nexigon_fake.__all__) == [
        "ActionError",
        "Credentials",
        "Fault",
        "FixtureError",
        "ForbiddenError",
        "FrozenClock",
        "Hub",
        "HubConfig",
        "InternalError",
        "InvalidError",
        "Journal",
        "JournalEntry",
        "LoadedFixture",
        "NotFoundError",
        "RateLimitedError",
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
