"""Filters over the journal (issue 16, item 4): which calls of which action, answered how, by or
about which device or actor, since when, and how many of the newest.

Pure queries on ``Journal`` entries; ``GET /_fake/journal`` (serve/control.py) validates its
query parameters into a ``JournalFilter``. Entries stay oldest first, limited or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec

from nexigon_fake.errors import (
    MSG_UNKNOWN_ACTION_HINT,
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_JOURNAL_UNKNOWN_ACTION,
)
from nexigon_fake.ids import BASE58_CLASS
from nexigon_fake.toolkit.action_names import closest_name, known_actions
from nexigon_fake.toolkit.journal import Journal, JournalEntry
from nexigon_fake.wire.actor import Actor

MAX_LIMIT = 10_000  # the default journal cap: a limit beyond it could never bind
# The ``actor`` tags the journal records (wire/actor.py).
ACTOR_KINDS = (
    "Anonymous",
    "System",
    "Device",
    "User",
    "UserToken",
    "ClusterNode",
    "OrganizationApiToken",
)
ACTOR_ID_PATTERN = f"^[a-z][a-z_]*_{BASE58_CLASS}+$"
ACTOR_PATTERN = f"^({'|'.join(ACTOR_KINDS)})$|{ACTOR_ID_PATTERN}"


def check_action(action: str) -> str:
    """``action`` when it names one; else Invalid, with the closest name as a hint."""
    names = known_actions()
    if action in names:
        return action
    close = closest_name(action, names)
    hint = "" if close is None else MSG_UNKNOWN_ACTION_HINT.format(suggestion=close)
    raise InvalidError(MSG_JOURNAL_UNKNOWN_ACTION.format(action=action, hint=hint))


def _actor_fields(actor: Actor | None) -> dict[str, Any]:
    return {} if actor is None else dict(msgspec.to_builtins(actor))


@dataclass(frozen=True, slots=True)
class JournalFilter:
    """What ``GET /_fake/journal`` selects; a field left ``None`` selects everything."""

    action: str | None = None
    status: int | None = None
    device: str | None = None  # in the input's ``deviceId``, or the calling device
    actor: str | None = None  # the actor's kind, or any id the actor carries
    since: dt.datetime | None = None  # entries at or after this instant
    limit: int | None = None  # the newest this many of the matching entries

    @property
    def empty(self) -> bool:
        return self == JournalFilter()

    def admits(self, entry: JournalEntry) -> bool:
        if self.action is not None and entry.action != self.action:
            return False
        if self.status is not None and entry.status != self.status:
            return False
        if self.since is not None and entry.time < self.since:
            return False
        actor = _actor_fields(entry.actor) if self.actor or self.device else {}
        if self.actor is not None and self.actor not in actor.values():
            return False
        if self.device is not None and actor.get("deviceId") != self.device:
            return entry.matches({"deviceId": self.device})
        return True

    def select(self, entries: Iterable[JournalEntry]) -> list[JournalEntry]:
        """The entries admitted, oldest first; with a ``limit``, only the newest ones."""
        found = [entry for entry in entries if self.admits(entry)]
        if self.limit is not None and len(found) > self.limit:
            return found[-self.limit :]
        return found


def journal_json(journal: Journal, where: JournalFilter) -> dict[str, Any]:
    """``Journal.to_json`` with only the entries ``where`` selects (the same answer when it
    selects everything)."""
    if where.empty:
        return journal.to_json()
    return journal.to_json(entries=where.select(journal.calls(where.action)))
