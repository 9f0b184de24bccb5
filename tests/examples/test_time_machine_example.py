"""The README's recipe for code that reads the wall clock, pinned to the hub clock."""

import datetime as dt

import pytest
import time_machine


def token_expired(issued_at: dt.datetime) -> bool:  # your code under test reads the wall clock
    return dt.datetime.now(dt.UTC) - issued_at > dt.timedelta(hours=1)


@pytest.fixture
def wall_clock(nexigon_hub):
    with time_machine.travel(nexigon_hub.clock.now(), tick=False) as traveller:
        yield traveller


def test_code_that_calls_datetime_now_follows_the_hub(nexigon_hub, wall_clock):
    issued_at = dt.datetime.now(dt.UTC)
    assert issued_at == nexigon_hub.clock.now()

    wall_clock.move_to(nexigon_hub.clock.advance(3601))  # move both, together

    assert token_expired(issued_at)
    assert dt.datetime.now(dt.UTC) == nexigon_hub.clock.now()
