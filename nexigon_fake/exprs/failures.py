"""The two ways an evaluation fails, kept apart because consumers treat them differently
(SEMANTICS-HEAD §III.5.4): a wait step keeps waiting on *missing* but fails on an error."""

from __future__ import annotations

from typing import Final


class Missing(Exception):  # noqa: N818 -- the name other layers are written against
    """A named value or a path that is absent: ``message`` is the D27 text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EvaluationError(Exception):
    """Every other failure (types, ``Current`` outside a mutation, versions, mutation paths)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _NoCurrent:
    """The type of ``NO_CURRENT``: evaluation outside a mutation, where ``Current`` fails."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_CURRENT"


NO_CURRENT: Final = _NoCurrent()
