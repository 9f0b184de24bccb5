"""The audit log against a plain list: every record, position and index agrees.

The state machine appends records whose ids play changing roles (one string a device here,
a project there, a mere data value elsewhere), reads them by position and through both
indexes, and round-trips the log through pickle, deepcopy and a snapshot's JSON. The tests
after it pin down behaviours by example.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from nexigon_fake.state.storage.audit_log import RECENT_LIMIT, AuditLog, AuditRecord
from nexigon_fake.wire.actor import (
    Actor,
    AnonymousActor,
    DeviceActor,
    SystemActor,
    UserActor,
    UserTokenActor,
)

from .round_trips import RoundTrips
from .strategies import dated_ids, instants, json_values, odd_ids

AT = dt.datetime(2026, 5, 4, 7, 0, 30, 250_000, tzinfo=dt.UTC)
USER = UserTokenActor(user_id="u_" + "U" * 22, token_id="u_pk_" + "T" * 22)
PROJECT = "p_" + "P" * 22
DEVICE = "d_" + "D" * 22
OTHER_DEVICE = "d_" + "E" * 22

# Few enough that they recur, in every role: a project id may also be a device's elsewhere.
ENTITY_IDS = [PROJECT, "p_" + "Q" * 22, DEVICE, OTHER_DEVICE, "org_" + "O" * 22, "repo_R"]
entity_ids = st.none() | st.sampled_from(ENTITY_IDS)
actors: st.SearchStrategy[Actor] = st.sampled_from(
    [
        USER,
        UserTokenActor(user_id="u_" + "U" * 22, token_id="u_pk_" + "T" * 22),  # equal, not same
        UserActor(user_id="u_" + "U" * 22),
        DeviceActor(device_id=DEVICE, token_id="deployment_id_" + "K" * 22),
        SystemActor(),
        AnonymousActor(),
    ]
)
data_values = st.one_of(
    json_values,
    st.sampled_from(ENTITY_IDS),
    st.sampled_from(["app.setting-0", "app.setting-1", "Pending", "Accepted", "Ok"]),
    st.text(min_size=6, max_size=10),
)
data = st.dictionaries(
    st.sampled_from(["projectId", "deviceId", "propertyName", "status", "n", "peer"]),
    data_values,
    max_size=4,
)
ids = st.one_of(dated_ids("audit_ev"), dated_ids("audit_ev"), odd_ids("audit_ev"))
action_ids = st.none() | dated_ids("audit_act") | odd_ids("audit_act")


@st.composite
def records(draw: st.DrawFn) -> AuditRecord:
    return AuditRecord(
        event_id=draw(ids),
        actor=draw(actors),
        event=draw(st.sampled_from(["devices_PropertySet", "projects_Created", "x"])),
        data=draw(data),
        created_at=draw(instants),
        action_id=draw(action_ids),
        project_id=draw(entity_ids),
        device_id=draw(entity_ids),
        organization_id=draw(entity_ids),
        repository_id=draw(entity_ids),
    )


def restored(log: AuditLog) -> AuditLog:
    """What a snapshot does: records to JSON and back, appended again in order."""
    again = AuditLog()
    for each in msgspec.json.decode(msgspec.json.encode(list(log)), type=list[AuditRecord]):
        again.append(each)
    return again


class AuditLogMachine(RoundTrips):
    def __init__(self) -> None:
        super().__init__()
        self.log = AuditLog()
        self.reference: list[AuditRecord] = []

    @rule(record=records())
    def append(self, record: AuditRecord) -> None:
        self.log.append(record)
        self.reference.append(record)

    @rule(batch=st.lists(records(), min_size=5, max_size=20))
    def append_many(self, batch: list[AuditRecord]) -> None:
        for record in batch:
            self.append(record)

    @rule(record=records())
    def append_what_cannot_be_stored(self, record: AuditRecord) -> None:
        """A value that is not JSON: refused, and the log is as it was."""
        record.data["bad"] = object()
        with pytest.raises(TypeError):
            self.log.append(record)

    @rule(position=st.integers(-30, 30))
    def by_position(self, position: int) -> None:
        if -len(self.reference) <= position < len(self.reference):
            assert self.log[position] == self.reference[position]
        else:
            with pytest.raises(IndexError):
                self.log[position]

    @rule(entity_id=st.sampled_from([*ENTITY_IDS, "d_unknown"]))
    def by_device_and_project(self, entity_id: str) -> None:
        devices = [i for i, each in enumerate(self.reference) if each.device_id == entity_id]
        projects = [i for i, each in enumerate(self.reference) if each.project_id == entity_id]
        assert list(self.log.for_device(entity_id)) == devices
        assert list(self.log.for_project(entity_id)) == projects

    def restored(self, log: Any) -> Any:
        return restored(log)

    @invariant()
    def every_record_reads_back(self) -> None:
        assert len(self.log) == len(self.reference)
        assert list(self.log) == self.reference


AuditLogMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestAuditLog = AuditLogMachine.TestCase


def record(**overrides: Any) -> AuditRecord:
    fields: dict[str, Any] = {
        "event_id": "audit_ev_20260504-0700-AbCdEfGh",
        "actor": USER,
        "event": "devices_PropertySet",
        "data": {"projectId": PROJECT, "deviceId": DEVICE, "propertyName": "app.x"},
        "created_at": AT,
        "action_id": "audit_act_20260504-0700-HhGgFfEe",
        "project_id": PROJECT,
        "device_id": DEVICE,
        "organization_id": None,
        "repository_id": None,
    }
    fields.update(overrides)
    return AuditRecord(**fields)


def filled(records: list[AuditRecord]) -> AuditLog:
    log = AuditLog()
    for each in records:
        log.append(each)
    return log


def test_records_read_back_equal_and_indexed_by_project_and_device() -> None:
    records = [
        record(),
        record(device_id=OTHER_DEVICE, data={"deviceId": OTHER_DEVICE, "n": [1, 2.5, None]}),
        record(project_id=None, device_id=None, organization_id="org_" + "O" * 22, data={}),
        record(action_id=None, actor=DeviceActor(device_id=DEVICE, token_id="deployment_id_K")),
    ]
    log = filled(records)
    assert list(log) == records
    assert list(log.for_project(PROJECT)) == [0, 1, 3]
    assert list(log.for_device(DEVICE)) == [0, 3]
    assert list(log.for_device(OTHER_DEVICE)) == [1]
    assert list(log.for_device("d_" + "Z" * 22)) == []
    assert list(AuditLog().for_project(PROJECT)) == []


def test_data_beyond_msgpack_is_kept_exactly() -> None:
    huge = record(data={"projectId": PROJECT, "count": 2**80, "nested": {"k": -(2**70)}})
    log = filled([huge, record(data={"max": 2**64 - 1, "min": -(2**63)})])
    assert log[0] == huge
    assert log[0].data["count"] == 2**80
    assert log[1].data == {"max": 2**64 - 1, "min": -(2**63)}


def test_a_data_value_that_equals_an_own_id_keeps_its_key_and_place() -> None:
    data = {"first": "x", "projectId": PROJECT, "alias": DEVICE, "deviceId": DEVICE}
    log = filled([record(data=data), record(device_id=None, data=data)])
    assert list(log[0].data.items()) == list(data.items())
    assert list(log[1].data.items()) == list(data.items())


def test_times_come_back_exactly_in_any_order_of_reading() -> None:
    """Times before the first record, in another zone and with microseconds."""
    later = AT + dt.timedelta(days=400, microseconds=7)
    times = [
        AT,
        AT - dt.timedelta(microseconds=1),
        later,
        later.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
    ]
    log = filled([record(created_at=when) for when in times])
    for position in [1, 0, 2, 4, 1, 3, 0]:
        assert log[position].created_at == times[position]


def test_repeated_data_strings_are_shared_and_unique_ones_are_not_kept() -> None:
    """Property names and statuses recur, certificate ids do not: the shared strings stay few
    however many records there are, and every value still reads back as it was."""
    records = []
    for index in range(2 * RECENT_LIMIT + 50):
        records.append(
            record(
                device_id=f"d_{index:022d}",
                data={
                    "propertyName": f"app.setting-{index % 3}",
                    "certificateId": f"d_c_{index:022d}",
                    "status": "Pending",
                    "short": "Ok",
                },
            )
        )
    log = filled(records)
    assert list(log) == records
    # white box: the names table holds the event name, the two id prefixes and the 4
    # recurring strings; no certificate id
    assert set(log._names.strings) == {
        "devices_PropertySet",
        "audit_ev_20260504-0700-",
        "audit_act_20260504-0700-",
        "app.setting-0",
        "app.setting-1",
        "app.setting-2",
        "Pending",
    }


def test_many_records_of_many_devices_stay_indexed() -> None:
    devices = [f"d_{index:022d}" for index in range(300)]
    records = [
        record(device_id=devices[(number * 7) % len(devices)], data={"n": number})
        for number in range(3000)
    ]
    log = filled(records)
    for device in devices[::37]:
        expected = [i for i, each in enumerate(records) if each.device_id == device]
        assert list(log.for_device(device)) == expected
    assert len(log.for_project(PROJECT)) == 3000
    assert log[2999] == records[2999]
