"""Device events: publish, duplicates, receivedAt, ordering and limits (§6.16-6.17, §12)."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

from .helpers import event_id, fingerprint, make_device, make_project, make_token, raises


def event(eid: str | None = None, emitted: str = "2026-05-04T06:59:00Z", **extra: Any):
    return {
        "eventId": eid or event_id(),
        "severity": "Info",
        "body": "hello",
        "attributes": {},
        "emittedAt": emitted,
        **extra,
    }


def publish(hub: Hub, device: str, *events: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return hub.invoke("devices_PublishEvents", {"deviceId": device, "events": list(events)}, **kw)


def query(hub: Hub, device: str, **extra: Any) -> list[dict[str, Any]]:
    return hub.invoke("devices_QueryEvents", {"deviceId": device, **extra})["events"]


def setup(hub: Hub) -> tuple[str, str]:
    project = make_project(hub)
    return project, make_device(hub, project)


def test_published_event_reads_back_with_received_at(hub: Hub) -> None:
    _, device = setup(hub)
    eid = event_id("20260504-0659")
    hub.clock.advance(3)
    sent = event(eid, body={"k": [1, 2]}, attributes={"a": "b", "n": 1}, category="ota")
    assert publish(hub, device, sent) == {}
    assert query(hub, device) == [
        {
            "eventId": eid,
            "category": "ota",
            "severity": "Info",
            "body": {"k": [1, 2]},
            "attributes": {"a": "b", "n": 1},
            "emittedAt": "2026-05-04T06:59:00Z",
            "receivedAt": "2026-05-04T07:00:03Z",
        }
    ]


def test_client_received_at_is_overwritten(hub: Hub) -> None:
    _, device = setup(hub)
    publish(hub, device, event(receivedAt="2020-01-01T00:00:00Z"))
    assert query(hub, device)[0]["receivedAt"] == "2026-05-04T07:00:00Z"


def test_absent_or_null_category_is_omitted(hub: Hub) -> None:
    _, device = setup(hub)
    publish(hub, device, event(category=None), event())
    for stored in query(hub, device):
        assert "category" not in stored


def test_null_body_is_kept(hub: Hub) -> None:
    _, device = setup(hub)
    publish(hub, device, event(body=None))
    stored = query(hub, device)[0]
    assert "body" in stored
    assert stored["body"] is None


def test_duplicate_event_id_is_ignored_first_write_wins(hub: Hub) -> None:
    _, device = setup(hub)
    eid = event_id()
    publish(hub, device, event(eid, body="first"))
    hub.clock.advance(10)
    assert publish(hub, device, event(eid, body="second"), event(body="new")) == {}
    stored = query(hub, device)
    assert [e["body"] for e in stored if e["eventId"] == eid] == ["first"]
    assert [e["receivedAt"] for e in stored if e["eventId"] == eid] == ["2026-05-04T07:00:00Z"]
    assert len(stored) == 2


def test_duplicate_within_one_request_keeps_first(hub: Hub) -> None:
    _, device = setup(hub)
    eid = event_id()
    publish(hub, device, event(eid, body="a"), event(eid, body="b"))
    assert [e["body"] for e in query(hub, device)] == ["a"]


def test_same_event_id_on_two_devices_is_two_events(hub: Hub) -> None:
    project, device = setup(hub)
    other = make_device(hub, project)
    eid = event_id()
    publish(hub, device, event(eid, body="a"))
    publish(hub, other, event(eid, body="b"))
    assert [e["body"] for e in query(hub, device)] == ["a"]
    assert [e["body"] for e in query(hub, other)] == ["b"]


def test_empty_events_list_is_a_no_op(hub: Hub) -> None:
    _, device = setup(hub)
    assert publish(hub, device) == {}
    assert query(hub, device) == []


def test_newest_first_by_emitted_at_not_by_arrival(hub: Hub) -> None:
    _, device = setup(hub)
    publish(hub, device, event(emitted="2026-05-04T06:30:00Z", body="middle"))
    publish(hub, device, event(emitted="2026-05-04T07:45:00+01:00", body="newest"))  # 06:45Z
    publish(hub, device, event(emitted="2026-05-04T06:00:00Z", body="oldest"))
    publish(hub, device, event(emitted="2026-05-04T07:15:00+02:00", body="oldest-too"))  # 05:15Z
    bodies = [e["body"] for e in query(hub, device)]
    assert bodies == ["newest", "middle", "oldest", "oldest-too"]


def test_emitted_at_is_answered_in_utc(hub: Hub) -> None:
    _, device = setup(hub)
    publish(hub, device, event(emitted="2026-05-04T08:30:00+02:00"))
    assert query(hub, device)[0]["emittedAt"] == "2026-05-04T06:30:00Z"


def test_ties_on_emitted_at_newest_recorded_first(hub: Hub) -> None:
    _, device = setup(hub)
    publish(hub, device, event(body=1), event(body=2))
    publish(hub, device, event(body=3))
    assert [e["body"] for e in query(hub, device)] == [3, 2, 1]


def test_limit_defaults_to_100_and_must_be_1_to_1000(hub: Hub) -> None:
    _, device = setup(hub)
    events = [
        event(emitted=f"2026-05-04T05:{i // 60:02d}:{i % 60:02d}Z", body=i) for i in range(101)
    ]
    publish(hub, device, *events)
    stored = query(hub, device)
    assert len(stored) == 100
    assert (stored[0]["body"], stored[-1]["body"]) == (100, 1)
    assert [e["body"] for e in query(hub, device, limit=3)] == [100, 99, 98]
    assert len(query(hub, device, limit=1000)) == 101
    raises("Invalid", 400, query, hub, device, limit=0)
    raises("Invalid", 400, query, hub, device, limit=1001)


def test_event_validation(hub: Hub) -> None:
    _, device = setup(hub)
    bad_events = [
        event("d_ev_abc"),  # not dated
        event("d_ev_20260504-0700-0OIl0OIl"),  # not base58
        event("d_ev_2026050-0700-abcdefgh"),
        event(severity="Fatal"),
        event(emitted="2026-05-04T06:59:00"),  # no offset
        event(category=""),
        event(category="c" * 129),
    ]
    for bad in bad_events:
        raises("Invalid", 400, publish, hub, device, bad)
    for key in ["body", "attributes", "eventId", "severity", "emittedAt"]:
        missing = event()
        del missing[key]
        raises("Invalid", 400, publish, hub, device, missing)
    assert query(hub, device) == []


def test_all_severities_accepted(hub: Hub) -> None:
    _, device = setup(hub)
    severities = ["Trace", "Debug", "Info", "Warning", "Error", "Critical"]
    publish(hub, device, *[event(severity=s) for s in severities])
    assert sorted(e["severity"] for e in query(hub, device)) == sorted(severities)


def test_publishing_is_not_audited(hub: Hub) -> None:
    project, device = setup(hub)
    before = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    publish(hub, device, event())
    after = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    assert after == before


def test_device_publishes_for_itself_only(hub: Hub) -> None:
    project = make_project(hub)
    _, secret = make_token(hub, project)
    fp = fingerprint()
    me = hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp)["actor"]["deviceId"]
    other = make_device(hub, project)
    assert publish(hub, me, event(body="mine"), token=secret, device_fingerprint=fp) == {}
    assert [e["body"] for e in query(hub, me)] == ["mine"]
    raises("Forbidden", 404, publish, hub, other, event(), token=secret, device_fingerprint=fp)
    raises(
        "Forbidden",
        403,
        hub.invoke,
        "devices_QueryEvents",
        {"deviceId": me},
        secret,
        device_fingerprint=fp,
    )
