"""What a fixture load needs of a hub (``ActionRunner``) and what it gives back
(``LoadedFixture``), or why it could not (``FixtureError``)."""

from __future__ import annotations

import dataclasses
import difflib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import msgspec

from nexigon_fake.clock import Clock
from nexigon_fake.errors import (
    MSG_DID_YOU_MEAN,
    MSG_FIXTURE_KEY,
    MSG_NOT_LOADED_FIXTURE,
    InvalidError,
)
from nexigon_fake.ids import IdSource
from nexigon_fake.state.store import Store
from nexigon_fake.wire.common import Action, WireStruct

T = TypeVar("T")
LISTED_KEYS = 20  # a missing key's error lists this many (a fleet fixture has thousands)


class ActionRunner(Protocol):
    """What the loader needs of a hub: its lock, clock, ids and store (for what no action
    does: computed fleet property values), and calls that are neither journaled nor faulted
    (the hub, above this layer, provides them)."""

    lock: threading.RLock
    store: Store
    clock: Clock
    ids: IdSource
    default_organization_id: str

    def execute_quietly(self, action: Action[T]) -> T: ...


class FixtureError(InvalidError):
    """A fixture that cannot be read or loaded: ``<file>: <JSON path>: <what is wrong>``.

    ``detail`` is also the error's ``rule`` and ``path`` the JSON path in the fixture."""

    def __init__(self, origin: str, detail: str, path: str | None = None) -> None:
        self.origin = origin
        self.detail = detail
        message = f"{origin}: {detail}" if path is None else f"{origin}: {path}: {detail}"
        super().__init__(message, rule=detail, path=path)


class FixtureKeyError(KeyError):
    """A key the fixture does not have; the message lists the keys it does have."""

    def __str__(self) -> str:
        return str(self.args[0])


class FixtureKeys(dict[str, str]):
    """One table of a loaded fixture (``devices``, ``projects``, …), keyed by the file's keys:
    a missing key says which keys there are, and which was probably meant."""

    __slots__ = ("table",)

    def __init__(self, table: str, items: Mapping[str, str] | None = None) -> None:
        super().__init__(items or {})
        self.table = table

    def __missing__(self, key: str) -> str:
        keys = sorted(self)
        close = difflib.get_close_matches(str(key), keys, n=1)
        hint = MSG_DID_YOU_MEAN.format(name=close[0]) if close else ""
        listed = ", ".join(f"`{k}`" for k in keys[:LISTED_KEYS]) if keys else "(none)"
        if len(keys) > LISTED_KEYS:
            listed += f" and {len(keys) - LISTED_KEYS} more"
        raise FixtureKeyError(
            MSG_FIXTURE_KEY.format(table=self.table, key=key, hint=hint, keys=listed)
        )


@dataclass(frozen=True, slots=True)
class LoadedFixture:
    """What a load created, by fixture key: ids, device fingerprints and token secrets.

    ``certificates`` and ``connections`` are keyed ``"<device key>/<index>"``;
    ``pairing_keys`` holds each pairing key as shown once (``XXXX-XXXXXX``); ``operations``
    the device operations by key, ``fleet_operations`` the fleet operations. Each table is a
    ``FixtureKeys``: a key the fixture does not have raises a ``KeyError`` listing the keys.
    """

    name: str
    organizations: dict[str, str] = field(default_factory=dict)
    repositories: dict[str, str] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)
    device_fingerprints: dict[str, str] = field(default_factory=dict)
    deployment_tokens: dict[str, str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)
    connections: dict[str, str] = field(default_factory=dict)
    pairing_key_ids: dict[str, str] = field(default_factory=dict)
    pairing_keys: dict[str, str] = field(default_factory=dict)
    operations: dict[str, str] = field(default_factory=dict)
    fleet_operations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for table in dataclasses.fields(self):
            value = getattr(self, table.name)
            if isinstance(value, dict) and not isinstance(value, FixtureKeys):
                object.__setattr__(self, table.name, FixtureKeys(table.name, value))

    def to_json(self) -> dict[str, Any]:
        """camelCase, for the HTTP control plane and snapshots."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data: dict[str, Any] = msgspec.to_builtins(_LoadedFixtureJson(**fields))
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LoadedFixture:
        """The inverse of ``to_json``: a snapshot brings back what a load created."""
        try:
            decoded = msgspec.convert(data, _LoadedFixtureJson)
        except msgspec.ValidationError as error:
            raise InvalidError(MSG_NOT_LOADED_FIXTURE.format(detail=error)) from None
        return cls(**msgspec.structs.asdict(decoded))


class _LoadedFixtureJson(WireStruct, forbid_unknown_fields=True):
    """``LoadedFixture`` on the wire; no defaults, so no field is ever omitted."""

    name: str
    organizations: dict[str, str]
    repositories: dict[str, str]
    projects: dict[str, str]
    devices: dict[str, str]
    device_fingerprints: dict[str, str]
    deployment_tokens: dict[str, str]
    certificates: dict[str, str]
    connections: dict[str, str]
    pairing_key_ids: dict[str, str]
    pairing_keys: dict[str, str]
    operations: dict[str, str]
    fleet_operations: dict[str, str]
