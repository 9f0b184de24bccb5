"""The documented path of ``nexigon_fake.testing.strategies``, kept for existing imports."""

from nexigon_fake.testing.strategies import *  # noqa: F403
from nexigon_fake.testing.strategies import __all__ as __all__
