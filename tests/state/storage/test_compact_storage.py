"""The compact stores: audit records and device events read back exactly as they were put in.

The services test the behaviour through actions; these tests cover what actions rarely reach:
ids the hub did not make itself (restored from a snapshot), data msgpack cannot hold, and an
event id that also appears inside another event's body.
"""

from __future__ import annotations

import datetime as dt

from nexigon_fake.state.model import AuditRecord
from nexigon_fake.state.storage.audit_log import AuditLog
from nexigon_fake.state.storage.event_log import INDEX_FROM, EventLog
from nexigon_fake.wire.actor import DeviceActor, UserTokenActor
from nexigon_fake.wire.devices import DeviceEvent

AT = dt.datetime(2026, 5, 4, 7, 0, 30, 250_000, tzinfo=dt.UTC)
PROJECT = "p_" + "P" * 22
DEVICE = "d_" + "D" * 22
OTHER_DEVICE = "d_" + "E" * 22


def record(**overrides: object) -> AuditRecord:
    fields: dict[str, object] = {
        "event_id": "audit_ev_20260504-0700-AbCdEfGh",
        "actor": UserTokenActor(user_id="u_" + "U" * 22, token_id="u_pk_" + "T" * 22),
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
    return AuditRecord(**fields)  # type: ignore[arg-type]


def test_audit_records_read_back_equal_and_indexed_by_project_and_device() -> None:
    log = AuditLog()
    records = [
        record(),
        record(device_id=OTHER_DEVICE, data={"deviceId": OTHER_DEVICE, "n": [1, 2.5, None]}),
        record(project_id=None, device_id=None, organization_id="org_" + "O" * 22, data={}),
        record(
            action_id=None,
            actor=DeviceActor(device_id=DEVICE, token_id="deployment_id_" + "K" * 22),
        ),
    ]
    for each in records:
        log.append(each)
    assert list(log) == records
    assert list(log.for_project(PROJECT)) == [0, 1, 3]
    assert list(log.for_device(DEVICE)) == [0, 3]
    assert list(log.for_device(OTHER_DEVICE)) == [1]
    assert list(log.for_device("d_" + "Z" * 22)) == []


def test_audit_ids_the_hub_did_not_date_now_are_kept_whole() -> None:
    """A restored record may carry ids whose stamp is not its creation minute."""
    log = AuditLog()
    odd = record(event_id="audit_ev_20250101-0000-AbCdEfGh", action_id="audit_act_x")
    log.append(odd)
    assert log[0] == odd


def test_audit_data_beyond_msgpack_is_kept_exactly() -> None:
    log = AuditLog()
    huge = record(data={"projectId": PROJECT, "count": 2**80, "nested": {"k": -(2**70)}})
    log.append(huge)
    assert log[0] == huge
    assert log[0].data["count"] == 2**80


def test_a_data_value_that_equals_an_own_id_keeps_its_key_and_place() -> None:
    log = AuditLog()
    data = {"first": "x", "projectId": PROJECT, "alias": DEVICE, "deviceId": DEVICE}
    log.append(record(data=data))
    assert list(log[0].data.items()) == list(data.items())


def event(event_id: str, emitted: str, body: object = None) -> DeviceEvent:
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


def test_an_event_id_inside_another_events_body_is_not_a_duplicate() -> None:
    log = EventLog()
    hidden = ev("hidden11")
    log.add(event(ev("carrier1"), "2026-05-04T07:00:00Z", body=[hidden, {hidden: hidden}]), AT, 1)
    assert ev("carrier1") in log
    assert hidden not in log
    log.add(event(hidden, "2026-05-04T07:00:00Z"), AT, 2)
    assert hidden in log
    assert next(stored.event.body for stored in log) == [hidden, {hidden: hidden}]


def test_event_bodies_read_back_exactly() -> None:
    log = EventLog()
    bodies: list[object] = [None, 0, -0.0, 1e300, 2**80, "ünï\u0000", {"a": [True, False]}, []]
    for index, body in enumerate(bodies):
        log.add(event(ev(f"body{index}AAA"[:8]), "2026-05-04T07:00:00Z", body), AT, index)
    assert [stored.event.body for stored in log] == bodies


def test_duplicates_are_found_before_and_after_the_log_indexes_its_ids() -> None:
    """Past INDEX_FROM events a hash array answers first; the answers must not change."""
    log = EventLog()
    ids = [ev(f"{number:08d}".replace("0", "z")) for number in range(INDEX_FROM * 3)]
    for number, event_id in enumerate(ids):
        assert event_id not in log
        body = {"next": ids[number + 1]} if number + 1 < len(ids) else None
        log.add(event(event_id, "2026-05-04T07:00:00Z", body), AT, number)
        assert event_id in log
        assert all(earlier in log for earlier in ids[: number + 1 : 17])
    assert ev("absentzz") not in log
    assert len(log) == len(ids)
    assert [stored.event.event_id for stored in log] == ids
