"""The README's device-commands example, as a test (the plugin is active in this suite)."""

import json

from websockets.sync.client import connect


def test_rebooting_a_device(nexigon_server, nexigon_device):
    device = nexigon_device()  # a new device, connected, in a project made for the test

    @device.command("reboot", input_schema={"type": "object", "required": ["delaySecs"]})
    def reboot(input, log):
        log(f"rebooting in {input['delaySecs']} s")
        return {"scheduled": True}

    # What your code under test does (or nexigon_sdk.invoke_device_command(...), see below):
    url = nexigon_server.url.replace("http", "ws", 1) + "/api/v1/connect/command/"
    token = {"Authorization": f"Bearer {nexigon_server.admin_token}"}
    with connect(url + device.device_id, additional_headers=token) as websocket:
        invoke = {"type": "Invoke", "command": "reboot", "input": {"delaySecs": 5}}
        websocket.send(json.dumps(invoke | {"streamLog": True}))
        frames = [json.loads(message) for message in websocket]

    assert frames == [
        {"type": "Log", "lines": ["rebooting in 5 s"]},
        {
            "type": "Done",
            "status": "Ok",
            "output": {"scheduled": True},
            "logTail": ["rebooting in 5 s"],
            "durationMs": 0,
        },
    ]
    nexigon_server.hub.journal.assert_called(
        "devices_InvokeCommand", times=1, where={"command": "reboot"}
    )
