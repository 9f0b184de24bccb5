"""The hub's sense of time: the only module that may read the wall clock.

A frozen clock moves only when told, which makes durations, token expiry and audit
timestamps reproducible; the system clock follows real time for interactive use.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Protocol

from nexigon_fake.errors.tooling import (
    MSG_START_TIME,
)

UTC = dt.UTC

DEFAULT_START = dt.datetime(2026, 5, 4, 7, 0, 0, tzinfo=UTC)

# The instants a clock may show. Timestamps are written for years 0001-9999; the clock stops a
# year short of the end so that what the hub derives from "now" (token expiry, leases,
# operation deadlines) can still be written.
EARLIEST = dt.datetime(1, 1, 1, tzinfo=UTC)
LATEST = dt.datetime(9999, 1, 1, tzinfo=UTC)


class ClockError(ValueError):
    """A clock was asked to do something it cannot (move a system clock, go naive)."""


def _require_aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ClockError("clock instants must be timezone-aware")
    try:
        instant = instant.astimezone(UTC)
    except OverflowError:
        raise ClockError(_OUT_OF_RANGE) from None
    if not EARLIEST <= instant <= LATEST:
        raise ClockError(_OUT_OF_RANGE)
    return instant


_OUT_OF_RANGE = (
    "the clock stays between 0001-01-01T00:00:00Z and 9999-01-01T00:00:00Z, "
    "where every timestamp the hub writes is valid"
)


def _advanced(now: dt.datetime, seconds: float) -> dt.datetime:
    """``now`` moved forward by ``seconds``, refused (nothing moved) when out of range."""
    if not seconds >= 0:  # also refuses NaN
        raise ClockError("a clock only moves forward; use set() to go back")
    try:
        moved = now + dt.timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        raise ClockError(_OUT_OF_RANGE) from None
    return _require_aware(moved)


START_NOW = "now"


def wall_now() -> dt.datetime:
    """The wall-clock instant to the second: what ``start_time="now"`` freezes."""
    return dt.datetime.now(UTC).replace(microsecond=0)


def resolve_start(start: dt.datetime | str | None) -> dt.datetime | None:
    """A hub's start time: ``"now"`` is the wall-clock instant (to the second) at this call,
    so a frozen clock starts at the real date and ``reset()`` returns to that same instant."""
    if start == START_NOW:
        return wall_now()
    if isinstance(start, str):
        raise ClockError(MSG_START_TIME.format(got=start))
    return start


class Clock(Protocol):
    frozen: bool

    def now(self) -> dt.datetime: ...

    def advance(self, seconds: float) -> dt.datetime: ...

    def set(self, instant: dt.datetime) -> dt.datetime: ...


class FrozenClock:
    """Time that stands still until a test moves it."""

    frozen = True

    def __init__(self, start: dt.datetime = DEFAULT_START) -> None:
        self._now = _require_aware(start)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, seconds: float) -> dt.datetime:
        self._now = _advanced(self._now, seconds)
        return self._now

    def set(self, instant: dt.datetime) -> dt.datetime:
        self._now = _require_aware(instant)
        return self._now


class SystemClock:
    """Real time, shifted by whatever a test advanced or set it to."""

    frozen = False

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._offset = dt.timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> dt.datetime:
        # Real time passing after the move has the year LATEST leaves before the end.
        now = dt.datetime.now(UTC)
        moved = _advanced(now + self._offset, seconds)
        self._offset = moved - now
        return moved

    def set(self, instant: dt.datetime) -> dt.datetime:
        now = dt.datetime.now(UTC)
        self._offset = _require_aware(instant) - now
        return now + self._offset


class ObservedClock:
    """A clock that calls ``observer`` after every move: the hub drives due work then (D19),
    whoever moved the clock (a test, the control plane, the fixture loader)."""

    def __init__(self, inner: Clock, observer: Callable[[], None]) -> None:
        self.inner = inner
        self.frozen = inner.frozen
        self._observer = observer

    def now(self) -> dt.datetime:
        return self.inner.now()

    def advance(self, seconds: float) -> dt.datetime:
        moved = self.inner.advance(seconds)
        self._observer()
        return moved

    def set(self, instant: dt.datetime) -> dt.datetime:
        moved = self.inner.set(instant)
        self._observer()
        return moved


@functools.lru_cache(maxsize=4096)
def format_timestamp(instant: dt.datetime) -> str:
    """RFC 3339 in UTC with ``Z``; the fraction only when not zero, trailing zeros trimmed."""
    instant = instant.astimezone(UTC)
    # Not strftime: its %Y leaves years below 1000 unpadded on glibc.
    text = (
        f"{instant.year:04d}-{instant.month:02d}-{instant.day:02d}"
        f"T{instant.hour:02d}:{instant.minute:02d}:{instant.second:02d}"
    )
    if instant.microsecond:
        text += "." + f"{instant.microsecond:06d}".rstrip("0")
    return text + "Z"


@functools.lru_cache(maxsize=4096)
def parse_timestamp(text: str) -> dt.datetime:
    """Parse an RFC 3339 timestamp that carries an offset; naive input is refused."""
    try:
        instant = dt.datetime.fromisoformat(text.upper())  # RFC 3339 allows `t` and `z`
        if instant.tzinfo is None:
            raise ValueError("timestamp must carry an offset (`Z` or `+hh:mm`)")
        return instant.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp is out of range") from None


@functools.lru_cache(maxsize=4096)
def minute_stamp(instant: dt.datetime) -> str:
    """``YYYYMMDD-HHMM`` in UTC, the stamp dated ids start with."""
    instant = instant.astimezone(UTC)
    day = f"{instant.year:04d}{instant.month:02d}{instant.day:02d}"
    return f"{day}-{instant.hour:02d}{instant.minute:02d}"


EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def to_micros(instant: dt.datetime) -> int:
    """Microseconds since the Unix epoch: how compact stores keep an instant."""
    return (instant - EPOCH) // MICROSECOND


def from_micros(micros: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=micros)


def whole_seconds(start: dt.datetime, end: dt.datetime) -> int:
    """Elapsed whole seconds, never negative (a clock set backwards yields 0)."""
    return max(0, int((end - start).total_seconds()))
