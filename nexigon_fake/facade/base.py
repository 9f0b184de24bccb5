"""What every generated namespace class stands on: something that executes typed actions."""

from __future__ import annotations

from typing import Protocol, TypeVar

from nexigon_fake.wire.common import Action
from nexigon_fake.wire.credentials import Credentials

OutputT = TypeVar("OutputT")


class Executor(Protocol):
    """Runs an input struct and answers its output struct (``Hub.execute``)."""

    def execute(
        self, action: Action[OutputT], *, credentials: Credentials | None = None
    ) -> OutputT: ...


class Actions:
    """A namespace's methods acting with one set of credentials (None: the executor's own)."""

    def __init__(self, executor: Executor, credentials: Credentials | None) -> None:
        self._executor = executor
        self._credentials = credentials

    def _execute(self, action: Action[OutputT]) -> OutputT:
        return self._executor.execute(action, credentials=self._credentials)
