"""Fleet properties of a project: manual values and computed definitions (D39, C52).

A manual property is created at version 1 and bumped by every set, unchanged values too. A
computed one exists from its definition on, with value ``null``, version 1 and an error saying
the fake does not compute its strategy: upstream's strategies are undocumented, so a test
stands in for them with ``set_computed_value`` (``hub.fleet.set_computed_value``), which bumps
the version and clears the error. The two kinds never turn into each other: remove first.
"""

from __future__ import annotations

from typing import Any

import msgspec

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_FLEET_PROPERTY_COMPUTED,
    MSG_FLEET_PROPERTY_MANUAL,
    MSG_FLEET_PROPERTY_NOT_COMPUTED,
    MSG_FLEET_STRATEGY_NOT_COMPUTED,
    MSG_FLEET_VALUE_NOT_JSON,
    MSG_PROPERTY_VERSION_EXHAUSTED,
    InvalidError,
)
from nexigon_fake.state.fleet_property_records import (
    ComputedFleetPropertyRecord,
    FleetPropertyRecord,
)
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import U64_MAX, Empty
from nexigon_fake.wire.fleet_properties import (
    ComputedFleetPropertyDefinition,
    DefineComputedFleetPropertyAction,
    FleetProperty,
    FleetPropertyKind,
    FleetPropertyKindComputed,
    FleetPropertyKindManual,
    GetFleetPropertyAction,
    GetFleetPropertyFound,
    GetFleetPropertyNotFound,
    GetFleetPropertyOutput,
    QueryComputedFleetPropertyDefinitionsAction,
    QueryComputedFleetPropertyDefinitionsOutput,
    QueryFleetPropertiesAction,
    QueryFleetPropertiesOutput,
    RemoveFleetPropertyAction,
    RemoveFleetPropertyNotFound,
    RemoveFleetPropertyOutput,
    RemoveFleetPropertyRemoved,
    SetFleetPropertyAction,
)

_KINDS: dict[str, FleetPropertyKind] = {
    "Manual": FleetPropertyKindManual(),
    "Computed": FleetPropertyKindComputed(),
}


def _audit(ctx: Context, event: str, project_id: str, name: str) -> None:
    data = {"projectId": project_id, "propertyName": name}
    ctx.audit(event, data, project_id=project_id)


def _next_version(record: FleetPropertyRecord) -> int:
    """A ``u64`` upstream: nothing comes after 2^64-1 (C6), as for device properties."""
    if record.version >= U64_MAX:
        raise InvalidError(
            MSG_PROPERTY_VERSION_EXHAUSTED.format(name=record.name, version=record.version)
        )
    return record.version + 1


def _not_computed(strategy: str) -> str:
    return MSG_FLEET_STRATEGY_NOT_COMPUTED.format(strategy=strategy)


def set_property(ctx: Context, request: SetFleetPropertyAction) -> Empty:
    """A manual property only; a computed name is refused until it is removed (D39)."""
    store = ctx.store
    project_id = store.project(request.project_id).project_id
    properties = store.fleet_properties.setdefault(project_id, {})
    current = properties.get(request.name)
    if current is not None and current.kind == "Computed":
        raise InvalidError(MSG_FLEET_PROPERTY_COMPUTED.format(name=request.name))
    version = 1 if current is None else _next_version(current)
    properties[request.name] = FleetPropertyRecord(
        project_id=project_id,
        name=request.name,
        value=request.value,
        kind="Manual",
        version=version,
        last_updated=store.now(),
    )
    _audit(ctx, "fleet_PropertySet", project_id, request.name)
    return Empty()


def _fields(record: FleetPropertyRecord) -> dict[str, Any]:
    """A property's wire fields, for the listing item and the flattened ``Found`` alike."""
    return {
        "name": record.name,
        "value": record.value,
        "kind": _KINDS[record.kind],
        "version": record.version,
        "error": record.error,
        "last_updated": format_timestamp(record.last_updated),
    }


def _wire(record: FleetPropertyRecord) -> FleetProperty:
    return FleetProperty(**_fields(record))


def get_property(ctx: Context, request: GetFleetPropertyAction) -> GetFleetPropertyOutput:
    store = ctx.store
    project_id = store.project(request.project_id).project_id
    record = store.fleet_properties.get(project_id, {}).get(request.name)
    if record is None:
        return GetFleetPropertyNotFound()
    return GetFleetPropertyFound(**_fields(record))


def remove_property(ctx: Context, request: RemoveFleetPropertyAction) -> RemoveFleetPropertyOutput:
    """Manual and computed alike; a computed property's definition goes with it."""
    store = ctx.store
    project_id = store.project(request.project_id).project_id
    record = store.fleet_properties.get(project_id, {}).pop(request.name, None)
    if record is None:
        return RemoveFleetPropertyNotFound()
    store.fleet_property_definitions.get(project_id, {}).pop(request.name, None)
    _audit(ctx, "fleet_PropertyRemoved", project_id, request.name)
    return RemoveFleetPropertyRemoved()


def query_properties(
    ctx: Context, request: QueryFleetPropertiesAction
) -> QueryFleetPropertiesOutput:
    """Keyed by name, in creation order (a removed and recreated property comes last)."""
    store = ctx.store
    project_id = store.project(request.project_id).project_id
    records = store.fleet_properties.get(project_id, {})
    return QueryFleetPropertiesOutput(properties={n: _wire(r) for n, r in records.items()})


def define_computed_property(ctx: Context, request: DefineComputedFleetPropertyAction) -> Empty:
    """Store or replace the definition (D39, C52): a redefinition keeps ``createdAt``, the value
    and the version, and rewrites the error for the new strategy. A redefinition that changes
    nothing is not audited (C25)."""
    store = ctx.store
    project_id = store.project(request.project_id).project_id
    properties = store.fleet_properties.setdefault(project_id, {})
    current = properties.get(request.name)
    if current is not None and current.kind == "Manual":
        raise InvalidError(MSG_FLEET_PROPERTY_MANUAL.format(name=request.name))
    definitions = store.fleet_property_definitions.setdefault(project_id, {})
    existing = definitions.get(request.name)
    definition = ComputedFleetPropertyRecord(
        project_id=project_id,
        name=request.name,
        input_properties=list(request.input_properties),
        strategy=request.strategy,
        config=request.config,
        created_at=store.now() if existing is None else existing.created_at,
    )
    error = _not_computed(request.strategy)
    if current is not None and existing == definition and current.error == error:
        return Empty()
    definitions[request.name] = definition
    if current is None:
        properties[request.name] = FleetPropertyRecord(
            project_id=project_id,
            name=request.name,
            value=None,
            kind="Computed",
            version=1,
            last_updated=store.now(),
            error=error,
        )
    else:
        current.error = error
    _audit(ctx, "fleet_ComputedPropertyDefined", project_id, request.name)
    return Empty()


def query_computed_property_definitions(
    ctx: Context, request: QueryComputedFleetPropertyDefinitionsAction
) -> QueryComputedFleetPropertyDefinitionsOutput:
    """In the order they were first defined (C52)."""
    store = ctx.store
    project_id = store.project(request.project_id).project_id
    definitions = store.fleet_property_definitions.get(project_id, {})
    return QueryComputedFleetPropertyDefinitionsOutput(
        definitions=[
            ComputedFleetPropertyDefinition(
                name=d.name,
                input_properties=list(d.input_properties),
                strategy=d.strategy,
                config=d.config,
                created_at=format_timestamp(d.created_at),
            )
            for d in definitions.values()
        ]
    )


def set_computed_value(
    store: Store, project_id: str, name: str, value: Any, *, error: str | None = None
) -> None:
    """What a strategy would have computed: the value (a copy of it, as JSON data) with a new
    version and ``lastUpdated``, and ``error`` (cleared unless given). Not an action: not
    audited, as a computation by the hub would not be (C25)."""
    project_id = store.project(project_id).project_id
    record = store.fleet_properties.get(project_id, {}).get(name)
    if record is None:
        raise InvalidError(MSG_FLEET_PROPERTY_NOT_COMPUTED.format(project_id=project_id, name=name))
    if record.kind == "Manual":
        raise InvalidError(MSG_FLEET_PROPERTY_MANUAL.format(name=name))
    try:
        copied = msgspec.json.decode(msgspec.json.encode(value))
    except (msgspec.EncodeError, TypeError, ValueError) as problem:
        raise InvalidError(MSG_FLEET_VALUE_NOT_JSON.format(detail=problem)) from None
    record.version = _next_version(record)
    record.value = copied
    record.error = error
    record.last_updated = store.now()
