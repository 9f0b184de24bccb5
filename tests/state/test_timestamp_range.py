"""Years 0001-0999 are timestamps like any other; PublishEvents keeps all or nothing
(issue 18, defect 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nexigon_fake import Hub

from .helpers import event_id, make_device, make_project, project_audit, raises
from .test_events import event, publish, query


def test_events_from_year_0999_read_back_zero_padded(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    first, early = event_id(), event_id("09990101-0000")
    publish(hub, device, event(first), event(early, emitted="0999-01-01T00:00:00Z"))
    emitted = {each["eventId"]: each["emittedAt"] for each in query(hub, device)}
    assert emitted == {first: "2026-05-04T06:59:00Z", early: "0999-01-01T00:00:00Z"}


def test_a_publish_with_one_unwritable_event_keeps_none(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    before = hub.snapshot_json()
    bad = event(event_id(), emitted="9999-12-31T23:30:00-01:00")  # year 10000 in UTC
    raises("Invalid", 400, publish, hub, device, event(), bad)
    assert hub.snapshot_json() == before


def test_a_hub_started_in_year_1_writes_valid_timestamps_and_dated_ids() -> None:
    hub = Hub(start_time=dt.datetime(1, 1, 1, 0, 5, tzinfo=dt.UTC))
    project = make_project(hub)
    audit = project_audit(hub, project)
    assert audit and audit[0]["createdAt"] == "0001-01-01T00:05:00Z"
    assert re.fullmatch(r"audit_ev_00010101-0005-\w{8}", audit[0]["eventId"])


def test_a_clock_outside_the_range_is_refused_when_the_hub_is_made() -> None:
    with pytest.raises(ValueError, match="between 0001-01-01"):
        Hub(start_time=dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
