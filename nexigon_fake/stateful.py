"""The documented path of ``nexigon_fake.testing.contract.machine``, kept for existing imports."""

from nexigon_fake.testing.contract.machine import *  # noqa: F403
from nexigon_fake.testing.contract.machine import __all__ as __all__
