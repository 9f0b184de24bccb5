"""Timestamps over years 0001-9999 and a clock that refuses what it could not write (issue 18,
defect 3 and the clock part of defect 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from nexigon_fake.clock import (
    LATEST,
    ClockError,
    FrozenClock,
    SystemClock,
    format_timestamp,
    minute_stamp,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("instant", "text", "stamp"),
    [
        (dt.datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z", "00010101-0000"),
        (dt.datetime(999, 12, 31, 23, 59, tzinfo=UTC), "0999-12-31T23:59:00Z", "09991231-2359"),
        (dt.datetime(9999, 12, 31, 1, 2, 3, 40, tzinfo=UTC), "9999-12-31T01:02:03.00004Z", None),
    ],
)
def test_timestamps_are_zero_padded_over_the_whole_range(
    instant: dt.datetime, text: str, stamp: str | None
) -> None:
    assert format_timestamp(instant) == text
    if stamp is not None:
        assert minute_stamp(instant) == stamp


@pytest.mark.parametrize("make", [FrozenClock, SystemClock])
def test_a_refused_move_changes_nothing(make: type[FrozenClock] | type[SystemClock]) -> None:
    clock = make(dt.datetime(2026, 5, 4, tzinfo=UTC))
    before = clock.now()
    for seconds in (2.6e11, 1e300, float("inf"), float("nan"), -1.0):
        with pytest.raises(ClockError):
            clock.advance(seconds)
        assert abs(clock.now() - before) < dt.timedelta(seconds=5)
    for instant in (
        dt.datetime(9999, 6, 1, tzinfo=UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ):
        with pytest.raises(ClockError):
            clock.set(instant)
        assert abs(clock.now() - before) < dt.timedelta(seconds=5)
    format_timestamp(clock.now())  # still writable


def test_the_clock_reaches_its_bounds_exactly() -> None:
    clock = FrozenClock(dt.datetime(1, 1, 1, tzinfo=UTC))
    assert format_timestamp(clock.now()) == "0001-01-01T00:00:00Z"
    clock.set(LATEST - dt.timedelta(seconds=1))
    assert clock.advance(1) == LATEST
    with pytest.raises(ClockError):
        clock.advance(1e-6)
    assert clock.now() == LATEST
