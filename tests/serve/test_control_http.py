"""The control plane over HTTP: journal, faults, state, reset, clock, fixture, health."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.serve.transport import InProcessTransport

ACTION = "/api/v1/actions/invoke/"
FINGERPRINT = "d_sk_" + "4" * 44
NODE = "cluster_node_" + "9" * 22


def http_for(hub: Hub) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )


@pytest.fixture
def http(nexigon_hub: Hub) -> Iterator[httpx.Client]:
    with http_for(nexigon_hub) as client:
        yield client


def ok(http: httpx.Client, action: str, payload: dict[str, Any] | None = None) -> Any:
    response = http.post(ACTION + action, json=payload or {})
    assert response.status_code == 200, (action, response.status_code, response.text)
    return response.json()


def get(http: httpx.Client, path: str) -> Any:
    response = http.get(path)
    assert response.status_code == 200, (path, response.text)
    assert response.headers["content-type"] == "application/json"
    return response.json()


def assert_action_error(response: httpx.Response, status: int | None = None) -> str:
    """An ActionError body with a 4xx status (exactly ``status`` when given)."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"kind", "message"}, body
    assert body["kind"] == "Invalid", body
    assert isinstance(body["message"], str) and body["message"].strip()
    message: str = body["message"]
    return message


def make_device(http: httpx.Client, organization_id: str) -> tuple[str, str]:
    project_id = ok(http, "projects_Create", {"organizationId": organization_id, "name": "p"})[
        "projectId"
    ]
    device_id = ok(http, "devices_Create", {"projectId": project_id, "fingerprint": FINGERPRINT})[
        "deviceId"
    ]
    return project_id, device_id


# Health, clock, reset.


def test_health_describes_the_hub(http: httpx.Client, nexigon_hub: Hub) -> None:
    assert get(http, "/_fake/health") == {
        "status": "ok",
        "seed": 0,
        "adminToken": nexigon_hub.admin_token,
        "defaultOrganizationId": nexigon_hub.default_organization_id,
        "now": "2026-05-04T07:00:00Z",
    }


def test_clock_reads_and_moves(http: httpx.Client, nexigon_hub: Hub) -> None:
    assert get(http, "/_fake/clock") == {"now": "2026-05-04T07:00:00Z", "frozen": True}
    moved = http.post("/_fake/clock", json={"advanceSecs": 61.5})
    assert moved.json() == {"now": "2026-05-04T07:01:01.5Z", "frozen": True}
    moved = http.post("/_fake/clock", json={"now": "2027-01-01T00:00:00+01:00"})
    assert moved.json() == {"now": "2026-12-31T23:00:00Z", "frozen": True}
    assert nexigon_hub.clock.now().isoformat() == "2026-12-31T23:00:00+00:00"


def test_reset_with_and_without_a_seed(http: httpx.Client, nexigon_hub: Hub) -> None:
    make_device(http, nexigon_hub.default_organization_id)
    nexigon_hub.faults.inject("*", kind="Internal")
    answer = http.post("/_fake/reset").json()
    assert answer["seed"] == 0
    assert nexigon_hub.snapshot() == Hub(seed=0).snapshot()
    assert nexigon_hub.faults.active() == []
    assert len(nexigon_hub.journal) == 0
    answer = http.post("/_fake/reset", json={"seed": 7}).json()
    fresh = Hub(seed=7)
    assert answer["seed"] == 7
    assert answer["adminToken"] == fresh.admin_token
    assert nexigon_hub.snapshot() == fresh.snapshot()


# State.


def test_get_state_is_the_python_snapshot(http: httpx.Client, nexigon_hub: Hub) -> None:
    make_device(http, nexigon_hub.default_organization_id)
    assert get(http, "/_fake/state") == json.loads(nexigon_hub.snapshot_json())


def continuation(http: httpx.Client, organization_id: str, device_id: str) -> list[bytes]:
    """Calls that draw ids, secrets and timestamps; the raw answers."""
    answers = []
    for action, payload in [
        ("projects_Create", {"organizationId": organization_id, "name": "next"}),
        ("devices_SetProperty", {"deviceId": device_id, "name": "a.b", "value": 2}),
        ("devices_IssueDeviceToken", {"deviceId": device_id, "claims": {"k": 1}}),
        ("devices_AddCertificate", {"deviceId": device_id, "fingerprint": "AB:" * 31 + "CD"}),
        (
            "devices_RegisterConnection",
            {"deviceId": device_id, "nodeId": NODE, "connectionId": "d_conn_" + "6" * 22},
        ),
        ("devices_GetDetails", {"deviceId": device_id}),
        ("devices_QueryAuditLog", {"deviceId": device_id}),
        ("devices_GetDetails", {"deviceId": "d_" + "1" * 22}),
    ]:
        response = http.post(ACTION + action, json=payload)
        answers.append(f"{response.status_code} ".encode() + response.content)
    answers.append(http.post("/_fake/clock", json={"advanceSecs": 3}).content)
    response = http.post(ACTION + "projects_Query", json={})
    answers.append(response.content)
    return answers


def test_put_state_from_another_hub_continues_deterministically(
    http: httpx.Client, nexigon_hub: Hub
) -> None:
    source = Hub(seed=42)
    with http_for(source) as other:
        organization_id = source.default_organization_id
        _, device_id = make_device(other, organization_id)
        ok(other, "devices_SetProperty", {"deviceId": device_id, "name": "a.b", "value": 1})
        other.post("/_fake/clock", json={"advanceSecs": 12.5})
        state = get(other, "/_fake/state")

        make_device(http, nexigon_hub.default_organization_id)  # something to overwrite
        nexigon_hub.faults.inject("devices_Delete", kind="Internal")
        response = http.put("/_fake/state", content=json.dumps(state))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "status": "ok",
            "seed": 42,
            "adminToken": source.admin_token,
            "defaultOrganizationId": organization_id,
            "now": "2026-05-04T07:00:12.5Z",
        }
        assert get(http, "/_fake/state") == state
        assert len(nexigon_hub.faults.active()) == 1  # restore keeps faults and journal
        http.headers["Authorization"] = f"Bearer {source.admin_token}"
        expected = continuation(other, organization_id, device_id)
    assert continuation(http, organization_id, device_id) == expected
    assert nexigon_hub.snapshot() == source.snapshot()


# Journal.


def test_the_http_journal_shows_what_the_python_journal_holds(
    http: httpx.Client, nexigon_hub: Hub
) -> None:
    _, device_id = make_device(http, nexigon_hub.default_organization_id)
    ok(http, "devices_SetProperty", {"deviceId": device_id, "name": "a.b", "value": 1})
    http.post(ACTION + "devices_GetDetails", json={"deviceId": "d_nope"})
    http.post(ACTION + "devices_Nope", json={})
    http.post(
        ACTION + "projects_Query", json={}, headers={"Authorization": "Bearer u_sk_" + "1" * 66}
    )
    nexigon_hub.clock.advance(2)
    nexigon_hub.invoke("projects_Query", {})  # Python calls show up too
    journal = get(http, "/_fake/journal")
    assert journal == nexigon_hub.journal.to_json()
    assert (journal["cap"], journal["dropped"]) == (10_000, 0)
    entries = journal["entries"]
    assert [(e["action"], e["status"]) for e in entries] == [
        ("projects_Create", 200),
        ("devices_Create", 200),
        ("devices_SetProperty", 200),
        ("devices_GetDetails", 400),
        ("devices_Nope", 404),
        ("projects_Query", 401),
        ("projects_Query", 200),
    ]
    assert entries[2]["input"] == {"deviceId": device_id, "name": "a.b", "value": 1}
    assert entries[2]["output"] == {"result": "Set"}
    assert entries[2]["actor"]["actor"] == "UserToken"
    assert entries[3]["output"]["kind"] == "Invalid"
    assert entries[5]["actor"] is None
    assert entries[6]["time"] == "2026-05-04T07:00:02Z"
    assert [e["sequence"] for e in entries] == list(range(1, 8))
    assert all(e["faultInjected"] is False for e in entries)


def test_the_journal_filters_by_action_and_clears(http: httpx.Client, nexigon_hub: Hub) -> None:
    make_device(http, nexigon_hub.default_organization_id)
    ok(http, "projects_Query")
    only = get(http, "/_fake/journal?action=devices_Create")
    assert [e["action"] for e in only["entries"]] == ["devices_Create"]
    assert only == nexigon_hub.journal.to_json("devices_Create")
    assert get(http, "/_fake/journal?action=devices_Delete")["entries"] == []
    cleared = http.delete("/_fake/journal")
    assert cleared.status_code == 200
    assert cleared.json() == {
        "cap": 10_000,
        "budgetBytes": 64 * 1024 * 1024,
        "keptBytes": 0,
        "dropped": 0,
        "entries": [],
    }
    assert len(nexigon_hub.journal) == 0
    ok(http, "projects_Query")
    assert [e["sequence"] for e in get(http, "/_fake/journal")["entries"]] == [4]


def test_a_capped_journal_reports_cap_and_dropped() -> None:
    hub = Hub(journal_cap=2)
    with http_for(hub) as http:
        for _ in range(5):
            ok(http, "projects_Query")
        journal = get(http, "/_fake/journal")
    assert (journal["cap"], journal["dropped"]) == (2, 3)
    assert [e["sequence"] for e in journal["entries"]] == [4, 5]


# Faults.


def test_faults_are_armed_listed_fired_and_cleared(http: httpx.Client, nexigon_hub: Hub) -> None:
    project_id, device_id = make_device(http, nexigon_hub.default_organization_id)
    response = http.post(
        "/_fake/faults",
        json={
            "action": "devices_SetProperty",
            "kind": "Forbidden",
            "status": 401,
            "message": "go away",
            "times": 2,
            "deviceId": device_id,
            "projectId": project_id,
        },
    )
    assert response.status_code == 200, response.text
    fault = response.json()
    assert fault == {
        "id": 1,
        "action": "devices_SetProperty",
        "kind": "Forbidden",
        "status": 401,
        "message": "go away",
        "remaining": 2,
        "probability": None,
        "latencySecs": None,
        "deviceId": device_id,
        "projectId": project_id,
        "fired": 0,
    }
    assert get(http, "/_fake/faults") == {"faults": [fault]}
    payload = {"deviceId": device_id, "name": "a.b", "value": 1}
    hit = http.post(ACTION + "devices_SetProperty", json=payload)
    assert hit.status_code == 401
    assert hit.json() == {"kind": "Forbidden", "message": "go away"}
    listed = get(http, "/_fake/faults")["faults"]
    assert [(f["remaining"], f["fired"]) for f in listed] == [(1, 1)]
    entry = get(http, "/_fake/journal?action=devices_SetProperty")["entries"][-1]
    assert entry["faultInjected"] is True
    assert entry["status"] == 401
    assert entry["output"] == {"kind": "Forbidden", "message": "go away"}
    cleared = http.delete("/_fake/faults")
    assert cleared.json() == {"faults": []}
    assert http.post(ACTION + "devices_SetProperty", json=payload).status_code == 200


def test_a_rate_limit_fault_over_http(http: httpx.Client, nexigon_hub: Hub) -> None:
    http.post("/_fake/faults", json={"action": "*", "kind": "RateLimited"})
    response = http.post(ACTION + "projects_Query", json={})
    assert response.status_code == 429
    assert response.json() == {
        "kind": "RateLimited",
        "message": "Injected fault: `projects_Query` failed with RateLimited.",
    }
    assert http.post(ACTION + "projects_Query", json={}).status_code == 200


def test_latency_over_http_is_held_back_and_the_call_applied(
    http: httpx.Client, nexigon_hub: Hub
) -> None:
    _, device_id = make_device(http, nexigon_hub.default_organization_id)
    armed = http.post("/_fake/faults", json={"action": "devices_SetProperty", "latencySecs": 0.05})
    assert armed.json()["kind"] is None
    started = time.perf_counter()
    response = http.post(
        ACTION + "devices_SetProperty", json={"deviceId": device_id, "name": "a.b", "value": 1}
    )
    assert time.perf_counter() - started >= 0.05
    assert response.json() == {"result": "Set"}
    found = ok(http, "devices_GetProperty", {"deviceId": device_id, "name": "a.b"})
    assert (found["result"], found["version"]) == ("Found", 1)


@pytest.mark.asyncio
async def test_latency_over_async_http(
    nexigon_async_client: httpx.AsyncClient, nexigon_hub: Hub
) -> None:
    nexigon_hub.faults.inject("projects_Query", kind="Internal", latency_secs=0.05)
    started = time.perf_counter()
    response = await nexigon_async_client.post(ACTION + "projects_Query", json={})
    assert time.perf_counter() - started >= 0.05
    assert response.status_code == 500
    assert response.json()["kind"] == "Internal"


# Fixture.


def test_fixture_loads_by_name_and_reads_back(http: httpx.Client, nexigon_hub: Hub) -> None:
    assert get(http, "/_fake/fixture") == {"fixture": None}
    loaded = http.post("/_fake/fixture", json={"name": "showcase"})
    assert loaded.status_code == 200, loaded.text
    body = loaded.json()
    assert body["fixture"]["name"] == "showcase"
    assert get(http, "/_fake/fixture") == body
    assert len(nexigon_hub.journal) == 0  # loading is not journaled
    assert ok(http, "projects_Query")["projects"]


# Bad input, everywhere: an ActionError body, a 4xx status, no change.

DEEP = b"[" * 5000 + b"]" * 5000
SNAPSHOT_SENTINEL = b"<snapshot>"

BAD_REQUESTS: list[tuple[str, str, str, bytes | None]] = [
    # (case id, method, path, body)
    ("reset not json", "POST", "/_fake/reset", b"{seed: 1}"),
    ("reset array", "POST", "/_fake/reset", b"[]"),
    ("reset null", "POST", "/_fake/reset", b"null"),
    ("reset not utf-8", "POST", "/_fake/reset", b"\xff\xfe"),
    ("reset wrong type", "POST", "/_fake/reset", b'{"seed": "1"}'),
    ("reset bool", "POST", "/_fake/reset", b'{"seed": true}'),
    ("reset unknown field", "POST", "/_fake/reset", b'{"seeds": 1}'),
    ("reset negative", "POST", "/_fake/reset", b'{"seed": -1}'),
    ("reset duplicate key", "POST", "/_fake/reset", b'{"seed": 1, "seed": 2}'),
    ("reset deep", "POST", "/_fake/reset", DEEP),
    ("clock not json", "POST", "/_fake/clock", b"advance"),
    ("clock empty", "POST", "/_fake/clock", b""),
    ("clock array", "POST", "/_fake/clock", b'[{"advanceSecs": 1}]'),
    ("clock wrong type", "POST", "/_fake/clock", b'{"advanceSecs": "1"}'),
    ("clock unknown field", "POST", "/_fake/clock", b'{"advance": 1}'),
    ("clock negative", "POST", "/_fake/clock", b'{"advanceSecs": -1}'),
    ("clock huge", "POST", "/_fake/clock", b'{"advanceSecs": 1e300}'),
    ("clock nan", "POST", "/_fake/clock", b'{"advanceSecs": NaN}'),
    ("clock both", "POST", "/_fake/clock", b'{"advanceSecs": 1, "now": "2026-05-04T07:00:00Z"}'),
    ("clock neither", "POST", "/_fake/clock", b"{}"),
    ("clock naive", "POST", "/_fake/clock", b'{"now": "2026-05-04T07:00:00"}'),
    ("clock month 13", "POST", "/_fake/clock", b'{"now": "2026-13-04T07:00:00Z"}'),
    ("clock year 9999+", "POST", "/_fake/clock", b'{"now": "9999-12-31T23:59:59-23:00"}'),
    ("state not json", "PUT", "/_fake/state", b"snapshot"),
    ("state empty", "PUT", "/_fake/state", b""),
    ("state array", "PUT", "/_fake/state", b"[]"),
    ("state empty object", "PUT", "/_fake/state", b"{}"),
    ("state deep", "PUT", "/_fake/state", DEEP),
    ("state wrong type", "PUT", "/_fake/state", SNAPSHOT_SENTINEL + b'seed="0"'),
    ("state unknown field", "PUT", "/_fake/state", SNAPSHOT_SENTINEL + b"extra=1"),
    ("state bad format", "PUT", "/_fake/state", SNAPSHOT_SENTINEL + b'format="x/2"'),
    (
        "state dangling",
        "PUT",
        "/_fake/state",
        SNAPSHOT_SENTINEL + b'admin_user_id="u_1111111111111111111111"',
    ),
    ("journal unknown parameter", "GET", "/_fake/journal?offset=5", None),
    ("journal empty action", "GET", "/_fake/journal?action=", None),
    ("journal long action", "GET", "/_fake/journal?action=" + "a" * 200, None),
    ("journal unknown action", "GET", "/_fake/journal?action=devices_Nope", None),
    ("journal status text", "GET", "/_fake/journal?status=ok", None),
    ("journal status 99", "GET", "/_fake/journal?status=99", None),
    ("journal status 600", "GET", "/_fake/journal?status=600", None),
    ("journal status float", "GET", "/_fake/journal?status=200.0", None),
    ("journal bad device", "GET", "/_fake/journal?device=d_0OIl", None),
    ("journal bad actor", "GET", "/_fake/journal?actor=Somebody", None),
    ("journal empty actor", "GET", "/_fake/journal?actor=", None),
    ("journal bad since", "GET", "/_fake/journal?since=2026-05-04", None),
    ("journal since february 30", "GET", "/_fake/journal?since=2026-02-30T00:00:00Z", None),
    ("journal since past 9999", "GET", "/_fake/journal?since=9999-12-31T23:59:59-23:00", None),
    ("journal since hour 25", "GET", "/_fake/journal?since=2026-05-04T25:00:00Z", None),
    ("journal limit 0", "GET", "/_fake/journal?limit=0", None),
    ("journal limit 10001", "GET", "/_fake/journal?limit=10001", None),
    ("journal limit huge", "GET", "/_fake/journal?limit=" + "9" * 40, None),
    ("journal limit negative", "GET", "/_fake/journal?limit=-1", None),
    ("journal repeated limit", "GET", "/_fake/journal?limit=1&limit=2", None),
    ("faults not json", "POST", "/_fake/faults", b"action=*"),
    ("faults empty", "POST", "/_fake/faults", b""),
    ("faults array", "POST", "/_fake/faults", b'[{"action": "*"}]'),
    ("faults missing action", "POST", "/_fake/faults", b'{"kind": "Internal"}'),
    ("faults wrong type", "POST", "/_fake/faults", b'{"action": "*", "times": "2"}'),
    ("faults snake case", "POST", "/_fake/faults", b'{"action": "*", "latency_secs": 1}'),
    ("faults unknown field", "POST", "/_fake/faults", b'{"action": "*", "delay": 1}'),
    ("faults unknown action", "POST", "/_fake/faults", b'{"action": "devices_Nope"}'),
    ("faults bad kind", "POST", "/_fake/faults", b'{"action": "*", "kind": "Timeout"}'),
    (
        "faults status for kind",
        "POST",
        "/_fake/faults",
        b'{"action": "*", "kind": "Invalid", "status": 500}',
    ),
    ("faults probability 0", "POST", "/_fake/faults", b'{"action": "*", "probability": 0}'),
    ("faults probability > 1", "POST", "/_fake/faults", b'{"action": "*", "probability": 1.01}'),
    ("faults negative latency", "POST", "/_fake/faults", b'{"action": "*", "latencySecs": -1}'),
    ("faults times 0", "POST", "/_fake/faults", b'{"action": "*", "times": 0}'),
    ("faults bad device", "POST", "/_fake/faults", b'{"action": "*", "deviceId": "d_0OIl"}'),
    ("faults nothing", "POST", "/_fake/faults", b'{"action": "*", "kind": null}'),
    ("fixture not json", "POST", "/_fake/fixture", b"showcase"),
    ("fixture empty", "POST", "/_fake/fixture", b""),
    ("fixture array", "POST", "/_fake/fixture", b'["showcase"]'),
    ("fixture wrong type", "POST", "/_fake/fixture", b'{"name": 1}'),
    ("fixture unknown field", "POST", "/_fake/fixture", b'{"fixture": "showcase"}'),
    ("fixture unknown name", "POST", "/_fake/fixture", b'{"name": "nope"}'),
    ("fixture path", "POST", "/_fake/fixture", b'{"name": "../fixtures/showcase"}'),
    ("fixture both", "POST", "/_fake/fixture", b'{"name": "showcase", "document": {}}'),
    ("fixture neither", "POST", "/_fake/fixture", b"{}"),
    ("fixture bad document", "POST", "/_fake/fixture", b'{"document": {"format": "x"}}'),
    ("fixture document array", "POST", "/_fake/fixture", b'{"document": []}'),
    ("journal repeated action", "GET", "/_fake/journal?action=a&action=b", None),
    ("journal unknown parameter", "GET", "/_fake/journal?page=3", None),
    ("journal delete parameter", "DELETE", "/_fake/journal?action=x", None),
    ("health parameter", "GET", "/_fake/health?verbose=1", None),
    ("reset parameter", "POST", "/_fake/reset?seed=3", b"{}"),
    ("reset huge seed", "POST", "/_fake/reset", b'{"seed": ' + b"9" * 40 + b"}"),
    ("clock parameter", "GET", "/_fake/clock?now=1", None),
    ("clock overflow", "POST", "/_fake/clock", b'{"advanceSecs": 1e300}'),
    ("state parameter", "GET", "/_fake/state?pretty=1", None),
    ("faults parameter", "DELETE", "/_fake/faults?id=1", None),
    ("fixture parameter", "GET", "/_fake/fixture?name=showcase", None),
]


def expand(body: bytes, base: dict[str, Any]) -> bytes:
    """``<snapshot>key=json``: a valid snapshot with one top-level field replaced."""
    if not body.startswith(SNAPSHOT_SENTINEL):
        return body
    key, _, value = body[len(SNAPSHOT_SENTINEL) :].decode().partition("=")
    return json.dumps({**base, key: json.loads(value)}).encode()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_control_input_is_an_invalid_4xx_and_changes_nothing(
    http: httpx.Client, nexigon_hub: Hub, method: str, path: str, body: bytes | None
) -> None:
    make_device(http, nexigon_hub.default_organization_id)
    nexigon_hub.faults.inject("devices_Delete", kind="Internal")
    before = nexigon_hub.snapshot_json()
    journal = nexigon_hub.journal.to_json()
    faults = nexigon_hub.faults.to_json()
    content = None if body is None else expand(body, Hub(seed=1).snapshot())
    response = http.request(method, path, content=content)
    message = assert_action_error(response, 400)
    if body is not None and body.startswith(SNAPSHOT_SENTINEL):
        assert message.startswith("Not a valid snapshot"), message
    assert nexigon_hub.snapshot_json() == before
    assert nexigon_hub.journal.to_json() == journal
    assert nexigon_hub.faults.to_json() == faults
    assert nexigon_hub.fixture is None


WRONG_METHODS = [
    ("POST", "/_fake/health"),
    ("DELETE", "/_fake/health"),
    ("GET", "/_fake/reset"),
    ("PUT", "/_fake/reset"),
    ("DELETE", "/_fake/reset"),
    ("PUT", "/_fake/clock"),
    ("DELETE", "/_fake/clock"),
    ("POST", "/_fake/state"),
    ("DELETE", "/_fake/state"),
    ("PATCH", "/_fake/state"),
    ("POST", "/_fake/journal"),
    ("PUT", "/_fake/journal"),
    ("PUT", "/_fake/faults"),
    ("PATCH", "/_fake/faults"),
    ("PUT", "/_fake/fixture"),
    ("DELETE", "/_fake/fixture"),
    ("OPTIONS", "/_fake/journal"),
]


@pytest.mark.parametrize(("method", "path"), WRONG_METHODS)
def test_a_wrong_method_is_an_invalid_405_and_changes_nothing(
    http: httpx.Client, nexigon_hub: Hub, method: str, path: str
) -> None:
    make_device(http, nexigon_hub.default_organization_id)
    nexigon_hub.faults.inject("devices_Delete", kind="Internal")
    before = nexigon_hub.snapshot_json()
    journal = nexigon_hub.journal.to_json()
    response = http.request(method, path, content=b"{}")
    message = assert_action_error(response, 405)
    assert method in message and path in message
    assert nexigon_hub.snapshot_json() == before
    assert nexigon_hub.journal.to_json() == journal
    assert len(nexigon_hub.faults.active()) == 1


def test_an_oversized_fault_body_is_413(http: httpx.Client, nexigon_hub: Hub) -> None:
    body = b'{"action": "*", "message": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    assert_action_error(http.post("/_fake/faults", content=body), 413)
    assert nexigon_hub.faults.active() == []


def test_refused_requests_are_journaled(http: httpx.Client, nexigon_hub: Hub) -> None:
    """Bodies over 8 MiB and malformed credentials never reach an action, yet are journaled."""
    big = b'{"name": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    assert_action_error(http.post(ACTION + "projects_Create", content=big), 413)
    [entry] = nexigon_hub.journal.calls("projects_Create")
    assert (entry.status, entry.actor, entry.input_json) == (413, None, b"")
    assert entry.output["kind"] == "Invalid"
