"""Inputs and outputs of the fleet-property actions of ``fleet``, named as upstream.

Shapes of ``fleet.sidex`` L14-193 (SEMANTICS-HEAD §III.7.1): ``FleetPropertyKind`` is tagged by
``kind`` with unit variants, so it is an object (``{"kind":"Manual"}``, §III.2 item 3); the
``result`` outputs carry their record flattened next to the tag. Names follow the device
property rules (§III.10), also for each of ``inputProperties`` (C52).
"""

from __future__ import annotations

from typing import Annotated

from nexigon_fake.wire.common import (
    U64,
    Action,
    Empty,
    JsonValue,
    ProjectId,
    Timestamp,
    WireStruct,
    length_rule,
)
from nexigon_fake.wire.devices import PropertyName

StrategyName = Annotated[
    str, length_rule(1, 128, "Strategy name must be between 1 and 128 characters.")
]


class FleetPropertyKindManual(WireStruct, tag_field="kind", tag="Manual"):
    """Set through the API (``fleet_SetProperty``)."""


class FleetPropertyKindComputed(WireStruct, tag_field="kind", tag="Computed"):
    """Computed by a user-defined strategy (``fleet_DefineComputedProperty``)."""


class FleetPropertyKindBuiltin(WireStruct, tag_field="kind", tag="Builtin"):
    """Computed by a built-in strategy; upstream's, which the fake never produces (D39)."""


FleetPropertyKind = FleetPropertyKindManual | FleetPropertyKindComputed | FleetPropertyKindBuiltin


class FleetProperty(WireStruct, kw_only=True):
    name: str
    value: JsonValue
    kind: FleetPropertyKind
    version: U64
    error: str | None = None
    last_updated: Timestamp


# fleet_SetProperty


class SetFleetPropertyAction(Action[Empty]):
    project_id: ProjectId
    name: PropertyName
    value: JsonValue


# fleet_GetProperty


class GetFleetPropertyNotFound(WireStruct, tag_field="result", tag="NotFound"):
    pass


class GetFleetPropertyFound(FleetProperty, kw_only=True, tag_field="result", tag="Found"):
    pass


GetFleetPropertyOutput = GetFleetPropertyNotFound | GetFleetPropertyFound


class GetFleetPropertyAction(Action[GetFleetPropertyOutput]):
    project_id: ProjectId
    name: PropertyName


# fleet_RemoveProperty


class RemoveFleetPropertyNotFound(WireStruct, tag_field="result", tag="NotFound"):
    pass


class RemoveFleetPropertyRemoved(WireStruct, tag_field="result", tag="Removed"):
    pass


RemoveFleetPropertyOutput = RemoveFleetPropertyNotFound | RemoveFleetPropertyRemoved


class RemoveFleetPropertyAction(Action[RemoveFleetPropertyOutput]):
    project_id: ProjectId
    name: PropertyName


# fleet_QueryProperties


class QueryFleetPropertiesOutput(WireStruct):
    properties: dict[str, FleetProperty]


class QueryFleetPropertiesAction(Action[QueryFleetPropertiesOutput]):
    project_id: ProjectId


# fleet_DefineComputedProperty (unstable upstream, always on: D16)


class DefineComputedFleetPropertyAction(Action[Empty]):
    project_id: ProjectId
    name: PropertyName
    input_properties: list[PropertyName]
    strategy: StrategyName
    config: JsonValue | None = None  # `null` is absent (III.2 item 5)


# fleet_QueryComputedPropertyDefinitions


class ComputedFleetPropertyDefinition(WireStruct):
    name: str
    input_properties: list[str]
    strategy: str
    config: JsonValue  # required: `null` when none was given (§III.7.1)
    created_at: Timestamp


class QueryComputedFleetPropertyDefinitionsOutput(WireStruct):
    definitions: list[ComputedFleetPropertyDefinition]


class QueryComputedFleetPropertyDefinitionsAction(
    Action[QueryComputedFleetPropertyDefinitionsOutput]
):
    project_id: ProjectId
