"""Device commands through the official SDK (sync ``Client`` and ``AsyncClient``), live.

Every scenario also checks that ``devices_QueryCommands`` lists exactly the handlers the test
declared, so the manifest and the handlers cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from nexigon_hub_sdk import AsyncClient, Client, CommandInvocationError
from nexigon_hub_sdk.api_types import devices

from conftest_plugin import NexigonServer, SimulatedDevice
from nexigon_fake import Hub
from nexigon_fake.errors import MSG_UNKNOWN_TOKEN

MakeDevice = Callable[..., SimulatedDevice]

ECHO_INPUT = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
}
ECHO_OUTPUT = {"type": "object", "required": ["echo"]}
# (name, description, category, input schema, output schema), sorted by name.
EXPECTED_MANIFEST = [
    ("echo", "Echo the message", "diagnostics", ECHO_INPUT, ECHO_OUTPUT),
    ("selftest", None, "diagnostics", None, None),
    ("update", "Install an update", None, None, None),
]


def declare_commands(device: SimulatedDevice, hub: Hub) -> None:
    """The device's commands: a sync echo, a failing self-test, a slow async update."""

    @device.command(
        "echo",
        description="Echo the message",
        category="diagnostics",
        input_schema=ECHO_INPUT,
        output_schema=ECHO_OUTPUT,
    )
    def echo(command_input: Any, log: Callable[..., None]) -> Any:
        log(f"echoing {command_input['message']}")
        return {"echo": command_input["message"]}

    @device.command("selftest", category="diagnostics")
    def selftest(command_input: Any, log: Callable[..., None]) -> Any:
        log("checking sensors")
        raise RuntimeError("sensor 3 does not answer")

    @device.command("update", description="Install an update")
    async def update(command_input: Any, log: Callable[..., None]) -> Any:
        log("downloading")
        hub.clock.advance(90)  # the download takes the hub's clock 90 s
        return {"installed": True}


class Sdk:
    """The sync or the async SDK client behind one awaitable interface."""

    def __init__(self, client: Client | AsyncClient) -> None:
        self.client = client

    async def _settle(self, result: Any) -> Any:
        return await result if inspect.isawaitable(result) else result

    async def invoke(self, device_id: str, command: str, **options: Any) -> Any:
        return await self._settle(self.client.invoke_device_command(device_id, command, **options))

    async def frames(self, device_id: str, command: str, **options: Any) -> list[Any]:
        if isinstance(self.client, AsyncClient):
            async with self.client.stream_device_command(device_id, command, **options) as frames:
                return [frame async for frame in frames]
        with self.client.stream_device_command(device_id, command, **options) as frames:
            return list(frames)

    async def close(self) -> None:
        if isinstance(self.client, AsyncClient):
            await self.client.aclose()
        else:
            self.client.close()

    async def manifest(self, device_id: str) -> list[tuple[Any, ...]]:
        action = devices.QueryDeviceCommandsAction(device_id=device_id)
        output = await self._settle(self.client.execute(action))
        return [
            (c.name, c.description, c.category, c.input, c.output) for c in output.manifest.commands
        ]


@pytest.fixture(params=["sync", "async"])
def sdk(request: pytest.FixtureRequest) -> Sdk:
    if request.param == "sync":
        return Sdk(request.getfixturevalue("nexigon_sdk"))
    return Sdk(request.getfixturevalue("nexigon_async_sdk"))


@pytest.fixture
def device(nexigon_device: MakeDevice, nexigon_hub: Hub) -> SimulatedDevice:
    device = nexigon_device()
    declare_commands(device, nexigon_hub)
    return device


async def assert_manifest(sdk: Sdk, device: SimulatedDevice) -> None:
    assert await sdk.manifest(device.device_id) == EXPECTED_MANIFEST


@pytest.mark.asyncio
async def test_success_with_output(sdk: Sdk, device: SimulatedDevice) -> None:
    done = await sdk.invoke(device.device_id, "echo", input={"message": "hi"})
    assert done.status.root == "Ok"
    assert (done.output, done.error) == ({"echo": "hi"}, None)
    assert (done.log_tail, done.duration_ms) == (["echoing hi"], 0)
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_streamed_logs(sdk: Sdk, device: SimulatedDevice) -> None:
    received: list[list[str]] = []
    done = await sdk.invoke(
        device.device_id,
        "echo",
        input={"message": "hi"},
        stream_log=True,
        on_log=lambda frame: received.append(frame.lines),
    )
    assert received == [["echoing hi"]]
    assert done.output == {"echo": "hi"}
    frames = await sdk.frames(device.device_id, "selftest", stream_log=True)
    assert [frame.type for frame in frames] == ["Log", "Done"]
    assert frames[0].lines == ["checking sensors"]
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_handler_error(sdk: Sdk, device: SimulatedDevice) -> None:
    done = await sdk.invoke(device.device_id, "selftest")
    assert done.status.root == "Error"
    assert (done.error, done.output) == ("sensor 3 does not answer", None)
    assert done.log_tail == ["checking sensors"]
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_unknown_command(sdk: Sdk, device: SimulatedDevice) -> None:
    done = await sdk.invoke(device.device_id, "shutdown")
    assert done.status.root == "Error"
    assert done.error == f"Command `shutdown` not found on device {device.device_id}."
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_offline_device(sdk: Sdk, device: SimulatedDevice) -> None:
    device.disconnect()
    done = await sdk.invoke(device.device_id, "echo", input={"message": "hi"})
    assert done.status.root == "Error"
    assert done.error == (
        f"Device {device.device_id} is offline (it has no open connection), so it cannot run "
        "`echo`."
    )
    await assert_manifest(sdk, device)
    device.connect()
    done = await sdk.invoke(device.device_id, "echo", input={"message": "back"})
    assert done.output == {"echo": "back"}


@pytest.mark.asyncio
async def test_input_schema_mismatch(sdk: Sdk, device: SimulatedDevice) -> None:
    done = await sdk.invoke(device.device_id, "echo", input={"message": 5})
    assert done.status.root == "Error"
    assert done.error == (
        "Command input does not satisfy its declared schema: 5 is not of type 'string' "
        "(at `$.message`)"
    )
    assert done.log_tail == []  # the handler never ran
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_timeout(sdk: Sdk, device: SimulatedDevice, nexigon_hub: Hub) -> None:
    before = nexigon_hub.clock.now()
    done = await sdk.invoke(device.device_id, "update", timeout_secs=5)
    assert done.status.root == "Error"
    assert done.error == "Command `update` timed out after 5s."
    assert (done.log_tail, done.duration_ms) == (["downloading"], 90_000)
    assert (nexigon_hub.clock.now() - before).total_seconds() == 90
    done = await sdk.invoke(device.device_id, "update", timeout_secs=120)
    assert done.output == {"installed": True}
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_bad_token(sdk: Sdk, device: SimulatedDevice, nexigon_server: NexigonServer) -> None:
    client_type = type(sdk.client)
    outsider = Sdk(client_type(nexigon_server.url, token="u_sk_" + "1" * 66))
    with pytest.raises(CommandInvocationError) as raised:
        await outsider.invoke(device.device_id, "echo", input={"message": "hi"})
    await outsider.close()
    assert "4401" in str(raised.value)
    assert f"Forbidden: {MSG_UNKNOWN_TOKEN}" in str(raised.value)
    await assert_manifest(sdk, device)


@pytest.mark.asyncio
async def test_foreign_device(
    sdk: Sdk, device: SimulatedDevice, nexigon_server: NexigonServer, nexigon_hub: Hub
) -> None:
    organization = nexigon_hub.invoke(
        "organizations_Create", {"name": "other", "admins": [], "requiresSubscription": False}
    )["organizationId"]
    _, token = nexigon_hub.create_user("outsider@example.com", organization_id=organization)
    outsider = Sdk(type(sdk.client)(nexigon_server.url, token=token))
    with pytest.raises(CommandInvocationError) as raised:
        await outsider.invoke(device.device_id, "echo", input={"message": "hi"})
    await outsider.close()
    assert "4404" in str(raised.value)
    reason = f"Device {device.device_id} does not exist or is not accessible."
    assert reason in str(raised.value)
    await assert_manifest(sdk, device)


# The README's SDK example.


def test_a_failing_self_test(nexigon_sdk, nexigon_device):
    device = nexigon_device()  # a new device, connected, in a project made for the test

    @device.command("selftest", category="diagnostics")
    def selftest(input, log):
        log("checking sensors")
        raise RuntimeError("sensor 3 does not answer")

    done = nexigon_sdk.invoke_device_command(device.device_id, "selftest")

    assert done.status.root == "Error"
    assert done.error == "sensor 3 does not answer"
    assert done.log_tail == ["checking sensors"]
    listed = nexigon_sdk.execute(devices.QueryDeviceCommandsAction(device_id=device.device_id))
    assert [command.name for command in listed.manifest.commands] == ["selftest"]
