"""Device commands: how simulated devices answer ``/api/v1/connect/command/{deviceId}``.

A test declares what a device does with ``hub.devices.on_command(device_id, name, handler)``:
the handler gets the command's input and a ``log`` function, and returns the output or raises
to report an error. Registering keeps the device's ``dev.nexigon.commands`` manifest in step,
as the agent publishes it, so ``devices_QueryCommands`` lists exactly the registered handlers.

``Commands.invoke`` is one whole invocation without the WebSocket, so the app only moves
frames: who may invoke, the Invoke frame, faults, the device's answer, the Done frame and the
journal entry. Handlers run outside the hub's lock, so they may call the hub themselves.

Where SEMANTICS.md §1.5 leaves the Hub's behaviour open, the fake decides, following the agent
(``nexigon-agent`` ``handlers.rs``) where it has an answer:

- Who may invoke: whoever may ``devices_QueryCommands`` the device (members of its
  organization, organization API tokens, instance admins); devices may not, not even on
  themselves. Refusals end the WebSocket (see ``app.py``) instead of a Done frame.
- Every other failure is a Done frame with ``status: "Error"``, checked in this order: a
  malformed Invoke frame, an injected fault, an offline device (no open connection), an
  invalid command name, an unknown command, input against the declared input schema. Then the
  handler runs; it fails when it raises, returns what is not JSON or breaks its output schema,
  or times out.
- Timeouts: ``timeoutSecs``, else the command's ``timeout_secs``, else 30 s, at most an hour
  (the agent's rules). The invocation has timed out once the hub clock has moved that far since
  the Invoke frame: checked when the handler returns and on every ``log`` call (which then
  raises, ending the handler as the agent kills the process). On a frozen clock only moving
  the clock times out; on a system clock a real ``asyncio`` timeout ends the wait too (a sync
  handler's thread cannot be stopped, it is abandoned). A timeout of 0 always times out.
- ``durationMs`` is hub clock at Done minus hub clock at Invoke; the log tail keeps the last
  8 KiB of log lines; ``error`` is cut to 4,096 characters (V@HEAD).
- The journal records each invocation as ``devices_InvokeCommand`` (``COMMAND_ACTION``): no
  upstream action has that name, and the action table never serves it. Input is the Invoke
  frame with the URL's ``deviceId`` added, output the Done frame (or the refusal's error),
  status 200 for Ok, else the ``STATUS_*`` below (the hub as a gateway to the device), an
  injected fault's or a refusal's own. Faults may target that name (``*`` faults hit it too).
- Handlers are test set-up, not hub state: snapshots leave them out, ``restore`` keeps them,
  ``reset`` and ``reset_to`` forget them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from nexigon_fake import pipeline
from nexigon_fake.actions import ACTIONS
from nexigon_fake.clock import Clock
from nexigon_fake.commands.definitions import (
    COMMAND_NAME,
    DEFAULT_TIMEOUT_SECS,
    CommandHandler,
    DoneFrame,
    InvokeFrame,
    RegisteredCommand,
    check_registration,
    decode_frame,
    read_frame,
    schema_violation,
    timeout_for,
)
from nexigon_fake.commands.running import (
    HandlerLog,
    SendFrame,
    TimedOut,
    call_handler,
    pump_log,
)
from nexigon_fake.errors import (
    MSG_COMMAND_BAD_FRAME,
    MSG_COMMAND_BAD_INPUT,
    MSG_COMMAND_BAD_NAME,
    MSG_COMMAND_BAD_OUTPUT,
    MSG_COMMAND_NOT_FOUND,
    MSG_COMMAND_OFFLINE,
    MSG_COMMAND_ONLY_IN_MANIFEST,
    MSG_COMMAND_OUTPUT_NOT_JSON,
    MSG_COMMAND_TIMED_OUT,
    ActionError,
    InvalidError,
)
from nexigon_fake.pipeline import PipelineHost
from nexigon_fake.state import derived
from nexigon_fake.state.properties import remove_property, set_property
from nexigon_fake.state.storage import property_codec
from nexigon_fake.state.store import Context
from nexigon_fake.state.target import Target
from nexigon_fake.toolkit.faults import COMMAND_ACTION, Firing
from nexigon_fake.wire.actor import Actor, SystemActor
from nexigon_fake.wire.credentials import Credentials
from nexigon_fake.wire.decoding import decode_input
from nexigon_fake.wire.devices import (
    QueryDeviceCommandsAction,
    RemoveDevicePropertyAction,
    SetDevicePropertyAction,
)


class CommandHost(PipelineHost, Protocol):
    """What commands need of a hub besides the pipeline's: its clock and admin token."""

    clock: Clock
    admin_token: str


MAX_ERROR_CHARS = 4096

# Journal statuses of the outcomes (the hub stands between caller and device, as a gateway).
STATUS_OK = 200
STATUS_INVALID = 400  # malformed Invoke frame, invalid command name, input against its schema
STATUS_UNKNOWN_COMMAND = 404
STATUS_DEVICE_ERROR = 502  # the handler raised, or its output is not JSON or not its schema
STATUS_OFFLINE = 503
STATUS_TIMED_OUT = 504

# Who may invoke: exactly who may list the device's commands.
INVOKE_RULE = ACTIONS["devices_QueryCommands"].rule


@dataclass(slots=True)
class _Invocation:
    """One invocation between the Invoke frame and the Done frame."""

    started: dt.datetime
    actor: Actor
    input_json: bytes
    device_id: str
    target: Target
    frame: InvokeFrame | None = None
    firing: Firing | None = None
    command: RegisteredCommand | None = None
    timeout_secs: int = DEFAULT_TIMEOUT_SECS
    status: int = STATUS_OK
    error: str | None = None
    output: Any = None
    log_tail: list[str] = field(default_factory=list)

    def fail(self, status: int, error: str) -> None:
        self.status, self.error = status, error


class Commands:
    """The command handlers of one hub's simulated devices (``hub.commands``)."""

    def __init__(self, hub: CommandHost) -> None:
        self._hub = hub
        self._handlers: dict[str, dict[str, RegisteredCommand]] = {}

    # Declaring handlers.

    def on_command(
        self,
        device_id: str,
        name: str,
        handler: CommandHandler,
        *,
        description: str | None = None,
        category: str | None = None,
        input_schema: Any = None,
        output_schema: Any = None,
        timeout_secs: int | None = None,
    ) -> None:
        """Let the device answer ``name`` with ``handler(input, log)`` (replacing any before).

        ``log(*lines)`` records log lines; the return value is the output; an exception is the
        error (its message). Handlers may be ``async``; sync ones run in a worker thread.
        ``timeout_secs`` is the command's own timeout, used when the caller sends none.
        Raises ``NotFoundError`` for an unknown device, ``InvalidError`` for a bad name or schema.
        """
        command = check_registration(
            name, handler, description, category, input_schema, output_schema, timeout_secs
        )
        with self._hub.lock:
            self._hub.store.device(device_id)
            self._handlers.setdefault(device_id, {})[name] = command
            self._publish(device_id)

    def remove_command(self, device_id: str, name: str) -> bool:
        """Forget a handler (and drop it from the manifest); whether there was one."""
        with self._hub.lock:
            commands = self._handlers.get(device_id)
            if commands is None or commands.pop(name, None) is None:
                return False
            if not commands:
                del self._handlers[device_id]
            if device_id in self._hub.store.devices:
                self._publish(device_id)
            return True

    def names(self, device_id: str) -> list[str]:
        """The commands the device has handlers for, sorted."""
        with self._hub.lock:
            return sorted(self._handlers.get(device_id, {}))

    def registered(self, device_id: str, name: str) -> RegisteredCommand | None:
        """The device's handler of ``name``, as registered; None when it has none."""
        with self._hub.lock:
            return self._handlers.get(device_id, {}).get(name)

    def clear(self) -> None:
        """Forget every handler (manifests stay: they are state)."""
        with self._hub.lock:
            self._handlers.clear()

    def _publish(self, device_id: str) -> None:
        """Write the manifest as the agent does: every command, sorted; none -> no property."""
        store = self._hub.store
        device = store.device(device_id)
        commands = self._handlers.get(device_id, {})
        current = property_codec.read(device, derived.COMMANDS_PROPERTY)
        if not commands:
            if current is not None:
                remove_property(
                    Context(store, SystemActor(), "devices_RemoveProperty"),
                    RemoveDevicePropertyAction(device_id=device_id, name=derived.COMMANDS_PROPERTY),
                )
            return
        manifest = {"commands": [commands[name].descriptor() for name in sorted(commands)]}
        if current is not None and current.value == manifest:
            return
        set_property(
            Context(store, SystemActor(), "devices_SetProperty"),
            SetDevicePropertyAction(
                device_id=device_id, name=derived.COMMANDS_PROPERTY, value=manifest
            ),
        )

    # Invoking.

    async def invoke(
        self,
        credentials: Credentials | None,
        device_id: str,
        frame: str | bytes | Mapping[str, Any],
        send_log: SendFrame | None = None,
    ) -> dict[str, Any]:
        """Run one invocation; the Done frame as JSON data. Log frames go to ``send_log``.

        ``frame`` is the Invoke frame: ``str`` as a text frame, ``bytes`` as a binary frame
        (refused: it must be text), or JSON data. ``credentials`` ``None`` acts as the instance
        administrator. Raises ``ActionError`` when the caller is refused (unknown credentials,
        malformed device id, a device it may not use); that is journaled too.
        """
        if credentials is None:
            credentials = Credentials(self._hub.admin_token)
        invocation = self._begin(credentials, device_id, frame)
        if invocation.error is None:
            await self._run(invocation, send_log)
        if invocation.firing is not None and invocation.firing.latency_secs > 0:
            await asyncio.sleep(invocation.firing.latency_secs)
        return self._finish(invocation)

    def _begin(
        self, credentials: Credentials, device_id: str, frame: str | bytes | Mapping[str, Any]
    ) -> _Invocation:
        """Everything decided before the handler runs, under the lock."""
        hub = self._hub
        with hub.lock:
            store = hub.store
            pipeline.drive_due(store)  # commands are calls too (D19)
            started = hub.clock.now()
            data, frame_error, input_json = read_frame(frame, device_id)
            actor: Actor | None = None
            try:
                actor = pipeline.authenticate_caller(store, credentials)
                request = decode_input(
                    QueryDeviceCommandsAction, {"deviceId": device_id}, strict=False
                )
                target = pipeline.target_of(store, INVOKE_RULE, request)
                pipeline.authorize(store, actor, COMMAND_ACTION, INVOKE_RULE, target)
            except ActionError as error:
                pipeline.journal_refusal(
                    hub, COMMAND_ACTION, input_json, error, actor=actor, started=started
                )
                raise
            invocation = _Invocation(started, actor, input_json, device_id, target)
            if data is not None:
                try:
                    invocation.frame = decode_frame(data, strict=hub.strict)
                except InvalidError as error:
                    frame_error = MSG_COMMAND_BAD_FRAME.format(detail=error.message)
            if invocation.frame is None:
                invocation.fail(STATUS_INVALID, frame_error or "")
                return invocation
            self._prepare(invocation, invocation.frame)
            return invocation

    def record_refused(
        self, device_id: str, frame: str | bytes | Mapping[str, Any], error: ActionError
    ) -> None:
        """Journal an invocation refused before the hub saw it (a malformed header)."""
        input_json = read_frame(frame, device_id)[2]
        pipeline.journal_refusal(self._hub, COMMAND_ACTION, input_json, error)

    def _prepare(self, invocation: _Invocation, frame: InvokeFrame) -> None:
        hub = self._hub
        device_id, name = invocation.device_id, frame.command
        firing = pipeline.draw_faults(hub, COMMAND_ACTION, invocation.target, pipeline.NORMAL)
        invocation.firing = firing
        device = hub.store.devices[device_id]
        registered = self._handlers.get(device_id, {}).get(name)
        invocation.timeout_secs = timeout_for(frame.timeout_secs, registered)
        if firing is not None and firing.error is not None:
            invocation.fail(firing.error.status, firing.error.message)
        elif not derived.is_connected(device):
            invocation.fail(
                STATUS_OFFLINE, MSG_COMMAND_OFFLINE.format(device_id=device_id, command=name)
            )
        elif not COMMAND_NAME.fullmatch(name):
            invocation.fail(STATUS_INVALID, MSG_COMMAND_BAD_NAME.format(command=name))
        elif registered is None:
            listed = any(c.name == name for c in derived.command_manifest(device).commands)
            hint = MSG_COMMAND_ONLY_IN_MANIFEST if listed else ""
            message = MSG_COMMAND_NOT_FOUND.format(command=name, device_id=device_id, hint=hint)
            invocation.fail(STATUS_UNKNOWN_COMMAND, message)
        else:
            violation = schema_violation(registered.input_validator, frame.input)
            if violation is not None:
                invocation.fail(STATUS_INVALID, MSG_COMMAND_BAD_INPUT.format(detail=violation))
            else:
                invocation.command = registered

    async def _run(self, invocation: _Invocation, send_log: SendFrame | None) -> None:
        """Run the handler outside the lock, streaming its log; record how it ended."""
        command, frame = invocation.command, invocation.frame
        assert command is not None and frame is not None
        clock = self._hub.clock
        deadline = invocation.started + dt.timedelta(seconds=invocation.timeout_secs)
        log = HandlerLog(clock.now, deadline, bool(frame.stream_log), asyncio.get_running_loop())
        pump = asyncio.create_task(pump_log(log.queue, send_log))
        scope = asyncio.timeout(None if clock.frozen else invocation.timeout_secs)
        result: Any = None
        failure: Exception | None = None
        timed_out = False
        try:
            async with scope:
                result = await call_handler(command.handler, frame.input, log)
        except TimedOut:
            timed_out = True
        except Exception as error:
            if scope.expired():
                timed_out = True
            else:
                failure = error
        finally:
            log.close(timed_out)
            await pump
        invocation.log_tail = log.tail()
        if timed_out or log.timed_out or clock.now() >= deadline:
            message = MSG_COMMAND_TIMED_OUT.format(
                command=command.name, timeout_secs=invocation.timeout_secs
            )
            invocation.fail(STATUS_TIMED_OUT, message)
        elif failure is not None:
            invocation.fail(STATUS_DEVICE_ERROR, str(failure) or type(failure).__name__)
        else:
            self._accept_output(invocation, command, result)

    def _accept_output(
        self, invocation: _Invocation, command: RegisteredCommand, result: Any
    ) -> None:
        try:  # as JSON data: tuples become lists, structs and dataclasses objects
            output = msgspec.json.decode(msgspec.json.encode(result))
        except (TypeError, ValueError, OverflowError, RecursionError) as error:
            message = MSG_COMMAND_OUTPUT_NOT_JSON.format(command=command.name, detail=error)
            invocation.fail(STATUS_DEVICE_ERROR, message)
            return
        violation = schema_violation(command.output_validator, output)
        if violation is not None:
            invocation.fail(STATUS_DEVICE_ERROR, MSG_COMMAND_BAD_OUTPUT.format(detail=violation))
        else:
            invocation.output = output

    def _finish(self, invocation: _Invocation) -> dict[str, Any]:
        """The Done frame, journaled."""
        hub = self._hub
        with hub.lock:
            elapsed = hub.clock.now() - invocation.started
            ok = invocation.error is None
            done = DoneFrame(
                status="Ok" if ok else "Error",
                output=invocation.output if ok else None,
                error=None if ok else (invocation.error or "")[:MAX_ERROR_CHARS],
                log_tail=invocation.log_tail,
                duration_ms=max(0, elapsed // dt.timedelta(milliseconds=1)),
            )
            done_json = msgspec.json.encode(done)
            pipeline.journal_call(
                hub,
                pipeline.NORMAL,
                invocation.started,
                COMMAND_ACTION,
                invocation.actor,
                invocation.input_json,
                invocation.status,
                done_json,
                invocation.firing is not None,
            )
        result: dict[str, Any] = msgspec.json.decode(done_json)
        return result
