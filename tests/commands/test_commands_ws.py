"""Device commands over a real WebSocket (uvicorn on 127.0.0.1), with a plain client."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from conftest_plugin import NexigonServer, SimulatedDevice
from nexigon_fake import Hub
from nexigon_fake.errors import (
    MSG_BAD_AUTH_HEADER,
    MSG_COMMAND_BINARY_FRAME,
    MSG_NO_CREDENTIALS,
    MSG_UNKNOWN_TOKEN,
    InvalidError,
)
from nexigon_fake.serve.app import MAX_CLOSE_REASON_BYTES, _close_reason
from nexigon_fake.toolkit.faults import COMMAND_ACTION
from tests.state.helpers import fingerprint, make_organization, make_token

MakeDevice = Callable[..., SimulatedDevice]
RECV_LIMIT_SECS = 30  # a bound against a hung test, never a wait for something to happen


@dataclass
class Exchange:
    """What one connection brought: the frames received, and how the server closed."""

    frames: list[Any]
    code: int | None
    reason: str | None


def url(server: NexigonServer, device_id: str) -> str:
    return server.url.replace("http://", "ws://", 1) + f"/api/v1/connect/command/{device_id}"


def exchange(
    server: NexigonServer,
    device_id: str,
    *messages: str | bytes,
    headers: dict[str, str] | None = None,
) -> Exchange:
    """Send ``messages``, then read until the server closes."""
    if headers is None:
        headers = {"Authorization": f"Bearer {server.admin_token}"}
    frames: list[Any] = []
    with connect(url(server, device_id), additional_headers=headers, proxy=None) as ws:
        for message in messages:
            ws.send(message)
        try:
            while True:
                frames.append(json.loads(ws.recv(timeout=RECV_LIMIT_SECS)))
        except ConnectionClosed:
            pass
        return Exchange(frames, ws.close_code, ws.close_reason)


def invoke_frame(command: str, command_input: Any = None, **fields: Any) -> str:
    return json.dumps({"type": "Invoke", "command": command, "input": command_input, **fields})


def refused(result: Exchange, code: int, reason: str) -> None:
    assert result.frames == []
    assert (result.code, result.reason) == (code, reason)


@pytest.fixture
def device(nexigon_device: MakeDevice) -> SimulatedDevice:
    device = nexigon_device()

    @device.command("reboot", input_schema={"type": "object"})
    def reboot(command_input: Any, log: Callable[..., None]) -> Any:
        log("stopping services")
        log("rebooting")
        return {"scheduled": command_input}

    return device


def test_an_invocation_streams_log_frames_then_done_then_closes(
    nexigon_server: NexigonServer, device: SimulatedDevice
) -> None:
    result = exchange(
        nexigon_server, device.device_id, invoke_frame("reboot", {"in": 5}, streamLog=True)
    )
    assert result.frames == [
        {"type": "Log", "lines": ["stopping services"]},
        {"type": "Log", "lines": ["rebooting"]},
        {
            "type": "Done",
            "status": "Ok",
            "output": {"scheduled": {"in": 5}},
            "logTail": ["stopping services", "rebooting"],
            "durationMs": 0,
        },
    ]
    assert result.code == 1000


def test_without_stream_log_only_the_done_frame_comes(
    nexigon_server: NexigonServer, device: SimulatedDevice
) -> None:
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot", {}))
    assert [frame["type"] for frame in result.frames] == ["Done"]
    assert result.frames[0]["logTail"] == ["stopping services", "rebooting"]


def test_frames_after_the_invoke_frame_are_ignored(
    nexigon_server: NexigonServer, device: SimulatedDevice
) -> None:
    result = exchange(
        nexigon_server, device.device_id, invoke_frame("reboot", {}), "noise", b"\x00"
    )
    assert result.frames[-1]["status"] == "Ok"
    assert result.code == 1000


def test_errors_of_the_device_are_done_frames(
    nexigon_server: NexigonServer, nexigon_device: MakeDevice, device: SimulatedDevice
) -> None:
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot", [1]))
    assert result.frames[-1]["error"] == (
        "Command input does not satisfy its declared schema: [1] is not of type 'object' (at `$`)"
    )
    offline = nexigon_device(connected=False)
    result = exchange(nexigon_server, offline.device_id, invoke_frame("reboot"))
    assert result.frames[-1]["error"].startswith(f"Device {offline.device_id} is offline")
    assert result.code == 1000


# Malformed and binary frames: an Error Done frame, a normal close, never a 500.


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("not json", "Invalid Invoke frame: The frame is not valid JSON: Expecting value"),
        ('"Invoke"', "Invalid Invoke frame: The frame must be a JSON object, got a string."),
        ('{"type": "Invoke"}', "Object missing required field `command` (at `$`)"),
        (invoke_frame("reboot", {}, timeoutSecs=1.5), "Expected `int | null`, got `float`"),
        (b"binary", MSG_COMMAND_BINARY_FRAME),
        (invoke_frame("reboot", {}).encode(), MSG_COMMAND_BINARY_FRAME),
    ],
)
def test_a_malformed_or_binary_invoke_frame_is_an_error_done(
    nexigon_server: NexigonServer,
    nexigon_hub: Hub,
    device: SimulatedDevice,
    message: str | bytes,
    error: str,
) -> None:
    result = exchange(nexigon_server, device.device_id, message)
    (done,) = result.frames
    assert (done["type"], done["status"], done["logTail"]) == ("Done", "Error", [])
    assert error in done["error"]
    assert result.code == 1000
    assert nexigon_hub.journal.calls(COMMAND_ACTION)[-1].status == 400


# Refusals: no Done frame, a close with 4000 + status and the reason.


def test_an_unknown_token_is_closed_with_4401(
    nexigon_server: NexigonServer, nexigon_hub: Hub, device: SimulatedDevice
) -> None:
    headers = {"Authorization": "Bearer u_sk_" + "1" * 66}
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot"), headers=headers)
    refused(result, 4401, f"Forbidden: {MSG_UNKNOWN_TOKEN}")
    entry = nexigon_hub.journal.calls(COMMAND_ACTION)[-1]
    assert (entry.status, entry.output["message"]) == (401, MSG_UNKNOWN_TOKEN)


def test_no_credentials_are_closed_with_4401(
    nexigon_server: NexigonServer, device: SimulatedDevice
) -> None:
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot"), headers={})
    refused(result, 4401, f"Forbidden: {MSG_NO_CREDENTIALS}")


def test_a_malformed_authorization_header_is_closed_and_journaled(
    nexigon_server: NexigonServer, nexigon_hub: Hub, device: SimulatedDevice
) -> None:
    sent = invoke_frame("reboot")
    headers = {"Authorization": "Basic dXNlcjpwYXNz"}
    result = exchange(nexigon_server, device.device_id, sent, headers=headers)
    refused(result, 4401, f"Forbidden: {MSG_BAD_AUTH_HEADER}")
    entry = nexigon_hub.journal.calls(COMMAND_ACTION)[-1]
    assert (entry.status, entry.actor) == (401, None)
    assert entry.input == {"deviceId": device.device_id, **json.loads(sent)}
    assert entry.output == {"kind": "Forbidden", "message": MSG_BAD_AUTH_HEADER}


def test_a_foreign_device_is_closed_with_4404(
    nexigon_server: NexigonServer, nexigon_hub: Hub, device: SimulatedDevice
) -> None:
    _, token = nexigon_hub.create_user(
        "outsider@example.com", organization_id=make_organization(nexigon_hub)
    )
    headers = {"Authorization": f"Bearer {token}"}
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot"), headers=headers)
    reason = f"Forbidden: Device {device.device_id} does not exist or is not accessible."
    refused(result, 4404, reason)


def test_a_missing_device_is_closed_with_4404(nexigon_server: NexigonServer) -> None:
    missing = "d_" + "1" * 22
    result = exchange(nexigon_server, missing, invoke_frame("reboot"))
    refused(result, 4404, f"Forbidden: Device {missing} does not exist or is not accessible.")


def test_a_malformed_device_id_is_closed_with_4400(nexigon_server: NexigonServer) -> None:
    result = exchange(nexigon_server, "d_nonexistent", invoke_frame("reboot"))
    refused(
        result,
        4400,
        "Invalid: Expected a device ID: `d_` followed by 22 base58 characters. (at `$.deviceId`)",
    )


def test_a_device_actor_is_closed_with_4403(
    nexigon_server: NexigonServer, nexigon_hub: Hub, device: SimulatedDevice
) -> None:
    _, deployment = make_token(nexigon_hub, device.project_id, auto_accept=True)
    headers = {"Authorization": f"Bearer {deployment}", "X-Device-Fingerprint": fingerprint()}
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot"), headers=headers)
    assert result.code == 4403
    assert result.reason is not None
    assert result.reason.endswith("may not invoke `devices_InvokeCommand` (devices may not).")


def test_an_organization_api_token_may_invoke(
    nexigon_server: NexigonServer, nexigon_hub: Hub, device: SimulatedDevice
) -> None:
    token = nexigon_hub.create_organization_api_token(nexigon_hub.default_organization_id)
    headers = {"Authorization": f"Bearer {token}"}
    result = exchange(nexigon_server, device.device_id, invoke_frame("reboot", {}), headers=headers)
    assert result.frames[-1]["status"] == "Ok"


def test_close_reasons_fit_a_close_frame() -> None:
    reason = _close_reason(InvalidError("é" * 200))
    assert len(reason.encode()) <= MAX_CLOSE_REASON_BYTES
    assert reason.startswith("Invalid: éé")


# The control plane sees command invocations like any call.


def test_faults_and_journal_over_http(
    nexigon_server: NexigonServer, device: SimulatedDevice
) -> None:
    with httpx.Client(base_url=nexigon_server.url) as http:
        armed = http.post(
            "/_fake/faults",
            json={"action": COMMAND_ACTION, "kind": "Internal", "deviceId": device.device_id},
        )
        assert armed.status_code == 200, armed.text
        result = exchange(nexigon_server, device.device_id, invoke_frame("reboot", {}))
        journal = http.get("/_fake/journal", params={"action": COMMAND_ACTION}).json()
    assert result.frames == [
        {
            "type": "Done",
            "status": "Error",
            "error": "Injected fault: `devices_InvokeCommand` failed with Internal.",
            "logTail": [],
            "durationMs": 0,
        }
    ]
    (entry,) = journal["entries"]
    assert (entry["status"], entry["faultInjected"]) == (500, True)
    assert entry["input"]["deviceId"] == device.device_id
    assert entry["output"] == result.frames[0]


def test_a_plain_http_request_to_the_endpoint_is_a_clear_404(
    nexigon_server: NexigonServer, device: SimulatedDevice
) -> None:
    path = f"/api/v1/connect/command/{device.device_id}"
    response = httpx.get(nexigon_server.url + path)
    assert response.status_code == 404
    assert response.json() == {"kind": "Invalid", "message": f"No route for GET {path}."}


def test_handlers_are_forgotten_by_the_next_tests_reset(
    nexigon_server: NexigonServer, nexigon_hub: Hub, device: SimulatedDevice
) -> None:
    assert nexigon_hub.commands.names(device.device_id) == ["reboot"]
    nexigon_hub.reset()
    assert nexigon_hub.commands.names(device.device_id) == []
