"""The documented path of ``nexigon_fake.testing.clients``, kept for existing imports."""

from nexigon_fake.testing.clients import *  # noqa: F403
from nexigon_fake.testing.clients import __all__ as __all__
