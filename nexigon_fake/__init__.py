"""nexigon-fake: a deterministic in-memory Nexigon Hub for tests.

``Hub`` is the state machine with its Python API (journal, faults, snapshots, fixtures);
``create_app`` serves it over HTTP; the pytest plugin lives in ``conftest_plugin``.
"""

from nexigon_fake.clock import FrozenClock, SystemClock
from nexigon_fake.errors import (
    ActionError,
    ForbiddenError,
    InternalError,
    InvalidError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
)
from nexigon_fake.hub import Hub, HubConfig
from nexigon_fake.serve.app import create_app
from nexigon_fake.toolkit.faults import Fault
from nexigon_fake.toolkit.fixture_loader import FixtureError, LoadedFixture
from nexigon_fake.toolkit.journal import Journal, JournalEntry
from nexigon_fake.wire.credentials import Credentials

__all__ = [
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
