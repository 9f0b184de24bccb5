"""What each page shows, read from the hub through its typed actions as the administrator.

Reads go through ``hub.execute_quietly``: the same actions a test calls, but neither journaled
nor faulted, so looking at the hub never changes what the journal shows or which faults fire.
Lists that grow with the fleet are cut to one page before anything is derived from them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import jwt
import msgspec

from nexigon_fake.clock import format_timestamp
from nexigon_fake.hub import Hub
from nexigon_fake.simulation.engine import Simulation
from nexigon_fake.wire.devices import (
    GetDeviceDetailsAction,
    QueryDeviceAuditLogAction,
    QueryDeviceConnectionsAction,
    QueryDeviceEventsAction,
    QueryDevicePropertiesAction,
    ValidateDeviceTokenAction,
    ValidateDeviceTokenSuccess,
)
from nexigon_fake.wire.fleet_operations import (
    GetFleetOperationAction,
    GetFleetOperationFound,
    QueryFleetOperationsAction,
    QueryFleetOperationSelectionErrorsAction,
    QueryFleetOperationTargetsAction,
)
from nexigon_fake.wire.operations import (
    GetDeviceOperationAction,
    GetDeviceOperationFound,
    QueryDeviceOperationsAction,
)
from nexigon_fake.wire.projects import (
    GetProjectDetailsAction,
    QueryProjectDevicesAction,
    QueryProjectsAction,
)

PAGE_SIZE = 50
EVENTS_SHOWN = 50
RECENT_SHOWN = 10  # journal entries and projects on the overview
ItemT = TypeVar("ItemT")


@dataclass(frozen=True, slots=True)
class Page(Generic[ItemT]):
    """One page of a longer list, and where it sits in it."""

    items: Sequence[ItemT]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))

    @property
    def first(self) -> int:
        """The 1-based position of the page's first item (0 for an empty list)."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def page_of(items: Sequence[ItemT], number: int) -> Page[ItemT]:
    start = (number - 1) * PAGE_SIZE
    return Page(items[start : start + PAGE_SIZE], number, len(items))


def counts(hub: Hub) -> dict[str, int]:
    """The overview's numbers, from the store's tables: each a count of one table, so the
    overview costs what is connected or running, never a walk over every device."""
    store = hub.store
    with hub.lock:
        online = {c.device_id for c in store.connections.values() if c.ended_at is None}
        running = sum(1 for o in store.operations.operations.values() if o.status == "Running")
        return {
            "projects": len(store.projects),
            "devices": len(store.devices),
            "online": len(online),
            "running_operations": running,
        }


def overview(hub: Hub) -> dict[str, Any]:
    return {
        "seed": hub.seed,
        "now": format_timestamp(hub.clock.now()),
        "frozen": hub.clock.frozen,
        "counts": counts(hub),
        "fleets": fleets(hub),
        "fixture": None if hub.fixture is None else hub.fixture.name,
        "projects": hub.execute_quietly(QueryProjectsAction()).projects[:RECENT_SHOWN],
        "recent": [
            {"sequence": e.sequence, "action": e.action, "status": e.status, "ok": e.ok}
            for e in hub.journal.entries()[-RECENT_SHOWN:][::-1]
        ],
    }


def projects(hub: Hub) -> list[Any]:
    listed = hub.execute_quietly(QueryProjectsAction()).projects
    return [hub.execute_quietly(GetProjectDetailsAction(item.project_id)) for item in listed]


def project(hub: Hub, project_id: str, number: int) -> dict[str, Any]:
    details = hub.execute_quietly(GetProjectDetailsAction(project_id))
    devices = hub.execute_quietly(QueryProjectDevicesAction(project_id)).devices
    rollouts = hub.execute_quietly(QueryFleetOperationsAction(project_id)).operations
    return {"project": details, "devices": page_of(devices, number), "rollouts": rollouts}


def device(hub: Hub, device_id: str) -> dict[str, Any]:
    details = hub.execute_quietly(GetDeviceDetailsAction(device_id))
    properties = hub.execute_quietly(QueryDevicePropertiesAction(device_id)).properties
    events = hub.execute_quietly(QueryDeviceEventsAction(device_id, limit=EVENTS_SHOWN)).events
    audit = hub.execute_quietly(QueryDeviceAuditLogAction(device_id)).events
    operations = hub.execute_quietly(QueryDeviceOperationsAction(device_id)).operations
    connections = hub.execute_quietly(QueryDeviceConnectionsAction(device_id, limit=20))
    return {
        "device": details,
        "properties": sorted(properties.values(), key=lambda p: p.name),
        "events": events,
        "audit": list(reversed(audit)),
        "operations": list(reversed(operations)),
        "connections": connections.connections,
        "tokens": device_tokens(hub, device_id),
    }


def device_tokens(hub: Hub, device_id: str) -> list[dict[str, Any]]:
    """The device JWTs the journal saw issued to this device, newest first, each checked
    against the hub clock as ``devices_ValidateDeviceToken`` would check it now."""
    found: list[dict[str, Any]] = []
    for entry in reversed(hub.journal.entries()):
        if entry.action != "devices_IssueDeviceToken" or not entry.ok:
            continue
        data, output = entry.input, entry.output
        if not isinstance(data, dict) or data.get("deviceId") != device_id:
            continue
        token = output.get("jwt") if isinstance(output, dict) else None
        if not isinstance(token, str):
            continue
        checked = hub.execute_quietly(ValidateDeviceTokenAction(token))
        claims = jwt.decode(token, options={"verify_signature": False})
        expires = claims.get("exp")
        found.append(
            {
                "issued": format_timestamp(entry.time),
                "expires": format_timestamp(dt.datetime.fromtimestamp(expires, dt.UTC))
                if isinstance(expires, int)
                else None,
                "valid": isinstance(checked, ValidateDeviceTokenSuccess),
                "jwt": token,
            }
        )
    return found


def _newest(ids: Iterator[str], number: int) -> list[str]:
    start = (number - 1) * PAGE_SIZE
    return list(itertools.islice(ids, start, start + PAGE_SIZE))


def operations(hub: Hub, number: int) -> Page[Any]:
    """Device operations, newest first: only one page of them is read."""
    table = hub.store.operations.operations
    with hub.lock:
        ids, total = _newest(reversed(table), number), len(table)
    found = [hub.execute_quietly(GetDeviceOperationAction(op_id)) for op_id in ids]
    summaries = [f.summary for f in found if isinstance(f, GetDeviceOperationFound)]
    return Page(summaries, number, total)


def operation(hub: Hub, operation_id: str) -> GetDeviceOperationFound | None:
    found = hub.execute_quietly(GetDeviceOperationAction(operation_id))
    return found if isinstance(found, GetDeviceOperationFound) else None


def rollouts(hub: Hub) -> list[Any]:
    """Every fleet operation of every project, newest first (projects are few)."""
    listed = hub.execute_quietly(QueryProjectsAction()).projects
    found = [
        summary
        for item in listed
        for summary in hub.execute_quietly(QueryFleetOperationsAction(item.project_id)).operations
    ]
    return sorted(found, key=lambda s: s.created_at, reverse=True)


def rollout(hub: Hub, fleet_operation_id: str, number: int) -> dict[str, Any] | None:
    found = hub.execute_quietly(GetFleetOperationAction(fleet_operation_id))
    if not isinstance(found, GetFleetOperationFound):
        return None
    targets = hub.execute_quietly(QueryFleetOperationTargetsAction(fleet_operation_id)).targets
    errors = hub.execute_quietly(QueryFleetOperationSelectionErrorsAction(fleet_operation_id))
    failed = [t for t in targets if t.last_error is not None][:PAGE_SIZE]
    return {
        "operation": found,
        "targets": page_of(targets, number),
        "failed": failed,
        "selection_errors": errors.errors[:PAGE_SIZE],
    }


def fleets(hub: Hub) -> list[dict[str, Any]]:
    """What ``hub.simulate`` started, with what each fleet has done so far."""
    found: list[dict[str, Any]] = []
    for member in hub.simulators.members:
        if not isinstance(member, Simulation):
            continue
        for number, fleet in enumerate(member.fleets):
            found.append(
                {
                    "number": number,
                    "devices": len(fleet),
                    "project_id": fleet.project_id,
                    "stopped": fleet.stopped,
                    "journaled": fleet.journaled,
                    "counters": dataclasses.asdict(fleet.counters),
                    "profile": msgspec.to_builtins(fleet.profile),
                }
            )
    return found


def faults(hub: Hub) -> list[dict[str, Any]]:
    return [fault.to_json() for fault in hub.faults.active()]
