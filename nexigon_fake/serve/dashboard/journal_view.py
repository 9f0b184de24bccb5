"""The journal page: entries newest first, filtered by action, status, device and actor.

Filters come from the query string and are checked before anything is read, so a bad one is
a 400 page naming it, like every control-plane input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_UI_BAD_STATUS_FILTER,
    MSG_UI_UNKNOWN_FIELD,
)
from nexigon_fake.hub import Hub
from nexigon_fake.serve.dashboard.views import PAGE_SIZE, Page
from nexigon_fake.toolkit.journal import JournalEntry

FILTERS = ("action", "status", "device", "actor")
QUERY_FIELDS = (*FILTERS, "page", "live")


@dataclass(frozen=True, slots=True)
class JournalFilters:
    """What the journal page was asked to show; empty strings filter nothing."""

    action: str = ""
    status: str = ""
    device: str = ""
    actor: str = ""

    @classmethod
    def parse(cls, query: dict[str, str]) -> JournalFilters:
        for name in query:
            if name not in QUERY_FIELDS:
                expected = ", ".join(f"`{field}`" for field in QUERY_FIELDS)
                raise InvalidError(MSG_UI_UNKNOWN_FIELD.format(field=name, expected=expected))
        found = cls(**{name: query.get(name, "").strip() for name in FILTERS})
        status = found.status
        if status and status not in ("ok", "error") and not (status.isdigit() and len(status) == 3):
            raise InvalidError(MSG_UI_BAD_STATUS_FILTER.format(value=status))
        return found

    def admits(self, entry: JournalEntry) -> bool:
        if self.action and self.action.lower() not in entry.action.lower():
            return False
        if self.status == "ok" and not entry.ok:
            return False
        if self.status == "error" and entry.ok:
            return False
        if self.status.isdigit() and entry.status != int(self.status):
            return False
        if self.actor and self.actor.lower() not in actor_label(entry.actor).lower():
            return False
        return not self.device or self.device in _devices(entry)


def actor_label(actor: Any) -> str:
    """``Kind id…``: the actor's tag and its ids, as a person would search for them."""
    if actor is None:
        return "-"
    data = msgspec.to_builtins(actor)
    kind = data.pop("actor", "?")
    return " ".join([kind, *(str(value) for value in data.values())])


def _devices(entry: JournalEntry) -> set[str]:
    """The devices a call was about: the input's ``deviceId`` and a device caller."""
    found: set[str] = set()
    data = entry.input
    if isinstance(data, dict) and isinstance(data.get("deviceId"), str):
        found.add(data["deviceId"])
    device_id = getattr(entry.actor, "device_id", None)
    if isinstance(device_id, str):
        found.add(device_id)
    return found


def _pretty(data: Any) -> str:
    return msgspec.json.format(msgspec.json.encode(data), indent=2).decode()


def entries(hub: Hub, filters: JournalFilters, number: int) -> Page[dict[str, Any]]:
    """One page of the matching entries, newest first; only that page is decoded for show."""
    start = (number - 1) * PAGE_SIZE
    matched = [entry for entry in reversed(hub.journal.entries()) if filters.admits(entry)]
    shown = [
        {
            "sequence": entry.sequence,
            "time": format_timestamp(entry.time),
            "action": entry.action,
            "actor": actor_label(entry.actor),
            "status": entry.status,
            "ok": entry.ok,
            "fault": entry.fault_injected,
            "input": _pretty(entry.input),
            "output": _pretty(entry.output),
        }
        for entry in matched[start : start + PAGE_SIZE]
    ]
    return Page(shown, number, len(matched))
