"""``Hub(start_time="now")``: the wall-clock instant at construction, then frozen."""

from __future__ import annotations

import datetime as dt

import pytest

from nexigon_fake import Hub
from nexigon_fake.clock import ClockError


def test_now_is_the_wall_clock_at_construction_then_frozen():
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    hub = Hub(start_time="now")
    after = dt.datetime.now(dt.UTC)
    start = hub.clock.now()
    assert before <= start <= after
    assert hub.clock.frozen
    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "p"})
    assert hub.clock.now() == start
    hub.clock.advance(90)
    hub.reset()
    assert hub.clock.now() == start  # reset returns to the same instant, not a new "now"


def test_other_strings_are_refused_naming_the_argument():
    with pytest.raises(ClockError, match="start_time is a timezone-aware datetime or 'now'"):
        Hub(start_time="today")  # type: ignore[arg-type]
