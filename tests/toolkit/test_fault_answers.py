"""Faults that answer with a chosen status, body and headers; faults asserted fired; the cap."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.errors import (
    ActionError,
    InjectedResponseError,
    InvalidError,
    RateLimitedError,
)
from nexigon_fake.serve.transport import InProcessTransport
from nexigon_fake.toolkit.faults import MAX_FAULTS
from tests.live_server import LiveServer
from tests.state.helpers import make_device, make_project, set_property

SET = "/api/v1/actions/invoke/devices_SetProperty"


@pytest.fixture
def device(hub: Hub) -> str:
    return make_device(hub, make_project(hub))


def admin_http(hub: Hub) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )


def test_a_rate_limit_answers_with_retry_after(hub: Hub, device: str) -> None:
    fault = hub.faults.inject("devices_SetProperty", status=429, headers={"Retry-After": "7"})
    assert (fault.kind, fault.status, fault.headers) == ("RateLimited", 429, {"Retry-After": "7"})
    with pytest.raises(RateLimitedError) as info:
        set_property(hub, device, "a.b", 1)
    assert info.value.headers == {"Retry-After": "7"}
    with admin_http(hub) as http:
        hub.faults.inject("devices_SetProperty", kind="RateLimited", headers={"Retry-After": "9"})
        response = http.post(SET, json={"deviceId": device, "name": "a.b", "value": 1})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "9"
    assert response.json()["kind"] == "RateLimited"


def test_a_status_outside_d1_answers_a_body_of_its_own(hub: Hub, device: str) -> None:
    body = {"error": "upstream unavailable", "retry": True}
    hub.faults.inject("devices_SetProperty", status=503, body=body, headers={"X-Trace": "abc"})
    with pytest.raises(InjectedResponseError) as info:
        set_property(hub, device, "a.b", 1)
    error = info.value
    assert (error.status, error.body, error.headers) == (503, body, {"X-Trace": "abc"})
    assert error.message == "Injected fault: `devices_SetProperty` answered 503."
    entry = hub.journal[-1]
    assert (entry.status, entry.output, entry.fault_injected) == (503, body, True)
    assert hub.invoke("devices_GetProperty", {"deviceId": device, "name": "a.b"}) == {
        "result": "NotFound"
    }


def test_a_status_alone_outside_d1_answers_an_internal_body(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty", status=502, message="bad gateway")
    with admin_http(hub) as http:
        response = http.post(SET, json={"deviceId": device, "name": "a.b", "value": 1})
    assert response.status_code == 502
    assert response.json() == {"kind": "Internal", "message": "bad gateway"}
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("body", [None, [1, 2], "text", 0])
def test_a_body_may_be_any_json_and_defaults_to_status_500(
    hub: Hub, device: str, body: Any
) -> None:
    hub.faults.inject("devices_SetProperty", body=body)
    with admin_http(hub) as http:
        response = http.post(SET, json={"deviceId": device, "name": "a.b", "value": 1})
    assert (response.status_code, response.json()) == (500, body)


def test_a_status_of_d1_infers_its_kind(hub: Hub, device: str) -> None:
    for status, kind in [(400, "Invalid"), (401, "Forbidden"), (404, "Forbidden")]:
        fault = hub.faults.inject("devices_SetProperty", status=status)
        assert fault.kind == kind
    assert hub.faults.inject("devices_SetProperty", status=500, latency_secs=0).kind == "Internal"


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [
        ({"status": 200, "body": {}}, ["$.status", ">= 400"]),
        ({"status": 600}, ["$.status", "<= 599"]),
        ({"kind": "Internal", "body": {}}, ["`kind` or `body`"]),
        ({"kind": "Internal", "status": 503}, ["Internal", "500", "503"]),
        ({"body": object()}, ["`body`", "JSON"]),
        ({"body": "x" * 70_000}, ["`body`", "65536 bytes"]),
        ({"headers": {"Bad Name": "1"}}, ["'Bad Name'", "HTTP field name"]),
        ({"headers": {"": "1"}}, ["''", "HTTP field name"]),
        ({"headers": {"X-A": "line\r\nbreak"}}, ["`X-A`", "no line breaks"]),
        ({"headers": {"X-A": "é"}}, ["`X-A`", "printable ASCII"]),
        ({"headers": {"X-A": "x" * 1025}}, ["`X-A`", "1024"]),
        ({"headers": {"Content-Length": "1"}}, ["`Content-Length`", "set by the server"]),
        ({"headers": {"content-type": "text/html"}}, ["`content-type`", "set by the server"]),
        ({"headers": {f"X-{i}": "1" for i in range(17)}}, ["at most 16 headers"]),
        ({"headers": {"X-A": 1}}, ["$.headers"]),
        ({"kind": None, "latency_secs": 1, "headers": {"X-A": "1"}}, ["`headers`", "fails"]),
    ],
)
def test_bad_answers_are_invalid_and_arm_nothing(
    hub: Hub, arguments: dict[str, Any], fragments: list[str]
) -> None:
    with pytest.raises(InvalidError) as info:
        hub.faults.inject("devices_SetProperty", **arguments)
    for fragment in fragments:
        assert fragment in info.value.message, (fragment, info.value.message)
    assert hub.faults.active() == []


def test_an_unknown_action_suggests_the_closest(hub: Hub) -> None:
    with pytest.raises(InvalidError) as info:
        hub.faults.inject("devices_SetPropety")
    assert "(did you mean `devices_SetProperty`?)" in info.value.message


def test_to_json_carries_body_and_headers_when_given(hub: Hub) -> None:
    fault = hub.faults.inject("*", status=503, body={"a": 1}, headers={"Retry-After": "1"})
    data = fault.to_json()
    assert (data["status"], data["body"], data["headers"]) == (503, {"a": 1}, {"Retry-After": "1"})
    assert "body" not in hub.faults.inject("*").to_json()


def test_the_control_plane_arms_an_answer_that_a_live_server_sends(
    live_server: LiveServer,
) -> None:
    admin = {"Authorization": f"Bearer {live_server.admin_token}"}
    with httpx.Client(base_url=live_server.url, headers=admin) as http:
        armed = http.post(
            "/_fake/faults",
            json={
                "action": "projects_Create",
                "status": 503,
                "body": {"maintenance": True},
                "headers": {"Retry-After": "120"},
            },
        )
        assert armed.status_code == 200, armed.text
        payload = {"organizationId": live_server.default_organization_id, "name": "p"}
        response = http.post("/api/v1/actions/invoke/projects_Create", json=payload)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "120"
        assert response.json() == {"maintenance": True}
        refused = http.post("/_fake/faults", json={"action": "*", "headers": {"A B": "1"}})
        assert refused.status_code == 400
        assert "HTTP field name" in refused.json()["message"]


def test_at_most_a_thousand_faults_are_armed(hub: Hub) -> None:
    for _ in range(MAX_FAULTS):
        hub.faults.inject("*", times=None)
    with pytest.raises(InvalidError, match="1000 are armed already"):
        hub.faults.inject("*")
    assert len(hub.faults) == MAX_FAULTS
    hub.faults.clear()
    hub.faults.inject("*")


def test_assert_all_fired_names_each_fault_not_fired_as_armed(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty")  # fires once and is gone
    partly = hub.faults.inject("devices_SetProperty", kind="Invalid", times=3)
    never = hub.faults.inject("devices_Delete", probability=0.5, device_id=device)
    ever = hub.faults.inject("projects_Create", probability=1.0)
    for value in range(2):
        with pytest.raises(ActionError):
            set_property(hub, device, "a.b", value)
    with pytest.raises(ActionError):
        make_project(hub)
    with pytest.raises(AssertionError) as info:
        hub.faults.assert_all_fired()
    message = str(info.value)
    assert message.startswith("2 armed fault(s) never fired as armed:")
    assert f"fault #{partly.fault_id} on `devices_SetProperty`: Invalid 400" in message
    assert "(fired 1 of 3 time(s))" in message
    assert f"fault #{never.fault_id} on `devices_Delete` device {device}" in message
    assert f"fault #{ever.fault_id} " not in message
    hub.faults.clear()
    hub.faults.assert_all_fired()
