"""Device events: publish with duplicate suppression, query newest first."""

from __future__ import annotations

import bisect

from nexigon_fake.clock import format_timestamp, parse_timestamp
from nexigon_fake.model import StoredEvent
from nexigon_fake.state.store import Context
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.devices import (
    DeviceEvent,
    PublishDeviceEventsAction,
    QueryDeviceEventsAction,
    QueryDeviceEventsOutput,
)

DEFAULT_LIMIT = 100


def _order(stored: StoredEvent) -> tuple[object, int]:
    return (stored.emitted_at, stored.sequence)


def publish(ctx: Context, request: PublishDeviceEventsAction) -> Empty:
    """The hub stamps ``receivedAt``; an event id the device already has is ignored."""
    store = ctx.store
    device = store.device(request.device_id)
    received_at = format_timestamp(store.now())
    for event in request.events:
        if event.event_id in device.event_ids:
            continue
        device.event_ids[event.event_id] = None
        stored = StoredEvent(
            emitted_at=parse_timestamp(event.emitted_at),
            sequence=store.next_sequence(),
            event=DeviceEvent(
                event_id=event.event_id,
                category=event.category,
                severity=event.severity,
                body=event.body,
                attributes=event.attributes,
                emitted_at=event.emitted_at,
                received_at=received_at,
            ),
        )
        bisect.insort(device.events, stored, key=_order)
    return Empty()


def query(ctx: Context, request: QueryDeviceEventsAction) -> QueryDeviceEventsOutput:
    """Newest first by ``emittedAt``; ties newest recorded first."""
    device = ctx.store.device(request.device_id)
    limit = DEFAULT_LIMIT if request.limit is None else request.limit
    newest = device.events[-limit:]
    return QueryDeviceEventsOutput(events=[stored.event for stored in reversed(newest)])
