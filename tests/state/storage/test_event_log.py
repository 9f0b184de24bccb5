"""The event log against a plain list: every read agrees, before and past ``LONG_FROM``.

The state machine publishes events (duplicates skipped, as the action does), reads them every
way the hub does and round-trips the log through pickle, deepcopy and a snapshot's JSON. The
tests after it pin down behaviours by example: order and ties, receipts, values msgpack cannot
hold, an id inside another event's body and a long history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from nexigon_fake.clock import format_timestamp, parse_timestamp
from nexigon_fake.state.storage.event_log import LONG_FROM, SEVERITIES, EventLog, StoredEvent
from nexigon_fake.wire.devices import DeviceEvent, DeviceEventSeverity

from .round_trips import RoundTrips
from .strategies import START, dated_ids, instants, json_values, odd_ids

AT = dt.datetime(2026, 5, 4, 7, 0, 30, 250_000, tzinfo=dt.UTC)


class Reference:
    """What the log must hold: events with their receipt, in emission then recording order."""

    def __init__(self) -> None:
        self.stored: list[StoredEvent] = []

    def add(self, sent: DeviceEvent, received_at: dt.datetime | None, sequence: int) -> None:
        received = None if received_at is None else format_timestamp(received_at)
        event = msgspec.structs.replace(sent, received_at=received)
        emitted_at = parse_timestamp(sent.emitted_at)
        at = len(self.stored)
        while at and self.stored[at - 1].emitted_at > emitted_at:
            at -= 1
        self.stored.insert(at, StoredEvent(emitted_at=emitted_at, sequence=sequence, event=event))

    def __contains__(self, event_id: str) -> bool:
        return any(stored.event.event_id == event_id for stored in self.stored)

    def newest(self, limit: int) -> list[DeviceEvent]:
        return [stored.event for stored in reversed(self.stored)][: max(limit, 0)]


def events(ids: st.SearchStrategy[str]) -> st.SearchStrategy[DeviceEvent]:
    return st.builds(
        lambda event_id, emitted, body, attributes, severity, category: DeviceEvent(
            event_id=event_id,
            emitted_at=format_timestamp(emitted),
            body=body,
            attributes=attributes,
            severity=severity,
            category=category,
        ),
        ids,
        instants,
        json_values,
        st.dictionaries(st.text(max_size=4), json_values, max_size=2),
        st.sampled_from(SEVERITIES),
        st.none() | st.sampled_from(["app", "système"]),
    )


# Mostly ids as devices make them; now and then one the wire would refuse, which the log
# must keep all the same.
event_ids = st.one_of(dated_ids("d_ev"), dated_ids("d_ev"), dated_ids("d_ev"), odd_ids("d_ev"))
receipts = st.none() | instants


class LooseEvent(msgspec.Struct, rename="camel", kw_only=True):
    """A ``DeviceEvent`` read from JSON without the wire's checks (odd ids are drawn too)."""

    event_id: str
    category: str | None = None
    severity: DeviceEventSeverity
    body: Any
    attributes: dict[str, Any]
    emitted_at: str
    received_at: str | None = None


class LooseStoredEvent(msgspec.Struct):
    emitted_at: dt.datetime
    sequence: int
    event: LooseEvent


def restored(log: EventLog) -> EventLog:
    """What a snapshot does: events to JSON and back, added again in recording order."""
    loose = msgspec.json.decode(msgspec.json.encode(list(log)), type=list[LooseStoredEvent])
    again = EventLog()
    for each in sorted(loose, key=lambda each: each.sequence):
        event = DeviceEvent(**msgspec.structs.asdict(each.event))
        received_at = event.received_at
        received = None if received_at is None else parse_timestamp(received_at)
        again.add(event, received, each.sequence)
    return again


class EventLogMachine(RoundTrips):
    def __init__(self) -> None:
        super().__init__()
        self.log = EventLog()
        self.reference = Reference()
        self.sequence = 0
        self.seen: list[str] = []

    def publish(self, event: DeviceEvent, received_at: dt.datetime | None) -> None:
        """What the publish action does: an id the log has is skipped."""
        self.seen.append(event.event_id)
        known = event.event_id in self.log
        assert known == (event.event_id in self.reference)
        if not known:
            self.sequence += 1
            self.log.add(event, received_at, self.sequence)
            self.reference.add(event, received_at, self.sequence)

    @rule(event=events(event_ids), received_at=receipts)
    def publish_one(self, event: DeviceEvent, received_at: dt.datetime | None) -> None:
        self.publish(event, received_at)

    @rule(
        batch=st.lists(events(event_ids), min_size=LONG_FROM // 2, max_size=LONG_FROM),
        received_at=receipts,
    )
    def publish_many(self, batch: list[DeviceEvent], received_at: dt.datetime | None) -> None:
        for event in batch:
            self.publish(event, received_at)

    @precondition(lambda self: self.seen)
    @rule(data=st.data(), emitted=instants)
    def publish_a_known_id_again(self, data: st.DataObject, emitted: dt.datetime) -> None:
        event_id = data.draw(st.sampled_from(self.seen))
        again = DeviceEvent(
            event_id=event_id,
            emitted_at=format_timestamp(emitted),
            body=1,
            attributes={},
            severity="Info",
        )
        self.publish(again, AT)

    @rule(limit=st.integers(-2, 2 * LONG_FROM + 8))
    def newest(self, limit: int) -> None:
        assert self.log.newest(limit) == self.reference.newest(limit)

    @rule(event_id=event_ids)
    def contains(self, event_id: str) -> None:
        assert (event_id in self.log) == (event_id in self.reference)

    def restored(self, log: Any) -> Any:
        return restored(log)

    @invariant()
    def every_event_reads_back(self) -> None:
        assert len(self.log) == len(self.reference.stored)
        assert list(self.log) == self.reference.stored


EventLogMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestEventLog = EventLogMachine.TestCase


def event(event_id: str, emitted: str = "2026-05-04T07:00:00Z", body: object = None) -> DeviceEvent:
    return DeviceEvent(
        event_id=event_id, severity="Info", body=body, attributes={"a": 1}, emitted_at=emitted
    )


def ev(suffix: str) -> str:
    return f"d_ev_20260504-0700-{suffix}"


def test_events_come_back_in_emission_order_ties_in_recording_order() -> None:
    log = EventLog()
    log.add(event(ev("late1111"), "2026-05-04T07:00:02Z"), AT, 1)
    log.add(event(ev("early111"), "1969-12-31T23:59:59.5Z"), AT, 2)
    log.add(event(ev("tie11111"), "2026-05-04T07:00:01Z"), AT, 3)
    log.add(event(ev("tie22222"), "2026-05-04T07:00:01Z"), None, 4)
    order = [stored.event.event_id for stored in log]
    assert order == [ev("early111"), ev("tie11111"), ev("tie22222"), ev("late1111")]
    assert [stored.sequence for stored in log] == [2, 3, 4, 1]
    newest = log.newest(3)
    assert [e.event_id for e in newest] == [ev("late1111"), ev("tie22222"), ev("tie11111")]
    assert newest[0].received_at == "2026-05-04T07:00:30.25Z"
    assert newest[1].received_at is None
    assert newest[0].attributes == {"a": 1}
    assert len(log.newest(100)) == 4
    assert log.newest(0) == log.newest(-3) == []


def test_an_event_id_inside_another_events_body_is_not_a_duplicate() -> None:
    log = EventLog()
    hidden = ev("hidden11")
    log.add(event(ev("carrier1"), body=[hidden, "hidden11", {hidden: hidden}]), AT, 1)
    assert ev("carrier1") in log
    assert hidden not in log
    assert "hidden11" not in log  # the part after the shared prefix is not an id of its own
    log.add(event(hidden), AT, 2)
    assert hidden in log
    assert next(stored.event.body for stored in log) == [hidden, "hidden11", {hidden: hidden}]


def test_ids_with_and_without_the_logs_prefix_are_told_apart() -> None:
    """The log keeps its first event's id prefix once; an id that merely ends like a stored
    one, or is stored whole, is still its own id."""
    log = EventLog()
    log.add(event(ev("AbCdEfGh")), AT, 1)
    log.add(event("d_ev_20260504-0701-AbCdEfGh"), AT, 2)  # another minute: kept whole
    log.add(event("AbCdEfGh"), AT, 3)  # no prefix at all: kept whole
    assert ev("AbCdEfGh") in log
    assert "d_ev_20260504-0701-AbCdEfGh" in log
    assert "AbCdEfGh" in log
    assert "d_ev_20260504-0702-AbCdEfGh" not in log
    assert [e.event_id for e in log.newest(3)] == [
        "AbCdEfGh",
        "d_ev_20260504-0701-AbCdEfGh",
        ev("AbCdEfGh"),
    ]


def test_event_bodies_and_times_read_back_exactly() -> None:
    log = EventLog()
    bodies: list[object] = [None, 0, -0.0, 1e300, 2**80, -(2**64), "ünï\u0000", {"a": [True]}, []]
    for index, body in enumerate(bodies):
        emitted = f"2026-05-04T07:00:00.{index:06d}Z" if index else "1969-12-31T23:59:59.999999Z"
        log.add(event(ev(f"body{index}AAA"), emitted, body), AT - dt.timedelta(days=index), index)
    stored = list(log)
    assert [each.event.body for each in stored] == bodies
    assert stored[0].event.emitted_at == "1969-12-31T23:59:59.999999Z"
    assert stored[3].event.emitted_at == "2026-05-04T07:00:00.000003Z"
    assert stored[3].event.received_at == format_timestamp(AT - dt.timedelta(days=3))


def test_a_long_history_stays_ordered_and_searchable() -> None:
    count = 20_000
    log = EventLog()
    step = dt.timedelta(milliseconds=37)
    for number in range(count):
        emitted = format_timestamp(START + number * step)
        log.add(event(f"d_ev_{number:08d}", emitted, number), AT, number)
    assert len(log) == count
    middle = format_timestamp(START + 10_000 * step + dt.timedelta(microseconds=1))
    late = event("d_ev_middle", middle, "middle")
    assert late.event_id not in log
    log.add(late, AT, count)
    assert late.event_id in log
    assert "d_ev_00000000" in log
    assert f"d_ev_{count - 1:08d}" in log
    assert f"d_ev_{count:08d}" not in log
    assert [e.event_id for e in log.newest(2)] == [f"d_ev_{count - 1:08d}", f"d_ev_{count - 2:08d}"]
    stored = list(log)
    assert len(stored) == count + 1
    assert stored[10_001].event == msgspec.structs.replace(late, received_at=format_timestamp(AT))
    assert [s.emitted_at for s in stored] == sorted(s.emitted_at for s in stored)
    assert [s.sequence for s in stored[10_000:10_003]] == [10_000, count, 10_001]
