"""Fleet properties as stored (D39): one record per property, one per computed definition.

Plain data, kept per project (``store.fleet_properties[project_id][name]``); the handlers live
in ``fleet_properties``. Values are JSON data, never encoded: a project has few of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

FleetPropertyKindName = Literal["Manual", "Computed"]  # `Builtin` is never produced (D39)


@dataclass(slots=True)
class FleetPropertyRecord:
    """A property of a project's fleet; a computed one has a definition of the same name."""

    project_id: str
    name: str
    value: Any
    kind: FleetPropertyKindName
    version: int
    last_updated: dt.datetime
    error: str | None = None  # computed only: why the value is not (or no longer) computed


@dataclass(slots=True)
class ComputedFleetPropertyRecord:
    """The definition of a computed property, as given (``config`` ``None`` when absent)."""

    project_id: str
    name: str
    input_properties: list[str]
    strategy: str
    config: Any
    created_at: dt.datetime  # of the first definition: redefinition keeps it (C52)
