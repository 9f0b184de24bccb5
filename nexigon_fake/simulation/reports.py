"""What a simulated device says, as plain values: its system info, command manifest, events
and the answers its reactions compute. No calls here; ``device.py`` sends them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nexigon_fake.clock import format_timestamp
from nexigon_fake.commands.invocations import Commands
from nexigon_fake.exprs import EvaluationError, Missing, apply_mutation
from nexigon_fake.ids import IdSource
from nexigon_fake.simulation.context import FleetContext
from nexigon_fake.simulation.profile import DeviceProfile, Reaction
from nexigon_fake.state.model import Device
from nexigon_fake.state.operation_steps import PropertyNames
from nexigon_fake.state.storage import property_codec

UNANSWERED = object()  # a reaction whose expression failed: the device says nothing


def system_info(profile: DeviceProfile, index: int) -> dict[str, Any]:
    """``SystemInfo`` (properties.sidex) for the fleet's ``index``-th device."""
    high, middle, low = index >> 16 & 255, index >> 8 & 255, index & 255
    return {
        "name": profile.system_name,
        "version": profile.system_version,
        "kernel": profile.kernel,
        "hostname": f"{profile.hostname_prefix}-{index:05d}",
        "arch": profile.arch,
        "memory": {"total": profile.memory_total},
        "networks": [
            {
                "name": "eth0",
                "macAddress": f"02:00:00:{high:02x}:{middle:02x}:{low:02x}",
                "ipAddresses": [f"10.{high}.{middle}.{low}/8"],
            }
        ],
        "disks": [],
    }


def manifest(fleet: FleetContext, commands: Commands, device_id: str) -> dict[str, Any]:
    """The agent's registry as ``dev.nexigon.commands``: the profile's commands and the
    test's handlers (which win), sorted by name."""
    entries = {name: command.descriptor() for name, command in fleet.commands.items()}
    for name in commands.names(device_id):
        registered = commands.registered(device_id, name)
        if registered is not None:
            entries[name] = registered.descriptor()
    return {"commands": [entries[name] for name in sorted(entries)]}


def event(profile: DeviceProfile, ids: IdSource, now: dt.datetime, sequence: int) -> Any:
    """One event as the agent emits it: its id dated by the device at emit time."""
    emitted: dict[str, Any] = {
        "eventId": ids.dated("d_ev", now),
        "severity": profile.event_severity,
        "body": profile.event_body,
        "attributes": {"sequence": sequence},
        "emittedAt": format_timestamp(now),
    }
    if profile.event_category is not None:
        emitted["category"] = profile.event_category
    return emitted


def reaction_value(reaction: Reaction, device: Device) -> Any:
    """The value the device sets: ``value``, or its current value changed by ``mutations``
    (which see its properties as named values); ``UNANSWERED`` when one fails."""
    if not reaction.mutations:
        return reaction.value
    current = property_codec.read(device, reaction.update)
    value = None if current is None else current.value
    names = PropertyNames(device)
    try:
        for mutation in reaction.mutations:
            value = apply_mutation(mutation, value, names)
    except (Missing, EvaluationError):
        return UNANSWERED
    return value
