"""Device properties: versions, compare-and-swap and protection (SEMANTICS.md §11, D6)."""

from __future__ import annotations

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_DEVICE_CANNOT_PROTECT,
    MSG_PROPERTY_VERSION_EXHAUSTED,
    MSG_PROTECTED_PROPERTY,
    ForbiddenError,
    InvalidError,
)
from nexigon_fake.state.model import Device, Property
from nexigon_fake.state.operation_driver import property_written
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.store import Context
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.common import U64_MAX
from nexigon_fake.wire.devices import (
    DeviceProperty,
    GetDevicePropertyAction,
    GetDevicePropertyFound,
    GetDevicePropertyNotFound,
    GetDevicePropertyOutput,
    QueryDevicePropertiesAction,
    QueryDevicePropertiesOutput,
    RemoveDevicePropertyAction,
    RemoveDevicePropertyNotFound,
    RemoveDevicePropertyOutput,
    RemoveDevicePropertyRemoved,
    SetDevicePropertyAction,
    SetDevicePropertyDeleted,
    SetDevicePropertyOutput,
    SetDevicePropertySet,
    SetDevicePropertyVersionConflict,
)


def _audit(ctx: Context, event: str, device: Device, name: str) -> None:
    ctx.audit(
        event,
        {"projectId": device.project_id, "deviceId": device.device_id, "propertyName": name},
        project_id=device.project_id,
        device_id=device.device_id,
    )


def _guard_device(ctx: Context, current: Property | None, name: str) -> None:
    if isinstance(ctx.actor, DeviceActor) and current is not None and current.protected:
        raise ForbiddenError(MSG_PROTECTED_PROPERTY.format(name=name))


def set_property(ctx: Context, request: SetDevicePropertyAction) -> SetDevicePropertyOutput:
    """Permissions first, then compare-and-swap; a new property starts at version 1."""
    store = ctx.store
    device = store.device(request.device_id)
    current = property_codec.read(device, request.name)
    if isinstance(ctx.actor, DeviceActor) and request.protected:
        raise ForbiddenError(MSG_DEVICE_CANNOT_PROTECT)
    _guard_device(ctx, current, request.name)
    if request.expected_version is not None:
        if current is None:
            return SetDevicePropertyDeleted()
        if current.version != request.expected_version:
            return SetDevicePropertyVersionConflict(current_version=current.version)
    if current is None:
        protected = bool(request.protected)
        version = 1
    else:
        protected = current.protected if request.protected is None else request.protected
        if current.version >= U64_MAX:  # a u64 upstream: nothing comes after (C6)
            raise InvalidError(
                MSG_PROPERTY_VERSION_EXHAUSTED.format(name=request.name, version=current.version)
            )
        version = current.version + 1
    updated = Property(
        name=request.name,
        value=request.value,
        protected=protected,
        version=version,
        last_updated=store.now(),
    )
    property_codec.write(device, updated)
    ctx.store.touch(device)
    _audit(ctx, "devices_PropertySet", device, request.name)
    property_written(store, device.device_id)  # waits complete inside this call (D19)
    return SetDevicePropertySet()


def _wire(prop: Property) -> DeviceProperty:
    return DeviceProperty(
        name=prop.name,
        value=prop.value,
        protected=prop.protected,
        version=prop.version,
        last_updated=format_timestamp(prop.last_updated),
    )


def get_property(ctx: Context, request: GetDevicePropertyAction) -> GetDevicePropertyOutput:
    device = ctx.store.device(request.device_id)
    prop = property_codec.read(device, request.name)
    if prop is None:
        return GetDevicePropertyNotFound()
    return GetDevicePropertyFound(
        name=prop.name,
        value=prop.value,
        protected=prop.protected,
        version=prop.version,
        last_updated=format_timestamp(prop.last_updated),
    )


def remove_property(
    ctx: Context, request: RemoveDevicePropertyAction
) -> RemoveDevicePropertyOutput:
    device = ctx.store.device(request.device_id)
    current = property_codec.read(device, request.name)
    if current is None:
        return RemoveDevicePropertyNotFound()
    _guard_device(ctx, current, request.name)
    property_codec.remove(device, request.name)
    ctx.store.touch(device)
    _audit(ctx, "devices_PropertyRemoved", device, request.name)
    property_written(ctx.store, device.device_id)
    return RemoveDevicePropertyRemoved()


def query_properties(
    ctx: Context, request: QueryDevicePropertiesAction
) -> QueryDevicePropertiesOutput:
    device = ctx.store.device(request.device_id)
    return QueryDevicePropertiesOutput(
        properties={prop.name: _wire(prop) for prop in property_codec.read_all(device)}
    )
