"""Device events: publish with duplicate suppression, query newest first."""

from __future__ import annotations

from nexigon_fake.clock import parse_timestamp, to_micros
from nexigon_fake.state.storage.event_log import EventLog
from nexigon_fake.state.store import Context
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.devices import (
    PublishDeviceEventsAction,
    QueryDeviceEventsAction,
    QueryDeviceEventsOutput,
)

DEFAULT_LIMIT = 100


def publish_events(ctx: Context, request: PublishDeviceEventsAction) -> Empty:
    """The hub stamps ``receivedAt``; an event id the device already has is ignored."""
    store = ctx.store
    device = store.device(request.device_id)
    received_at = store.now()
    for event in request.events:  # everything that could refuse an event, before any is kept
        to_micros(parse_timestamp(event.emitted_at))
    log = device.events
    if log is None:
        log = device.events = EventLog()
    for event in request.events:
        if event.event_id in log:
            continue
        log.add(event, received_at, store.next_sequence())
    return Empty()


def query_events(ctx: Context, request: QueryDeviceEventsAction) -> QueryDeviceEventsOutput:
    """Newest first by ``emittedAt``; ties newest recorded first."""
    device = ctx.store.device(request.device_id)
    limit = DEFAULT_LIMIT if request.limit is None else request.limit
    if device.events is None:
        return QueryDeviceEventsOutput(events=[])
    return QueryDeviceEventsOutput(events=device.events.newest(limit))
