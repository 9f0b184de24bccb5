"""The event log's compact forms: every event reads back as it was published.

A small log is one ``bytes`` with records newest first; from ``INDEX_FROM`` events on it keeps
arrays of starts, times and id hashes. Ids stamped with their emission minute keep only their
random part. These tests cross both switches: events out of emission order before and after
indexing, ids in either form with the same random part, an id inside another event's body,
hash collisions, values msgpack cannot hold, and a long history.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random
import zlib
from dataclasses import dataclass

import msgspec
import pytest

from nexigon_fake.clock import format_timestamp, minute_stamp, parse_timestamp
from nexigon_fake.state.model import StoredEvent
from nexigon_fake.state.storage.event_log import INDEX_FROM, SEVERITIES, EventLog
from nexigon_fake.wire.devices import DeviceEvent, DeviceEventSeverity

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
START = dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC)
RECEIVED = dt.datetime(2026, 5, 4, 7, 0, 30, 250_000, tzinfo=dt.UTC)
# Two ids with one CRC-32, found by search: the indexed log must tell them apart.
COLLIDING = ("d_ev_20260504-0700-Crc1xC4a", "d_ev_20260504-0700-CrcAD211")


def dated_id(raw: str, minute: dt.datetime = START) -> str:
    return f"d_ev_{minute_stamp(minute)}-{raw}"


def event(
    event_id: str,
    emitted: dt.datetime = START,
    body: object = None,
    *,
    severity: DeviceEventSeverity = "Info",
    category: str | None = None,
    attributes: dict[str, object] | None = None,
) -> DeviceEvent:
    return DeviceEvent(
        event_id=event_id,
        category=category,
        severity=severity,
        body=body,
        attributes={} if attributes is None else attributes,
        emitted_at=format_timestamp(emitted),
    )


def raw_part(number: int) -> str:
    digits = []
    for _ in range(8):
        number, digit = divmod(number, len(BASE58))
        digits.append(BASE58[digit])
    return "".join(digits)


@dataclass
class Reference:
    """What the log must hold: events with their receipt, in emission then recording order."""

    stored: list[StoredEvent]

    def add(self, sent: DeviceEvent, received_at: dt.datetime | None, sequence: int) -> None:
        received = None if received_at is None else format_timestamp(received_at)
        event = msgspec.structs.replace(sent, received_at=received)
        emitted_at = parse_timestamp(sent.emitted_at)
        stored = StoredEvent(emitted_at=emitted_at, sequence=sequence, event=event)
        at = len(self.stored)
        while at and self.stored[at - 1].emitted_at > emitted_at:
            at -= 1
        self.stored.insert(at, stored)

    def ids(self) -> set[str]:
        return {stored.event.event_id for stored in self.stored}


def publish(
    log: EventLog,
    reference: Reference,
    sent: DeviceEvent,
    received_at: dt.datetime | None,
    sequence: int,
) -> bool:
    """What the publish action does: skip a known id, else add; the reference must agree."""
    known = sent.event_id in log
    assert known == (sent.event_id in reference.ids())
    if not known:
        log.add(sent, received_at, sequence)
        reference.add(sent, received_at, sequence)
    return not known


def assert_same(log: EventLog, reference: Reference) -> None:
    assert len(log) == len(reference.stored)
    assert list(log) == reference.stored
    newest = [stored.event for stored in reversed(reference.stored)]
    for limit in (1, 3, len(newest), len(newest) + 5):
        assert log.newest(limit) == newest[:limit]


def filled(count: int, *, step: dt.timedelta = dt.timedelta(seconds=1)) -> EventLog:
    log = EventLog()
    for number in range(count):
        emitted = START + number * step
        log.add(event(dated_id(raw_part(number), emitted), emitted), RECEIVED, number)
    return log


@pytest.mark.parametrize("count", [5, INDEX_FROM + 5], ids=["small", "indexed"])
def test_out_of_order_events_take_their_place_ties_in_recording_order(count: int) -> None:
    log, reference = EventLog(), Reference([])
    for number in range(count):
        emitted = START + dt.timedelta(seconds=10 * number)
        publish(
            log, reference, event(dated_id(raw_part(number), emitted), emitted), RECEIVED, number
        )
    late = [
        START - dt.timedelta(days=400),  # before every other event (and in another minute)
        START + dt.timedelta(seconds=10),  # a tie with the second event: goes after it
        START + dt.timedelta(seconds=15, microseconds=1),  # between two
        START + dt.timedelta(seconds=10),  # a second tie: after the first
        START + dt.timedelta(days=3),  # after every other event
    ]
    for offset, emitted in enumerate(late):
        sequence = 1000 + offset
        sent = event(dated_id(raw_part(sequence), emitted), emitted, body=offset)
        assert publish(log, reference, sent, RECEIVED, sequence)
        assert_same(log, reference)
    emitted_order = [stored.event.body for stored in log if isinstance(stored.event.body, int)]
    assert emitted_order == [0, 1, 3, 2, 4]


def test_out_of_order_events_across_the_switch_to_an_index() -> None:
    """Events shuffled in time, with ties, published until well past INDEX_FROM."""
    chooser = random.Random(7)
    log, reference = EventLog(), Reference([])
    for number in range(INDEX_FROM * 2):
        emitted = START + dt.timedelta(milliseconds=chooser.randrange(0, 200_000, 500))
        sent = event(dated_id(raw_part(number), emitted), emitted, body=number)
        publish(log, reference, sent, RECEIVED, 10 * number)
        if number in (INDEX_FROM - 2, INDEX_FROM - 1, INDEX_FROM, INDEX_FROM * 2 - 1):
            assert_same(log, reference)
    assert len({stored.emitted_at for stored in log}) < len(log)  # the draw had ties


@pytest.mark.parametrize("count", [3, INDEX_FROM + 3], ids=["small", "indexed"])
def test_ids_in_either_form_with_one_random_part_are_distinct(count: int) -> None:
    """An id stamped with its emission minute keeps only its random part; the same random
    part under another stamp, or emitted in another minute, is another id."""
    log, reference = filled(count), Reference([])
    reference.stored = list(log)
    stamped = dated_id("SameRaw1", START)  # stored as its random part
    other_stamp = dated_id("SameRaw1", START + dt.timedelta(minutes=1))  # stored whole
    assert publish(log, reference, event(stamped, START), RECEIVED, 500)
    assert other_stamp not in log
    assert publish(log, reference, event(other_stamp, START), RECEIVED, 501)
    # The first id again, emitted a minute later (where it would be stored whole): a duplicate.
    assert not publish(log, reference, event(stamped, START + dt.timedelta(minutes=1)), None, 502)
    # An id stored whole, then again where it would be stored as its random part.
    whole = dated_id("WhoLe111", START - dt.timedelta(hours=2))
    assert publish(log, reference, event(whole, START), RECEIVED, 503)
    assert not publish(log, reference, event(whole, START - dt.timedelta(hours=2)), None, 504)
    assert dated_id("SameRaw1", START + dt.timedelta(minutes=2)) not in log
    assert_same(log, reference)


@pytest.mark.parametrize("count", [2, INDEX_FROM + 2], ids=["small", "indexed"])
def test_an_id_or_its_random_part_inside_a_body_is_not_a_duplicate(count: int) -> None:
    log, reference = filled(count), Reference([])
    reference.stored = list(log)
    hidden = dated_id("Hidden11")
    other_minute = dated_id("Hidden22", START - dt.timedelta(days=1))
    body = ["Hidden11", {"Hidden11": hidden}, other_minute, "Hidden22"]
    attributes = {"Hidden11": "Hidden22"}
    carrier = event(dated_id("Carrier1"), body=body, attributes=attributes)
    assert publish(log, reference, carrier, RECEIVED, 900)
    assert hidden not in log
    assert other_minute not in log
    assert publish(log, reference, event(hidden), RECEIVED, 901)
    assert publish(log, reference, event(other_minute), RECEIVED, 902)
    assert hidden in log
    assert other_minute in log
    assert_same(log, reference)


def test_ids_sharing_a_hash_are_told_apart_once_indexed() -> None:
    first, second = COLLIDING
    assert zlib.crc32(first.encode()) == zlib.crc32(second.encode())
    log, reference = filled(INDEX_FROM), Reference([])
    reference.stored = list(log)
    assert publish(log, reference, event(first), RECEIVED, 700)
    assert second not in log
    assert publish(log, reference, event(second), RECEIVED, 701)
    assert first in log
    assert second in log
    assert not publish(log, reference, event(second), RECEIVED, 702)
    assert_same(log, reference)


@pytest.mark.parametrize("count", [0, INDEX_FROM + 1], ids=["small", "indexed"])
def test_values_msgpack_cannot_hold_come_back_through_json(count: int) -> None:
    log, reference = filled(count), Reference([])
    reference.stored = list(log)
    huge = [
        event(dated_id("Huge1111"), body=2**80, attributes={"big": -(2**70)}),
        event(dated_id("Huge2222"), body={"list": [2**64, 1.5]}, category="big", severity="Error"),
        event(dated_id("Huge3333"), body=None, attributes={"x": [2**65]}, severity="Trace"),
    ]
    for offset, sent in enumerate(huge):
        assert publish(log, reference, sent, None if offset == 1 else RECEIVED, 800 + offset)
    assert_same(log, reference)
    by_id = {stored.event.event_id: stored.event for stored in log}
    assert by_id[dated_id("Huge1111")].body == 2**80
    assert by_id[dated_id("Huge3333")].attributes == {"x": [2**65]}


@pytest.mark.parametrize("count", [0, INDEX_FROM], ids=["small", "indexed"])
def test_every_field_combination_and_odd_times_read_back_exactly(count: int) -> None:
    """Severity, receipt and category are left out while usual; times keep microseconds."""
    log, reference = filled(count), Reference([])
    reference.stored = list(log)
    emitted_times = [
        START,
        START + dt.timedelta(microseconds=1),
        START - dt.timedelta(microseconds=999),
        dt.datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=dt.UTC),
        dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    ]
    receipts = [RECEIVED, START, None, START + dt.timedelta(microseconds=3)]
    sequence = 10_000
    for emitted in emitted_times:
        for received_at in receipts:
            for severity in SEVERITIES[:3]:
                for category in (None, "app"):
                    sequence += 1
                    raw = raw_part(sequence)
                    sent = event(
                        dated_id(raw, emitted),
                        emitted,
                        body={"k": [sequence, "ü"]},
                        severity=severity,
                        category=category,
                    )
                    assert publish(log, reference, sent, received_at, sequence)
    assert_same(log, reference)


def test_sequences_far_from_the_first_and_below_it_read_back() -> None:
    log, reference = EventLog(), Reference([])
    for offset, sequence in enumerate([5_000_000, 3, 2**40, 5_000_001]):
        publish(log, reference, event(dated_id(raw_part(offset))), RECEIVED, sequence)
    assert [stored.sequence for stored in log] == [5_000_000, 3, 2**40, 5_000_001]
    assert_same(log, reference)


def test_newest_with_limits_beyond_either_end() -> None:
    for log in (EventLog(), filled(4), filled(INDEX_FROM + 4)):
        assert log.newest(0) == []
        assert log.newest(-3) == []
        assert len(log.newest(10_000)) == len(log)
    assert EventLog().newest(5) == []
    assert list(EventLog()) == []
    assert len(EventLog()) == 0
    assert dated_id("Anything") not in EventLog()


@pytest.mark.parametrize("count", [6, INDEX_FROM + 6], ids=["small", "indexed"])
def test_a_pickled_log_comes_back_whole_and_keeps_working(count: int) -> None:
    """Baselines pickle the store, events included."""
    log = filled(count)
    restored: EventLog = pickle.loads(pickle.dumps(log, pickle.HIGHEST_PROTOCOL))
    assert list(restored) == list(log)
    late = event(dated_id("Late1111", START - dt.timedelta(days=1)), START - dt.timedelta(days=1))
    restored.add(late, RECEIVED, 99)
    assert next(iter(restored)).event.event_id == late.event_id
    assert late.event_id not in log
    assert dated_id(raw_part(2), START + 2 * dt.timedelta(seconds=1)) in restored


def test_a_long_history_stays_ordered_and_searchable() -> None:
    count = 20_000
    log = filled(count, step=dt.timedelta(milliseconds=37))
    assert len(log) == count
    middle = START + dt.timedelta(milliseconds=37 * 10_000, microseconds=1)
    late = event(dated_id("Mid5t111", middle), middle, body="middle")
    assert late.event_id not in log
    log.add(late, RECEIVED, count)
    last = START + dt.timedelta(milliseconds=37 * (count - 1))
    assert dated_id(raw_part(count - 1), last) in log
    assert dated_id(raw_part(count - 1), START) not in log  # same random part, other stamp
    assert dated_id(raw_part(0)) in log
    assert [e.event_id for e in log.newest(2)] == [
        dated_id(raw_part(count - 1), last),
        dated_id(raw_part(count - 2), last - dt.timedelta(milliseconds=37)),
    ]
    stored = list(log)
    assert len(stored) == count + 1
    assert stored[10_001].event == msgspec.structs.replace(
        late, received_at=format_timestamp(RECEIVED)
    )
    assert [s.emitted_at for s in stored] == sorted(s.emitted_at for s in stored)
    assert [s.sequence for s in stored[10_000:10_003]] == [10_000, count, 10_001]
