import asyncio

VERSION_IS_2 = {
    "kind": "Equals",
    "left": {"kind": "NamedValue", "name": "app.version"},
    "right": {"kind": "Literal", "value": "2.0"},
}
ROLLOUT = [
    {"kind": "SetDeviceProperty", "name": "app.config", "value": {"channel": "stable"}},
    {"kind": "DeviceCommand", "command": "reboot", "input": None},
    {"kind": "WaitForDeviceProperty", "predicate": VERSION_IS_2, "timeoutSecs": 600},
]


def test_a_rollout_that_reboots_the_device(nexigon_hub, nexigon_device):
    device = nexigon_device(agent=True)  # takes its operation work as nexigon-agent does

    @device.command("reboot")
    def reboot(input, log):  # the device comes back with the new version
        nexigon_hub.devices.set_property(
            device_id=device.device_id, name="app.version", value="2.0"
        )
        return {"rebooted": True}

    created = nexigon_hub.invoke(
        "devices_CreateOperation",
        {"deviceId": device.device_id, "name": "Roll out 2.0", "steps": ROLLOUT},
    )
    operation = {"deviceOperationId": created["deviceOperationId"]}
    nexigon_hub.invoke("devices_StartOperation", operation)

    found = nexigon_hub.invoke("devices_GetOperation", operation)
    assert found["summary"]["status"] == "Succeeded"
    assert [state["status"] for state in found["stepStates"]] == ["Succeeded"] * 3
    assert found["stepStates"][1]["output"] == {"rebooted": True}


def test_a_reboot_that_never_answers_times_out(nexigon_hub, nexigon_device):
    device = nexigon_device(agent=True)

    @device.command("reboot")
    async def reboot(input, log):
        await asyncio.Event().wait()  # never answers

    created = nexigon_hub.invoke(
        "devices_CreateOperation",
        {"deviceId": device.device_id, "name": "Roll out 2.0", "steps": ROLLOUT},
    )
    operation = {"deviceOperationId": created["deviceOperationId"]}
    nexigon_hub.invoke("devices_StartOperation", operation)
    assert nexigon_hub.invoke("devices_GetOperation", operation)["summary"]["status"] == "Running"

    nexigon_hub.clock.advance(3600)  # the command step's default deadline

    summary = nexigon_hub.invoke("devices_GetOperation", operation)["summary"]
    assert summary["status"] == "TimedOut"
    assert summary["lastError"] == "Step timed out after 3600s."
