"""Device commands in Python: handlers, the manifest, the Done frame, timeouts, journal, faults."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.actions import ACTIONS
from nexigon_fake.commands.definitions import LogFunction
from nexigon_fake.commands.invocations import MAX_ERROR_CHARS
from nexigon_fake.commands.running import LOG_TAIL_MAX_BYTES
from nexigon_fake.errors import (
    MSG_COMMAND_BINARY_FRAME,
    MSG_COMMAND_LOG_NOT_TEXT,
    MSG_COMMAND_ONLY_IN_MANIFEST,
    MSG_ENTITY_NOT_FOUND,
    MSG_NO_CREDENTIALS,
    MSG_UNKNOWN_TOKEN,
    ActionError,
    InvalidError,
    NotFoundError,
)
from nexigon_fake.toolkit.faults import COMMAND_ACTION
from nexigon_fake.upstream import UPSTREAM_ACTIONS
from nexigon_fake.wire.actor import DeviceActor, OrganizationApiTokenActor, UserTokenActor
from nexigon_fake.wire.credentials import Credentials
from nexigon_fake.wire.devices import GetDevicePropertyFound
from tests.state.helpers import (
    connect,
    disconnect,
    fingerprint,
    make_device,
    make_organization,
    make_project,
    make_token,
    set_property,
)

Frame = dict[str, Any]


def frame(command: str, command_input: Any = None, **fields: Any) -> Frame:
    return {"type": "Invoke", "command": command, "input": command_input, **fields}


async def invoke(
    hub: Hub, device_id: str, sent: Any, credentials: Credentials | None = None
) -> tuple[Frame, list[Frame]]:
    """The Done frame and the Log frames sent before it."""
    logs: list[Frame] = []

    async def send(log_frame: Frame) -> None:
        logs.append(log_frame)

    done = await hub.commands.invoke(credentials, device_id, sent, send)
    return done, logs


def manifest(hub: Hub, device_id: str) -> list[dict[str, Any]]:
    commands: list[dict[str, Any]] = hub.invoke("devices_QueryCommands", {"deviceId": device_id})[
        "manifest"
    ]["commands"]
    return commands


def error_done(error: str, log_tail: list[str] | None = None, duration_ms: int = 0) -> Frame:
    return {
        "type": "Done",
        "status": "Error",
        "error": error,
        "logTail": log_tail or [],
        "durationMs": duration_ms,
    }


def echo(command_input: Any, log: Callable[..., None]) -> Any:
    return command_input


@pytest.fixture
def project(hub: Hub) -> str:
    return make_project(hub)


@pytest.fixture
def device(hub: Hub, project: str) -> str:
    """A device with an open connection: online, so it can run commands."""
    device_id = make_device(hub, project)
    connect(hub, device_id)
    return device_id


def test_the_journal_name_is_no_action() -> None:
    assert COMMAND_ACTION == "devices_InvokeCommand"
    assert COMMAND_ACTION not in ACTIONS
    assert COMMAND_ACTION not in UPSTREAM_ACTIONS


# Registering handlers and the manifest.


def test_registering_publishes_the_manifest_sorted_by_name(hub: Hub, device: str) -> None:
    schema = {"type": "object", "properties": {"delaySecs": {"type": "integer"}}}
    hub.devices.on_command(device, "zeta", echo)
    hub.devices.on_command(
        device,
        "alpha",
        echo,
        description="Reboot the device",
        category="system",
        input_schema=schema,
        output_schema=True,
    )
    assert manifest(hub, device) == [
        {
            "name": "alpha",
            "description": "Reboot the device",
            "category": "system",
            "input": schema,
            "output": True,
        },
        {"name": "zeta"},
    ]
    assert hub.commands.names(device) == ["alpha", "zeta"]


def test_the_manifest_is_the_commands_property_written_by_the_system(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "reboot", echo)
    prop = hub.invoke("devices_GetProperty", {"deviceId": device, "name": "dev.nexigon.commands"})
    assert prop["value"] == {"commands": [{"name": "reboot"}]}
    assert prop["version"] == 1
    assert not prop["protected"]
    (event, *_) = hub.invoke("devices_QueryAuditLog", {"deviceId": device})["events"]
    assert event["event"] == "devices_PropertySet"
    assert event["actor"] == {"actor": "System"}
    assert event["data"]["propertyName"] == "dev.nexigon.commands"


def test_replacing_a_handler_updates_the_manifest_only_when_it_changes(
    hub: Hub, device: str
) -> None:
    hub.devices.on_command(device, "reboot", echo, description="old")
    hub.devices.on_command(device, "reboot", echo, description="new")
    hub.devices.on_command(device, "reboot", lambda command_input, log: 1, description="new")
    assert manifest(hub, device) == [{"name": "reboot", "description": "new"}]
    prop = hub.invoke("devices_GetProperty", {"deviceId": device, "name": "dev.nexigon.commands"})
    assert prop["version"] == 2  # the third registration changed the handler, not the manifest


def test_removing_handlers_shrinks_then_removes_the_manifest(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "a", echo)
    hub.devices.on_command(device, "b", echo)
    assert hub.devices.remove_command(device, "a") is True
    assert manifest(hub, device) == [{"name": "b"}]
    assert hub.devices.remove_command(device, "a") is False
    assert hub.devices.remove_command(device, "b") is True
    assert manifest(hub, device) == []
    found = hub.invoke("devices_GetProperty", {"deviceId": device, "name": "dev.nexigon.commands"})
    assert found == {"result": "NotFound"}
    assert hub.commands.names(device) == []


@pytest.mark.asyncio
async def test_a_removed_handler_is_an_unknown_command(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "reboot", echo)
    hub.devices.remove_command(device, "reboot")
    done, _ = await invoke(hub, device, frame("reboot"))
    assert done["error"] == f"Command `reboot` not found on device {device}."


def test_handlers_are_part_of_the_devices_namespace(hub: Hub) -> None:
    assert {"on_command", "remove_command", "set_property"} <= set(dir(hub.devices))


def test_registering_on_a_missing_device_is_not_found(hub: Hub) -> None:
    missing = "d_" + "1" * 22
    with pytest.raises(NotFoundError) as raised:
        hub.devices.on_command(missing, "reboot", echo)
    assert raised.value.message == MSG_ENTITY_NOT_FOUND.format(entity="Device", entity_id=missing)


@pytest.mark.parametrize(
    ("arguments", "error_type", "message"),
    [
        ({"name": ""}, InvalidError, "Invalid command name ''"),
        ({"name": "a b"}, InvalidError, "Invalid command name 'a b'"),
        ({"name": "x" * 129}, InvalidError, "Invalid command name"),
        ({"handler": 42}, TypeError, "The handler of command `ok` must be callable, not int."),
        ({"description": 1}, TypeError, "`description` of command `ok` must be a string"),
        ({"category": b"x"}, TypeError, "`category` of command `ok` must be a string"),
        ({"timeout_secs": -1}, InvalidError, "from 0 to 3600, not -1"),
        ({"timeout_secs": True}, InvalidError, "from 0 to 3600, not True"),
        (
            {"input_schema": {"type": "nonsense"}},
            InvalidError,
            "The input schema of command `ok` is not valid: 'nonsense' is not valid under any",
        ),
        (
            {"output_schema": [1]},
            InvalidError,
            "The output schema of command `ok` is not valid: a JSON Schema is an object or a "
            "boolean, not list",
        ),
        (
            {"input_schema": {"$schema": "https://json-schema.org/draft/2020-12/schema"}},
            InvalidError,
            "only JSON Schema draft 7 is supported",
        ),
    ],
)
def test_bad_registrations_are_refused_and_change_nothing(
    hub: Hub, device: str, arguments: dict[str, Any], error_type: type[Exception], message: str
) -> None:
    call: dict[str, Any] = {"name": "ok", "handler": echo, **arguments}
    with pytest.raises(error_type) as raised:
        hub.devices.on_command(device, call.pop("name"), call.pop("handler"), **call)
    assert message in str(raised.value)
    assert manifest(hub, device) == []
    assert hub.commands.names(device) == []


def test_a_draft_7_schema_dialect_is_accepted(hub: Hub, device: str) -> None:
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}
    hub.devices.on_command(device, "ok", echo, input_schema=schema)
    assert manifest(hub, device) == [{"name": "ok", "input": schema}]


# Handlers live beside the state: reset forgets them, restore keeps them, snapshots omit them.


def test_reset_forgets_handlers(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "reboot", echo)
    hub.reset()
    assert hub.commands.names(device) == []


def test_reset_to_a_baseline_forgets_handlers(hub: Hub, device: str) -> None:
    baseline = hub.snapshot_json()
    hub.devices.on_command(device, "reboot", echo)
    hub.reset_to(baseline)
    assert hub.commands.names(device) == []
    assert manifest(hub, device) == []


@pytest.mark.asyncio
async def test_restore_keeps_handlers_and_snapshots_omit_them(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "reboot", echo)
    snapshot = hub.snapshot()
    assert "echo" not in json.dumps(snapshot)
    hub.restore(snapshot)
    assert hub.commands.names(device) == ["reboot"]
    done, _ = await invoke(hub, device, frame("reboot", 7))
    assert done["output"] == 7


def test_hubs_do_not_share_handlers(device: str, hub: Hub) -> None:
    other = Hub(seed=0)
    hub.devices.on_command(device, "reboot", echo)
    assert other.commands.names(device) == []


# A successful invocation.


@pytest.mark.asyncio
async def test_a_sync_handler_answers_with_output_and_log_tail(hub: Hub, device: str) -> None:
    def reboot(command_input: Any, log: Callable[..., None]) -> Any:
        log("stopping services")
        log("rebooting in", f"{command_input['delaySecs']} s")
        return {"scheduled": True}

    hub.devices.on_command(device, "reboot", reboot)
    done, logs = await invoke(hub, device, frame("reboot", {"delaySecs": 5}))
    assert done == {
        "type": "Done",
        "status": "Ok",
        "output": {"scheduled": True},
        "logTail": ["stopping services", "rebooting in", "5 s"],
        "durationMs": 0,
    }
    assert logs == []  # streamLog was not asked for


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_log_lines_stream_as_log_frames_in_order(hub: Hub, device: str, kind: str) -> None:
    def chatty(command_input: Any, log: Callable[..., None]) -> Any:
        log("one")
        log("two\nthree", "")
        log()
        return "done"

    async def chatty_async(command_input: Any, log: Callable[..., None]) -> Any:
        await asyncio.sleep(0)
        return chatty(command_input, log)

    hub.devices.on_command(device, "chatty", chatty if kind == "sync" else chatty_async)
    done, logs = await invoke(hub, device, frame("chatty", streamLog=True))
    assert logs == [
        {"type": "Log", "lines": ["one"]},
        {"type": "Log", "lines": ["two", "three", ""]},
    ]
    assert done["logTail"] == ["one", "two", "three", ""]
    assert done["output"] == "done"


@pytest.mark.asyncio
async def test_an_async_handler_may_await_log(hub: Hub, device: str) -> None:
    async def awaiting(command_input: Any, log: LogFunction) -> Any:
        await log("one")
        log("two")  # not awaited: as good
        await log("three", "four")
        return "done"

    hub.devices.on_command(device, "awaiting", awaiting)
    done, logs = await invoke(hub, device, frame("awaiting", streamLog=True))
    assert [entry["lines"] for entry in logs] == [["one"], ["two"], ["three", "four"]]
    assert done["logTail"] == ["one", "two", "three", "four"]
    assert done["output"] == "done"


def test_an_async_operation_command_may_await_log(nexigon_hub, nexigon_device) -> None:
    """Run by the simulated agent, whose log goes nowhere: awaiting it works all the same."""
    agent = nexigon_device(agent=True)

    @agent.command("selftest")
    async def selftest(command_input: Any, log: LogFunction) -> Any:
        await log("checking")
        return {"ok": True}

    step = {"kind": "DeviceCommand", "command": "selftest", "input": None}
    created = nexigon_hub.invoke(
        "devices_CreateOperation", {"deviceId": agent.device_id, "name": "t", "steps": [step]}
    )
    operation = {"deviceOperationId": created["deviceOperationId"]}
    nexigon_hub.invoke("devices_StartOperation", operation)
    found = nexigon_hub.invoke("devices_GetOperation", operation)
    assert found["stepStates"][0]["status"] == "Succeeded", found["stepStates"]
    assert found["stepStates"][0]["output"] == {"ok": True}


@pytest.mark.asyncio
async def test_an_async_handler_runs_on_the_loop(hub: Hub, device: str) -> None:
    seen: list[Any] = []

    async def handler(command_input: Any, log: Callable[..., None]) -> Any:
        seen.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return [command_input, command_input]

    hub.devices.on_command(device, "twice", handler)
    done, _ = await invoke(hub, device, frame("twice", "x"))
    assert done["output"] == ["x", "x"]
    assert seen == [asyncio.get_running_loop()]


@pytest.mark.asyncio
async def test_a_sync_handler_runs_in_a_worker_thread(hub: Hub, device: str) -> None:
    threads: list[int] = []

    def handler(command_input: Any, log: Callable[..., None]) -> Any:
        threads.append(threading.get_ident())

    hub.devices.on_command(device, "where", handler)
    await invoke(hub, device, frame("where"))
    assert threads and threads[0] != threading.get_ident()


@pytest.mark.asyncio
async def test_an_awaitable_returned_by_a_sync_callable_is_awaited(hub: Hub, device: str) -> None:
    class Handler:
        async def __call__(self, command_input: Any, log: Callable[..., None]) -> Any:
            return {"from": "coroutine"}

    hub.devices.on_command(device, "object", Handler())
    done, _ = await invoke(hub, device, frame("object"))
    assert done["output"] == {"from": "coroutine"}


@pytest.mark.asyncio
async def test_no_output_omits_the_field(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "quiet", lambda command_input, log: None)
    done, _ = await invoke(hub, device, frame("quiet"))
    assert done == {"type": "Done", "status": "Ok", "logTail": [], "durationMs": 0}


@pytest.mark.asyncio
async def test_output_is_normalized_to_json(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "tuple", lambda command_input, log: (1, "a", None))
    done, _ = await invoke(hub, device, frame("tuple"))
    assert done["output"] == [1, "a", None]


@pytest.mark.asyncio
async def test_duration_follows_the_hub_clock(hub: Hub, device: str) -> None:
    def slow(command_input: Any, log: Callable[..., None]) -> Any:
        hub.clock.advance(2.5)
        return None

    hub.devices.on_command(device, "slow", slow)
    done, _ = await invoke(hub, device, frame("slow"))
    assert done["durationMs"] == 2500


@pytest.mark.asyncio
async def test_handlers_may_call_the_hub(hub: Hub, device: str) -> None:
    def sync_handler(command_input: Any, log: Callable[..., None]) -> Any:
        hub.devices.set_property(device_id=device, name="app.mode", value=command_input)
        return "set"

    async def async_handler(command_input: Any, log: Callable[..., None]) -> Any:
        found = hub.devices.get_property(device_id=device, name="app.mode")
        assert isinstance(found, GetDevicePropertyFound)
        return found.value

    hub.devices.on_command(device, "set", sync_handler)
    hub.devices.on_command(device, "get", async_handler)
    await invoke(hub, device, frame("set", "eco"))
    done, _ = await invoke(hub, device, frame("get"))
    assert done["output"] == "eco"


@pytest.mark.asyncio
async def test_concurrent_invocations_do_not_block_each_other(hub: Hub, device: str) -> None:
    first_started = asyncio.Event()

    async def waits(command_input: Any, log: Callable[..., None]) -> Any:
        first_started.set()
        await second_done.wait()
        return "first"

    async def releases(command_input: Any, log: Callable[..., None]) -> Any:
        await first_started.wait()
        second_done.set()
        return "second"

    second_done = asyncio.Event()
    hub.devices.on_command(device, "waits", waits)
    hub.devices.on_command(device, "releases", releases)
    (first, _), (second, _) = await asyncio.gather(
        invoke(hub, device, frame("waits")), invoke(hub, device, frame("releases"))
    )
    assert (first["output"], second["output"]) == ("first", "second")


@pytest.mark.asyncio
async def test_the_log_tail_keeps_the_last_8_kib(hub: Hub, device: str) -> None:
    lines = [f"{index:04d}" + "x" * 95 for index in range(200)]  # 100 bytes + newline each

    def verbose(command_input: Any, log: Callable[..., None]) -> Any:
        for line in lines:
            log(line)

    hub.devices.on_command(device, "verbose", verbose)
    done, _ = await invoke(hub, device, frame("verbose"))
    kept = LOG_TAIL_MAX_BYTES // 101
    assert done["logTail"] == lines[-kept:]


@pytest.mark.asyncio
async def test_a_failing_send_stops_streaming_but_not_the_invocation(hub: Hub, device: str) -> None:
    sent: list[Frame] = []

    async def send(log_frame: Frame) -> None:
        sent.append(log_frame)
        raise ConnectionError("caller went away")

    def chatty(command_input: Any, log: Callable[..., None]) -> Any:
        log("a")
        log("b")
        return 1

    hub.devices.on_command(device, "chatty", chatty)
    done = await hub.commands.invoke(None, device, frame("chatty", streamLog=True), send)
    assert sent == [{"type": "Log", "lines": ["a"]}]
    assert (done["status"], done["output"], done["logTail"]) == ("Ok", 1, ["a", "b"])


# Failures: every one is a Done frame with status Error.


@pytest.mark.asyncio
async def test_a_raising_handler_reports_its_message(hub: Hub, device: str) -> None:
    def broken(command_input: Any, log: Callable[..., None]) -> Any:
        log("checking sensors")
        raise RuntimeError("sensor 3 does not answer")

    hub.devices.on_command(device, "selftest", broken)
    done, _ = await invoke(hub, device, frame("selftest"))
    assert done == error_done("sensor 3 does not answer", ["checking sensors"])


@pytest.mark.asyncio
async def test_an_exception_without_message_reports_its_type(hub: Hub, device: str) -> None:
    async def broken(command_input: Any, log: Callable[..., None]) -> Any:
        raise KeyError

    hub.devices.on_command(device, "selftest", broken)
    done, _ = await invoke(hub, device, frame("selftest"))
    assert done["error"] == "KeyError"


@pytest.mark.asyncio
async def test_errors_are_cut_to_4096_characters(hub: Hub, device: str) -> None:
    def broken(command_input: Any, log: Callable[..., None]) -> Any:
        raise ValueError("e" * 5000)

    hub.devices.on_command(device, "selftest", broken)
    done, _ = await invoke(hub, device, frame("selftest"))
    assert done["error"] == "e" * MAX_ERROR_CHARS


@pytest.mark.asyncio
async def test_logging_a_non_string_fails_the_command(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "bad", lambda command_input, log: log(42))
    done, _ = await invoke(hub, device, frame("bad"))
    assert done["error"] == MSG_COMMAND_LOG_NOT_TEXT.format(got="int")


@pytest.mark.asyncio
async def test_an_unknown_command(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "reboot", echo)
    done, _ = await invoke(hub, device, frame("shutdown"))
    assert done == error_done(f"Command `shutdown` not found on device {device}.")


@pytest.mark.asyncio
async def test_a_command_only_in_the_manifest_says_so(hub: Hub, device: str) -> None:
    set_property(hub, device, "dev.nexigon.commands", {"commands": [{"name": "reboot"}]})
    assert manifest(hub, device) == [{"name": "reboot"}]
    done, _ = await invoke(hub, device, frame("reboot"))
    hint = MSG_COMMAND_ONLY_IN_MANIFEST
    assert done["error"] == f"Command `reboot` not found on device {device}{hint}."


@pytest.mark.asyncio
async def test_an_offline_device(hub: Hub, project: str) -> None:
    device = make_device(hub, project)
    ran: list[Any] = []
    hub.devices.on_command(device, "reboot", lambda command_input, log: ran.append(1))
    offline = f"Device {device} is offline (it has no open connection), so it cannot run `reboot`."
    done, _ = await invoke(hub, device, frame("reboot"))
    assert done == error_done(offline)
    connection = connect(hub, device)
    done, _ = await invoke(hub, device, frame("reboot"))
    assert done["status"] == "Ok"
    disconnect(hub, connection)
    done, _ = await invoke(hub, device, frame("reboot"))
    assert done == error_done(offline)
    assert ran == [1]


@pytest.mark.asyncio
async def test_offline_comes_before_an_unknown_command(hub: Hub, project: str) -> None:
    device = make_device(hub, project)
    done, _ = await invoke(hub, device, frame("nothing"))
    assert "is offline" in done["error"]


@pytest.mark.asyncio
async def test_an_invalid_command_name(hub: Hub, device: str) -> None:
    done, _ = await invoke(hub, device, frame("rm -rf"))
    assert done["error"] == (
        "Invalid command name 'rm -rf': use 1 to 128 characters out of A-Z, a-z, 0-9, `.`, `_` "
        "and `-`."
    )


@pytest.mark.asyncio
async def test_input_must_satisfy_the_declared_schema(hub: Hub, device: str) -> None:
    ran: list[Any] = []
    schema = {
        "type": "object",
        "properties": {"delaySecs": {"type": "integer", "minimum": 0}},
        "required": ["delaySecs"],
    }
    hub.devices.on_command(
        device, "reboot", lambda command_input, log: ran.append(command_input), input_schema=schema
    )
    done, _ = await invoke(hub, device, frame("reboot", {"delaySecs": -1}))
    assert done == error_done(
        "Command input does not satisfy its declared schema: -1 is less than the minimum of 0 "
        "(at `$.delaySecs`)"
    )
    done, _ = await invoke(hub, device, frame("reboot", {}))
    assert done["error"] == (
        "Command input does not satisfy its declared schema: 'delaySecs' is a required property "
        "(at `$`)"
    )
    done, _ = await invoke(hub, device, frame("reboot", {"delaySecs": 3}))
    assert done["status"] == "Ok"
    assert ran == [{"delaySecs": 3}]


@pytest.mark.asyncio
async def test_output_must_satisfy_the_declared_schema(hub: Hub, device: str) -> None:
    hub.devices.on_command(
        device, "count", lambda command_input, log: command_input, output_schema={"type": "integer"}
    )
    done, _ = await invoke(hub, device, frame("count", "many", streamLog=False))
    assert done["error"] == (
        "Command output does not satisfy its declared schema: 'many' is not of type 'integer' "
        "(at `$`)"
    )
    done, _ = await invoke(hub, device, frame("count", 3))
    assert done["output"] == 3


@pytest.mark.asyncio
async def test_output_that_is_not_json(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "odd", lambda command_input, log: object())
    done, _ = await invoke(hub, device, frame("odd"))
    assert done["error"].startswith("Command `odd` returned a value that is not JSON: ")


# Malformed Invoke frames.


@pytest.mark.parametrize(
    ("sent", "error"),
    [
        ("not json", "Invalid Invoke frame: The frame is not valid JSON: Expecting value"),
        ("[1]", "Invalid Invoke frame: The frame must be a JSON object, got an array."),
        ('{"type":"Invoke","command":"a","command":"b","input":1}', "Duplicate key `command`"),
        ({"type": "Invoke", "input": 1}, "Object missing required field `command` (at `$`)"),
        ({"type": "Invoke", "command": "echo"}, "Object missing required field `input`"),
        ({"command": "echo", "input": 1}, "Object missing required field `type`"),
        (frame("echo") | {"type": "Run"}, "Invalid value 'Run' (at `$.type`)"),
        (frame("echo", timeoutSecs=-1), "Expected `int` >= 0 (at `$.timeoutSecs`)"),
        (frame("echo", timeoutSecs=2**32), "Expected `int` <= 4294967295"),
        (frame("echo", timeoutSecs="5"), "Expected `int | null`, got `str`"),
        (frame("echo", streamLog="yes"), "Expected `bool | null`, got `str`"),
        (frame(7), "Expected `str`, got `int` (at `$.command`)"),  # type: ignore[arg-type]
        (b'{"type":"Invoke","command":"echo","input":1}', MSG_COMMAND_BINARY_FRAME),
    ],
)
@pytest.mark.asyncio
async def test_a_malformed_frame_is_an_error_done(
    hub: Hub, device: str, sent: Any, error: str
) -> None:
    ran: list[Any] = []
    hub.devices.on_command(device, "echo", lambda command_input, log: ran.append(1))
    done, _ = await invoke(hub, device, sent)
    assert done["status"] == "Error"
    assert error in done["error"]
    assert ran == []
    assert hub.journal[-1].status == 400


@pytest.mark.asyncio
async def test_null_options_and_unknown_fields_are_accepted(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "echo", echo)
    sent = frame("echo", 1, streamLog=None, timeoutSecs=None, future="field")
    done, _ = await invoke(hub, device, sent)
    assert done["output"] == 1


@pytest.mark.asyncio
async def test_a_strict_hub_refuses_unknown_frame_fields(device: str, hub: Hub) -> None:
    strict = Hub(strict=True)
    device_id = make_device(strict, make_project(strict))
    connect(strict, device_id)
    strict.devices.on_command(device_id, "echo", echo)
    done, _ = await invoke(strict, device_id, frame("echo", 1, future="field"))
    assert done["error"] == (
        "Invalid Invoke frame: Unknown field `future` (the hub runs in strict mode). (at `$`)"
    )


# Timeouts on a frozen clock: the hub clock decides.


def advancing(hub: Hub, seconds: float) -> Callable[..., Any]:
    def handler(command_input: Any, log: Callable[..., None]) -> Any:
        log("started")
        hub.clock.advance(seconds)
        return "finished"

    return handler


@pytest.mark.parametrize(
    ("advance", "timeout", "timed_out"),
    [(4.999, 5, False), (5, 5, True), (6, 5, True), (29.9, None, False)],
)
@pytest.mark.asyncio
async def test_the_invocation_times_out_once_the_clock_reaches_the_timeout(
    hub: Hub, device: str, advance: float, timeout: int | None, timed_out: bool
) -> None:
    hub.devices.on_command(device, "slow", advancing(hub, advance))
    done, _ = await invoke(hub, device, frame("slow", timeoutSecs=timeout))
    if timed_out:
        assert done == error_done(
            f"Command `slow` timed out after {timeout}s.", ["started"], int(advance * 1000)
        )
        assert hub.journal[-1].status == 504
    else:
        assert done["status"] == "Ok"


@pytest.mark.asyncio
async def test_a_timeout_of_0_always_times_out(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "quick", echo)
    done, _ = await invoke(hub, device, frame("quick", timeoutSecs=0))
    assert done == error_done("Command `quick` timed out after 0s.")
    hub.devices.on_command(device, "quick", advancing(hub, 0))
    done, _ = await invoke(hub, device, frame("quick", timeoutSecs=0))
    assert done == error_done("Command `quick` timed out after 0s.")  # even its first log


@pytest.mark.asyncio
async def test_the_default_timeout_is_30_seconds(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "slow", advancing(hub, 30))
    done, _ = await invoke(hub, device, frame("slow"))
    assert done["error"] == "Command `slow` timed out after 30s."


@pytest.mark.asyncio
async def test_the_commands_own_timeout_applies_unless_the_caller_sends_one(
    hub: Hub, device: str
) -> None:
    hub.devices.on_command(device, "slow", advancing(hub, 60), timeout_secs=120)
    done, _ = await invoke(hub, device, frame("slow"))
    assert done["status"] == "Ok"
    done, _ = await invoke(hub, device, frame("slow", timeoutSecs=10))
    assert done["error"] == "Command `slow` timed out after 10s."


@pytest.mark.asyncio
async def test_timeouts_are_capped_at_an_hour(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "slow", advancing(hub, 3600))
    done, _ = await invoke(hub, device, frame("slow", timeoutSecs=10**6))
    assert done["error"] == "Command `slow` timed out after 3600s."


@pytest.mark.asyncio
async def test_a_log_call_past_the_deadline_ends_the_handler(hub: Hub, device: str) -> None:
    reached: list[str] = []

    def handler(command_input: Any, log: Callable[..., None]) -> Any:
        log("before")
        hub.clock.advance(10)
        try:
            log("after")
        except Exception:  # the timeout is no Exception: handlers cannot swallow it
            reached.append("swallowed")
        reached.append("continued")
        return "finished"

    hub.devices.on_command(device, "slow", handler)
    done, logs = await invoke(hub, device, frame("slow", streamLog=True, timeoutSecs=5))
    assert done == error_done("Command `slow` timed out after 5s.", ["before"], 10_000)
    assert logs == [{"type": "Log", "lines": ["before"]}]
    assert reached == []


@pytest.mark.asyncio
async def test_an_async_handler_times_out_on_its_log_call(hub: Hub, device: str) -> None:
    async def handler(command_input: Any, log: Callable[..., None]) -> Any:
        hub.clock.advance(3)
        log("too late")
        raise AssertionError("not reached")

    hub.devices.on_command(device, "slow", handler)
    done, _ = await invoke(hub, device, frame("slow", timeoutSecs=2))
    assert done == error_done("Command `slow` timed out after 2s.", [], 3000)


# Timeouts on a system clock: a real asyncio timeout ends the wait.


@pytest.mark.asyncio
async def test_a_system_clock_times_out_a_handler_that_never_returns() -> None:
    hub = Hub(frozen_clock=False)
    device = make_device(hub, make_project(hub))
    connect(hub, device)

    async def forever(command_input: Any, log: Callable[..., None]) -> Any:
        await asyncio.Event().wait()

    hub.devices.on_command(device, "forever", forever)
    done, _ = await invoke(hub, device, frame("forever", timeoutSecs=0))
    assert (done["status"], done["error"]) == ("Error", "Command `forever` timed out after 0s.")
    assert done["durationMs"] >= 0


@pytest.mark.asyncio
async def test_a_system_clock_abandons_a_blocked_sync_handler() -> None:
    hub = Hub(frozen_clock=False)
    device = make_device(hub, make_project(hub))
    connect(hub, device)
    release, finished = threading.Event(), threading.Event()
    after_release: list[str] = []

    def blocked(command_input: Any, log: Callable[..., None]) -> Any:
        release.wait()
        try:
            log("late")
        except BaseException as error:  # the abandoned thread learns it timed out
            after_release.append(type(error).__name__)
        finished.set()

    hub.devices.on_command(device, "blocked", blocked)
    try:
        done, _ = await invoke(hub, device, frame("blocked", timeoutSecs=0, streamLog=True))
    finally:
        release.set()  # whatever happened, the worker thread must not outlive the test
    assert done["error"] == "Command `blocked` timed out after 0s."
    assert finished.wait(10)
    assert after_release == ["TimedOut"]


@pytest.mark.asyncio
async def test_a_system_clock_lets_a_quick_handler_finish() -> None:
    hub = Hub(frozen_clock=False)
    device = make_device(hub, make_project(hub))
    connect(hub, device)
    hub.devices.on_command(device, "echo", echo)
    done, _ = await invoke(hub, device, frame("echo", "hi", timeoutSecs=60))
    assert (done["status"], done["output"]) == ("Ok", "hi")
    assert 0 <= done["durationMs"] < 60_000


# Who may invoke: whoever may list the device's commands.


@pytest.mark.asyncio
async def test_unknown_credentials_are_refused_and_journaled(hub: Hub, device: str) -> None:
    sent = frame("echo")
    error = await refused(hub, device, sent, Credentials("u_sk_" + "1" * 66), "Forbidden", 401)
    assert error.message == MSG_UNKNOWN_TOKEN
    entry = hub.journal[-1]
    assert (entry.action, entry.status, entry.actor) == (COMMAND_ACTION, 401, None)
    assert entry.input == {"deviceId": device, **sent}
    assert entry.output == {"kind": "Forbidden", "message": MSG_UNKNOWN_TOKEN}


async def refused(
    hub: Hub, device_id: str, sent: Any, credentials: Credentials, kind: str, status: int
) -> ActionError:
    with pytest.raises(ActionError) as raised:
        await hub.commands.invoke(credentials, device_id, sent)
    error = raised.value
    assert (error.kind, error.status) == (kind, status), error
    return error


@pytest.mark.asyncio
async def test_anonymous_callers_are_refused(hub: Hub, device: str) -> None:
    error = await refused(hub, device, frame("echo"), Credentials(), "Forbidden", 401)
    assert error.message == MSG_NO_CREDENTIALS


@pytest.mark.asyncio
async def test_a_malformed_device_id_is_refused(hub: Hub) -> None:
    error = await refused(
        hub, "d_short", frame("echo"), Credentials(hub.admin_token), "Invalid", 400
    )
    assert error.message == (
        "Expected a device ID: `d_` followed by 22 base58 characters. (at `$.deviceId`)"
    )


@pytest.mark.asyncio
async def test_a_missing_device_is_refused(hub: Hub) -> None:
    missing = "d_" + "1" * 22
    error = await refused(
        hub, missing, frame("echo"), Credentials(hub.admin_token), "Forbidden", 404
    )
    assert error.message == MSG_ENTITY_NOT_FOUND.format(entity="Device", entity_id=missing)


@pytest.mark.asyncio
async def test_a_device_of_another_organization_is_not_found(hub: Hub, device: str) -> None:
    other = make_organization(hub)
    _, token = hub.create_user("outsider@example.com", organization_id=other)
    await refused(hub, device, frame("echo"), Credentials(token), "Forbidden", 404)


@pytest.mark.asyncio
@pytest.mark.parametrize("role", ["member", "organization admin", "organization token"])
async def test_organization_members_and_tokens_may_invoke(hub: Hub, device: str, role: str) -> None:
    if role == "organization token":
        token = hub.create_organization_api_token(hub.default_organization_id)
    else:
        _, token = hub.create_user(
            "user@example.com",
            organization_id=hub.default_organization_id,
            organization_admin=role == "organization admin",
        )
    hub.devices.on_command(device, "echo", echo)
    done, _ = await invoke(hub, device, frame("echo", role), Credentials(token))
    assert done["output"] == role
    expected = OrganizationApiTokenActor if role == "organization token" else UserTokenActor
    assert isinstance(hub.journal[-1].actor, expected)


@pytest.mark.asyncio
async def test_a_device_may_not_invoke_commands_not_even_on_itself(hub: Hub, project: str) -> None:
    _, deployment = make_token(hub, project, auto_accept=True)
    device_fingerprint = fingerprint()
    credentials = Credentials(deployment, device_fingerprint)
    actor = hub.as_device(deployment, device_fingerprint).actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    device_id = actor.device_id
    connect(hub, device_id)
    error = await refused(hub, device_id, frame("echo"), credentials, "Forbidden", 403)
    assert error.message == (
        f"Device {device_id} may not invoke `devices_InvokeCommand` (devices may not)."
    )


# The journal.


@pytest.mark.asyncio
async def test_every_invocation_is_journaled_with_its_outcome(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "echo", echo)
    hub.devices.on_command(device, "broken", lambda command_input, log: 1 / 0)
    hub.devices.on_command(device, "slow", advancing(hub, 9))
    calls = [
        (frame("echo", 1), 200),
        ("{", 400),
        (frame("missing"), 404),
        (frame("broken"), 502),
        (frame("slow", timeoutSecs=1), 504),
    ]
    for sent, _ in calls:
        await invoke(hub, device, sent)
    offline = make_device(hub, make_project(hub, "other"))
    await invoke(hub, offline, frame("echo"))
    entries = hub.journal.calls(COMMAND_ACTION)
    assert [entry.status for entry in entries] == [status for _, status in calls] + [503]
    first = entries[0]
    assert first.input == {"deviceId": device, **frame("echo", 1)}
    assert first.output == {
        "type": "Done",
        "status": "Ok",
        "output": 1,
        "logTail": [],
        "durationMs": 0,
    }
    assert isinstance(first.actor, UserTokenActor)
    assert first.actor.user_id == hub.admin_user_id
    assert entries[1].input["reason"].startswith("not JSON")
    assert entries[3].output["error"] == "division by zero"
    hub.journal.assert_called(COMMAND_ACTION, times=1, where={"command": "slow"}, status=504)
    hub.journal.assert_called(COMMAND_ACTION, times=4, where={"deviceId": device})


@pytest.mark.asyncio
async def test_the_journal_time_is_the_invoke_time(hub: Hub, device: str) -> None:
    hub.devices.on_command(device, "slow", advancing(hub, 3))
    before = hub.clock.now()
    await invoke(hub, device, frame("slow"))
    assert hub.journal[-1].time == before


# Faults.


@pytest.mark.asyncio
async def test_an_injected_fault_answers_instead_of_the_device(hub: Hub, device: str) -> None:
    ran: list[Any] = []
    hub.devices.on_command(device, "echo", lambda command_input, log: ran.append(1))
    hub.faults.inject(COMMAND_ACTION, kind="Internal", device_id=device)
    done, _ = await invoke(hub, device, frame("echo"))
    assert done == error_done("Injected fault: `devices_InvokeCommand` failed with Internal.")
    entry = hub.journal[-1]
    assert (entry.status, entry.fault_injected) == (500, True)
    assert ran == []
    done, _ = await invoke(hub, device, frame("echo"))  # times defaults to 1
    assert done["status"] == "Ok"
    assert not hub.journal[-1].fault_injected


@pytest.mark.asyncio
async def test_a_fault_targets_its_device_and_project(hub: Hub, device: str, project: str) -> None:
    other_project = make_project(hub, "other")
    other = make_device(hub, other_project)
    connect(hub, other)
    for device_id in (device, other):
        hub.devices.on_command(device_id, "echo", echo)
    hub.faults.inject(COMMAND_ACTION, kind="RateLimited", message="slow down", device_id=other)
    hub.faults.inject(COMMAND_ACTION, kind="Forbidden", status=403, project_id=other_project)
    done, _ = await invoke(hub, device, frame("echo", 1))
    assert done["status"] == "Ok"
    done, _ = await invoke(hub, other, frame("echo", 1))
    assert done["error"] == "slow down"
    assert hub.journal[-1].status == 429
    done, _ = await invoke(hub, other, frame("echo", 1))
    assert done["error"] == "Injected fault: `devices_InvokeCommand` failed with Forbidden."
    assert hub.journal[-1].status == 403


@pytest.mark.asyncio
async def test_an_every_action_fault_hits_commands_too(hub: Hub, device: str) -> None:
    hub.faults.inject("*", kind="Internal")
    done, _ = await invoke(hub, device, frame("echo"))
    assert done["error"] == "Injected fault: `devices_InvokeCommand` failed with Internal."


@pytest.mark.asyncio
async def test_a_fault_with_its_own_answer_carries_its_status_and_message(
    hub: Hub, device: str
) -> None:
    hub.faults.inject(COMMAND_ACTION, status=503, body={"a": 1}, headers={"Retry-After": "1"})
    done, _ = await invoke(hub, device, frame("echo"))
    assert done == error_done("Injected fault: `devices_InvokeCommand` answered 503.")
    assert (hub.journal[-1].status, hub.journal[-1].fault_injected) == (503, True)


@pytest.mark.asyncio
async def test_faults_do_not_fire_on_refused_or_malformed_invocations(
    hub: Hub, device: str
) -> None:
    fault = hub.faults.inject(COMMAND_ACTION, kind="Internal")
    await refused(hub, device, frame("echo"), Credentials(), "Forbidden", 401)
    await invoke(hub, device, "{")
    assert fault.fired == 0
    assert hub.faults.active() == [fault]
    assert fault.to_json()["action"] == COMMAND_ACTION


@pytest.mark.asyncio
async def test_a_latency_fault_delays_the_done_frame() -> None:
    hub = Hub(frozen_clock=False)
    device = make_device(hub, make_project(hub))
    connect(hub, device)
    hub.devices.on_command(device, "echo", echo)
    hub.faults.inject(COMMAND_ACTION, latency_secs=0.05)
    done, _ = await invoke(hub, device, frame("echo", "late"))
    assert (done["status"], done["output"]) == ("Ok", "late")
    assert done["durationMs"] >= 50
    assert hub.journal[-1].fault_injected


def test_other_unknown_fault_actions_are_still_refused(hub: Hub) -> None:
    with pytest.raises(InvalidError, match="Cannot inject a fault into `devices_InvokeSome`"):
        hub.faults.inject("devices_InvokeSome", kind="Internal")
    fault = hub.faults.inject_json({"action": COMMAND_ACTION, "kind": "Internal"})
    assert fault.action == COMMAND_ACTION


# The pytest plugin's helper.


def test_the_nexigon_device_factory(nexigon_hub: Hub, nexigon_device: Any) -> None:
    first = nexigon_device(name="gateway")
    second = nexigon_device(connected=False)
    elsewhere = nexigon_device(project_id=make_project(nexigon_hub, "elsewhere"))
    assert first.project_id == second.project_id != elsewhere.project_id
    details = nexigon_hub.devices.get_details(device_id=first.device_id)
    assert (details.name, details.is_connected) == ("gateway", True)
    assert not nexigon_hub.devices.get_details(device_id=second.device_id).is_connected
    first.disconnect()
    assert not nexigon_hub.devices.get_details(device_id=first.device_id).is_connected
    second.connect()
    assert nexigon_hub.devices.get_details(device_id=second.device_id).is_connected

    @second.command("ping", description="Answer pong")
    def ping(command_input: Any, log: Callable[..., None]) -> Any:
        return "pong"

    second.on_command("pong", ping)
    assert manifest(nexigon_hub, second.device_id) == [
        {"name": "ping", "description": "Answer pong"},
        {"name": "pong"},
    ]
    assert second.remove_command("ping") is True
    assert nexigon_hub.commands.names(second.device_id) == ["pong"]
