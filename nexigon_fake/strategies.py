"""The documented path of the strategies: ``testing.strategies`` and ``testing.invalid_inputs``."""

from nexigon_fake.testing.invalid_inputs import *  # noqa: F403
from nexigon_fake.testing.invalid_inputs import __all__ as _invalid_all
from nexigon_fake.testing.strategies import *  # noqa: F403
from nexigon_fake.testing.strategies import __all__ as _valid_all

__all__ = sorted([*_valid_all, *_invalid_all])
