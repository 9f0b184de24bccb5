"""nexigon-fake: a deterministic in-memory Nexigon Hub for tests.

``Hub`` is the state machine with its Python API (journal, faults, snapshots, fixtures);
``create_app`` serves it over HTTP; the pytest plugin lives in ``conftest_plugin``.

The folders are layers, bottom up; each imports only the ones below it::

    errors/ clock ids upstream  the base: error tree and messages, the only clock and randomness
    wire/                       the shapes on the wire (msgspec Structs named as upstream)
    state/                      the state machine: records, store, access, one module per resource
    state/storage/              how histories are laid out in memory
    actions                     THE table: one typed row per action
    toolkit/                    journal, faults, hooks, snapshots, fixtures
    pipeline                    the one path every call takes
    commands/                   device commands over the WebSocket, as plain Python
    facade/                     typed hub.<namespace>.<verb>() methods and the README's action table
    hub                         ``Hub``: the composition root and the typed facade
    simulation/ serve/ testing/ simulated devices; HTTP and process; the shipped test kit
"""

from nexigon_fake.clock import FrozenClock, SystemClock
from nexigon_fake.errors import (
    ActionError,
    ForbiddenError,
    InjectedResponseError,
    InternalError,
    InvalidError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
)
from nexigon_fake.hub import Hub, HubConfig
from nexigon_fake.serve.app import create_app
from nexigon_fake.simulation import DeviceProfile, SimulatedFleet
from nexigon_fake.toolkit.faults import Fault
from nexigon_fake.toolkit.fixture_loader import FixtureError, LoadedFixture
from nexigon_fake.toolkit.hooks import Hook, HookCall
from nexigon_fake.toolkit.journal import Journal, JournalEntry
from nexigon_fake.toolkit.snapshot import Baseline
from nexigon_fake.wire.credentials import Credentials

__all__ = [
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
