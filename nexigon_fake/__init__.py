"""nexigon-fake: a deterministic in-memory Nexigon Hub for tests.

``Hub`` is the state machine with its Python API; ``create_app`` serves it over HTTP.
"""

from nexigon_fake.app import create_app
from nexigon_fake.auth import Credentials
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

__all__ = [
    "ActionError",
    "Credentials",
    "ForbiddenError",
    "FrozenClock",
    "Hub",
    "HubConfig",
    "InternalError",
    "InvalidError",
    "NotFoundError",
    "RateLimitedError",
    "SystemClock",
    "UnauthenticatedError",
    "create_app",
]
