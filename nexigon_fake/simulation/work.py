"""A simulated device's operation loop, as the agent runs it (SEMANTICS-HEAD §III.4.7).

Poll ``{"deviceId", "limit": 1, "kinds": ["DeviceCommand"]}`` at the connection's 60 s ticks
and at once again after work; a poll the hub can tell would find nothing is skipped (it
changes nothing), and the device then waits, off the queue, until the hub says work may be
claimable (a step began, a lease was set). Per item the durable ledger decides: a saved
result is sent again under the new claim, a command dispatched but never finished is failed
with the agent's no-replay message, anything else runs once. Reports are retried after 1,
2, 4 and 8 s when lost in transport, never when the hub refused them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from nexigon_fake.commands.definitions import (
    LOGGED,
    Logged,
    RegisteredCommand,
    check_registration,
)
from nexigon_fake.commands.operation_agent import (
    failed,
    outcome,
    resolve_command,
    step_timeout,
)
from nexigon_fake.errors import (
    MSG_AGENT_ASYNC_UNSUPPORTED,
    MSG_AGENT_COMMANDS_DISABLED,
    MSG_AGENT_INTERRUPTED,
    MSG_AGENT_TIMED_OUT,
)
from nexigon_fake.pipeline import Answer
from nexigon_fake.simulation.context import FleetContext
from nexigon_fake.simulation.engine import output_of
from nexigon_fake.simulation.profile import CommandBehaviour
from nexigon_fake.state.operations import has_claimable_work

# What an entry on the queue asks a device to do.
CONNECT, INFO, POLL, EVENT, REACT, COMMAND_DONE, REPORT_RETRY, OFFLINE, ONLINE, CRASH = range(10)
MICROS = 1_000_000
IN_PROGRESS = "inProgress"
COMMAND_KINDS = ["DeviceCommand"]
ALL_KINDS = ["DeviceCommand", "DeviceTask"]

Report = dict[str, Any]
Key = tuple[str, int]
Progress = Callable[[Any], None]
TaskHandler = Callable[[Any, Any, Progress], Any]


class WorkingDevice(Protocol):
    """What the loop needs of its device."""

    device_id: str
    fleet: FleetContext
    connected: bool
    silent: bool
    command_error: str | None
    command_hangs: bool
    phase: int

    def work_claimable(self, at_micros: int) -> None: ...

    def send(self, action: str, payload: dict[str, Any]) -> Answer | None: ...

    def schedule(self, at: int, kind: int, always: bool = False, argument: Any = None) -> None: ...

    def now_micros(self) -> int: ...


class OperationWork:
    """The ledger, running commands and task worker of one device (made on first work)."""

    __slots__ = ("device", "ledger", "running", "task_handler")

    def __init__(self, device: WorkingDevice) -> None:
        self.device = device
        self.ledger: dict[Key, Report | str] = {}  # survives crashes, as the agent's files do
        self.running: dict[Key, tuple[str, Report]] = {}  # claim and the report it will send
        self.task_handler: TaskHandler | None = None

    def poll(self) -> None:
        """Claim and handle work until none is left or every command slot is taken."""
        device, fleet = self.device, self.device.fleet
        profile = fleet.profile
        if not device.connected or device.silent:
            return
        kinds = COMMAND_KINDS if self.task_handler is None else ALL_KINDS
        store = fleet.simulation.hub.store
        while len(self.running) < profile.max_concurrent_commands:
            if not has_claimable_work(store, device.device_id, kinds):
                fleet.counters.skipped_polls += 1
                device.phase = device.now_micros()
                return  # parked until the hub says work may be claimable
            fleet.counters.polls += 1
            payload = {"deviceId": device.device_id, "limit": 1, "kinds": kinds}
            answer = device.send("devices_ClaimOperationWork", payload)
            work = None if answer is None else output_of(answer)
            if work is None:  # lost or rejected: logged, then the idle interval
                device.phase = device.now_micros()
                device.work_claimable(device.phase)
                return
            if not work["work"]:
                device.phase = device.now_micros()
                return
            fleet.counters.claims += 1
            self._handle(work["work"][0])
            if not device.connected:
                return

    def _handle(self, item: dict[str, Any]) -> None:
        device, fleet = self.device, self.device.fleet
        key = (item["deviceOperationId"], item["stepIndex"])
        claim_id, step = item["claimId"], item["step"]
        if step["kind"] == "DeviceTask":
            self._run_task(key, claim_id, step, item.get("checkpoint"))
            return
        saved = self.ledger.get(key)
        if isinstance(saved, dict):
            fleet.counters.resent_reports += 1
            self.report(key, claim_id, saved)
            return
        if saved == IN_PROGRESS and key not in self.running:
            self._finish(key, claim_id, failed(MSG_AGENT_INTERRUPTED))
            return
        if key in self.running:
            return  # still running under an older claim: its result goes out when done
        if not fleet.profile.commands_enabled:
            self._finish(key, claim_id, failed(MSG_AGENT_COMMANDS_DISABLED))
            return
        hub = fleet.simulation.hub
        registered = hub.commands.registered(device.device_id, step["command"])
        behaviour = None
        if registered is None:
            behaviour = fleet.behaviours.get(step["command"])
            registered = fleet.commands.get(step["command"])
        command = resolve_command(step, registered)
        if isinstance(command, dict):
            self._finish(key, claim_id, command)
            return
        self.ledger[key] = IN_PROGRESS
        fleet.counters.commands_run += 1
        timeout = step_timeout(step)
        report, duration = self._execute(command, behaviour, step.get("input"), timeout)
        if duration <= 0:
            self._finish(key, claim_id, report)
            return
        self.running[key] = (claim_id, report)
        device.schedule(device.now_micros() + round(duration * MICROS), COMMAND_DONE, argument=key)

    def _execute(
        self,
        command: RegisteredCommand,
        behaviour: CommandBehaviour | None,
        command_input: Any,
        timeout: int,
    ) -> tuple[Report, float]:
        """The report the command will end with, and after how many seconds."""
        device = self.device
        timed_out = failed(MSG_AGENT_TIMED_OUT.format(secs=timeout))
        if device.command_hangs or (behaviour is not None and behaviour.hangs):
            return timed_out, timeout
        duration = 0.0 if behaviour is None else behaviour.duration_secs
        if duration >= timeout:
            return timed_out, timeout
        if device.command_error is not None:
            return failed(device.command_error), duration
        try:
            result = command.handler(command_input, _discard_log)
        except Exception as error:
            return failed(str(error) or type(error).__name__), duration
        if isinstance(result, Coroutine):
            result.close()
            return failed(MSG_AGENT_ASYNC_UNSUPPORTED), duration
        return outcome(command, result), duration

    def command_done(self, key: Key) -> None:
        claim_id, report = self.running.pop(key)
        self._finish(key, claim_id, report)
        self.poll()  # a slot is free: the agent polls at once

    def _finish(self, key: Key, claim_id: str, report: Report) -> None:
        self.ledger[key] = report
        self.report(key, claim_id, report)

    def report(self, key: Key, claim_id: str, report: Report, attempt: int = 1) -> None:
        """Send a step report; lost ones are retried with the profile's delays."""
        device, fleet = self.device, self.device.fleet
        payload = {
            "deviceId": device.device_id,
            "deviceOperationId": key[0],
            "stepIndex": key[1],
            "claimId": claim_id,
            "report": report,
        }
        answer = device.send("devices_ReportOperationStep", payload)
        if answer is None:
            delays = fleet.profile.report_retry_delays_secs
            if attempt <= len(delays):
                fleet.counters.report_retries += 1
                at = device.now_micros() + round(delays[attempt - 1] * MICROS)
                device.schedule(at, REPORT_RETRY, argument=(key, claim_id, report, attempt + 1))
            return  # given up: the claim expires, the saved result goes out under the next
        if answer.error is None:
            fleet.counters.reports += 1
            if report.get("status") != "Running":
                self.ledger.pop(key, None)  # acknowledged: the agent prunes it

    def connection_lost(self) -> None:
        """The process died with the connection: running commands are gone, the ledger
        (on disk) stays, so a re-claimed step is refused rather than run twice."""
        self.running.clear()

    def _run_task(self, key: Key, claim_id: str, step: dict[str, Any], checkpoint: Any) -> None:
        handler = self.task_handler
        assert handler is not None

        def progress(new_checkpoint: Any) -> None:
            self.report(key, claim_id, {"status": "Running", "checkpoint": new_checkpoint})

        try:
            output = handler(step.get("input"), checkpoint, progress)
        except Exception as error:
            self.report(key, claim_id, failed(str(error) or type(error).__name__))
            return
        report: Report = {"status": "Succeeded"}
        if output is not None:
            report["output"] = output
        self.report(key, claim_id, report)


def registration(behaviour: CommandBehaviour) -> RegisteredCommand:
    """The profile's command as the registry holds it (its schemas checked and compiled)."""

    def handler(_input: Any, _log: Any) -> Any:
        if behaviour.error is not None:
            raise RuntimeError(behaviour.error)
        return behaviour.output

    return check_registration(
        behaviour.name,
        handler,
        behaviour.description,
        None,
        behaviour.input_schema,
        behaviour.output_schema,
        None,
    )


def _discard_log(*lines: str) -> Logged:
    """Operation commands run with ``streamLog: false``: their log goes nowhere."""
    return LOGGED
