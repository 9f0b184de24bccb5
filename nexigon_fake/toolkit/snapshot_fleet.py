"""Consistency of a snapshot's fleet properties (D39, C52) before it replaces a hub's state.

Each property belongs to a known project, once per name; a computed property and its
definition come together, a manual one has neither a definition nor an error; names, strategy
and version keep the rules the actions hold them to, so every later call can answer them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterator

from nexigon_fake.toolkit.snapshot_format import Snapshot
from nexigon_fake.wire.common import U64_MAX
from nexigon_fake.wire.devices import PROPERTY_NAME_PATTERN

_NAME = re.compile(PROPERTY_NAME_PATTERN)
MAX_NAME = 256
MAX_STRATEGY = 128


def _bad_name(name: str) -> bool:
    return not 1 <= len(name) <= MAX_NAME or _NAME.match(name) is None


def _aware(instant: dt.datetime) -> bool:
    return instant.tzinfo is not None


def fleet_property_problems(snapshot: Snapshot, projects: Container[str]) -> Iterator[str]:
    """What is wrong with the fleet properties and definitions, one sentence each."""
    kinds: dict[tuple[str, str], str] = {}
    for prop in snapshot.fleet_properties:
        key = (prop.project_id, prop.name)
        where = f"fleet property {prop.name!r} of project {prop.project_id}"
        if prop.project_id not in projects:
            yield f"{where} refers to unknown id {prop.project_id}"
        if key in kinds:
            yield f"{where} is listed twice"
        kinds[key] = prop.kind
        if _bad_name(prop.name):
            yield f"{where}: the name breaks the property name rules"
        if not 1 <= prop.version <= U64_MAX:
            yield f"{where}: version {prop.version} is not between 1 and 2^64-1"
        if not _aware(prop.last_updated):
            yield f"{where}: `last_updated` has no offset"
        if prop.kind == "Manual" and prop.error is not None:
            yield f"{where} is manual and has an error"
    defined: set[tuple[str, str]] = set()
    for definition in snapshot.fleet_property_definitions:
        key = (definition.project_id, definition.name)
        where = f"computed property definition {definition.name!r} of {definition.project_id}"
        if key in defined:
            yield f"{where} is listed twice"
        defined.add(key)
        if kinds.get(key) != "Computed":
            yield f"{where} has no computed fleet property"
        if any(_bad_name(name) for name in definition.input_properties):
            yield f"{where}: an input property name breaks the property name rules"
        if not 1 <= len(definition.strategy) <= MAX_STRATEGY:
            yield f"{where}: the strategy name is not 1 to {MAX_STRATEGY} characters"
        if not _aware(definition.created_at):
            yield f"{where}: `created_at` has no offset"
    for (project_id, name), kind in kinds.items():
        if kind == "Computed" and (project_id, name) not in defined:
            yield f"computed fleet property {name!r} of project {project_id} has no definition"
