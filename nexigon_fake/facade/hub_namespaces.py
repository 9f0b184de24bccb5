"""The namespaces of ``hub`` that offer more than the actions: hand-written, beside the
generated ones they extend."""

from __future__ import annotations

import threading
from typing import Any

from nexigon_fake.commands.invocations import Commands
from nexigon_fake.facade.base import Executor
from nexigon_fake.facade.devices import DevicesActions
from nexigon_fake.facade.fleet import FleetActions
from nexigon_fake.facade.namespaces import Namespaces
from nexigon_fake.state import fleet_properties
from nexigon_fake.state.store import Store
from nexigon_fake.wire.credentials import Credentials


class DevicesNamespace(DevicesActions):
    """``hub.devices``: the devices actions, plus how simulated devices answer commands."""

    def __init__(
        self, executor: Executor, credentials: Credentials | None, commands: Commands
    ) -> None:
        super().__init__(executor, credentials)
        self.on_command = commands.on_command
        self.remove_command = commands.remove_command


class FleetNamespace(FleetActions):
    """``hub.fleet``: the fleet actions, plus the values of computed properties, which a test
    sets in place of the strategies the fake does not run (D39)."""

    def __init__(
        self,
        executor: Executor,
        credentials: Credentials | None,
        lock: threading.RLock,
        store: Store,
    ) -> None:
        super().__init__(executor, credentials)
        self._lock, self._store = lock, store

    def set_computed_value(
        self, project_id: str, name: str, value: Any, *, error: str | None = None
    ) -> None:
        """Give a computed property a value (new version, ``error`` cleared unless given);
        an unknown project is ``NotFoundError``, an unknown or manual name ``InvalidError``."""
        with self._lock:
            fleet_properties.set_computed_value(self._store, project_id, name, value, error=error)


class Session(Namespaces):
    """The typed Python API acting with given credentials (a token, or a device's identity)."""

    def __init__(self, executor: Executor, credentials: Credentials) -> None:
        super().__init__(executor, credentials)
        self.credentials = credentials
