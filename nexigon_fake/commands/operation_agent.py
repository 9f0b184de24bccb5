"""Simulated agents: devices that take their operation work as ``nexigon-agent run`` does (D44).

A device whose agent is switched on (``hub.simulate_agent(device_id)``, off by default) is
polled after every call and every clock move: while the hub has a ``DeviceCommand`` step for
it, the agent claims it (``{"deviceId", "limit": 1, "kinds": ["DeviceCommand"]}``), runs the
device's command handler and reports the result, as the agent does (§III.4.7):

- a durable ledger keyed by operation and step: a step whose result was already reported is
  re-reported under the new claim without running again; a step dispatched but never finished
  (the agent was restarted in between, ``restart``) is failed with the agent's no-replay
  message instead of being run twice;
- the agent's error strings: ``invalid command name``, ``command not found``, ``command input
  does not satisfy its declared schema: …``, ``command output does not satisfy its declared
  schema: …``, ``command output handling failed: …``, ``command timed out after {n}s`` (at most
  an hour, whatever the step allows), ``commands not enabled``; a handler that raises fails the
  step with its exception's message, as on the WebSocket;
- at most four commands run at once.

Handlers run outside the hub's lock, so they may call the hub. A sync handler runs to its end
inside the poll. An ``async`` handler runs on the agent's own event loop, which each poll steps
a bounded number of times: one that awaits something only the test provides (an event it sets
later) stays running across polls, and one that never finishes runs into the step's deadline.
Nothing runs between polls: time-driven work happens on the hub's clock, never in a thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from nexigon_fake import pipeline
from nexigon_fake.clock import Clock
from nexigon_fake.commands.definitions import (
    COMMAND_NAME,
    LOGGED,
    MAX_TIMEOUT_SECS,
    Logged,
    RegisteredCommand,
    schema_violation,
)
from nexigon_fake.commands.invocations import Commands
from nexigon_fake.errors import (
    MSG_AGENT_BAD_INPUT,
    MSG_AGENT_BAD_NAME,
    MSG_AGENT_BAD_OUTPUT,
    MSG_AGENT_COMMANDS_DISABLED,
    MSG_AGENT_INTERRUPTED,
    MSG_AGENT_NOT_FOUND,
    MSG_AGENT_OUTPUT_FAILED,
    MSG_AGENT_TIMED_OUT,
)
from nexigon_fake.pipeline import PipelineHost
from nexigon_fake.state.operations import has_claimable_work
from nexigon_fake.wire.credentials import Credentials

AGENT_KINDS = ("DeviceCommand",)
DEFAULT_STEP_TIMEOUT_SECS = 3600  # the agent's `unwrap_or(3600)`
MAX_CONCURRENT_COMMANDS = 4
LOOP_STEPS_PER_POLL = 64  # event-loop iterations an async handler gets per poll


class AgentHost(PipelineHost, Protocol):
    """What agents need of a hub: the pipeline's parts, its clock, handlers and admin token."""

    clock: Clock
    commands: Commands
    admin_token: str


@dataclass(slots=True)
class _Running:
    """A command the agent dispatched and has not finished yet (an ``async`` handler)."""

    device_id: str
    operation_id: str
    step_index: int
    claim_id: str
    command: RegisteredCommand
    started: dt.datetime
    timeout_secs: int
    task: asyncio.Task[Any]


Report = dict[str, Any]
_IN_PROGRESS = "inProgress"


class OperationAgents:
    """The simulated agents of one hub (``hub.agents``): who is switched on, their ledgers."""

    def __init__(self, hub: AgentHost) -> None:
        self._hub = hub
        self._commands_enabled: dict[str, bool] = {}
        self._ledger: dict[tuple[str, int], Report | str] = {}
        self._running: dict[tuple[str, int], _Running] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._polling = threading.Lock()

    def enable(self, device_id: str, *, commands: bool = True) -> None:
        """Switch the device's agent on; ``commands=False`` is ``[commands] enabled = false``."""
        with self._hub.lock:
            self._hub.store.device(device_id)
            self._commands_enabled[device_id] = commands
        self.poll()

    def disable(self, device_id: str) -> None:
        """Switch it off: no more polls; commands still running are abandoned (not reported)."""
        with self._hub.lock:
            self._commands_enabled.pop(device_id, None)
            for key in [k for k, r in self._running.items() if r.device_id == device_id]:
                self._running.pop(key).task.cancel()

    def restart(self, device_id: str) -> None:
        """The agent process restarts: running commands die; the durable ledger stays."""
        with self._hub.lock:
            for key in [k for k, r in self._running.items() if r.device_id == device_id]:
                self._running.pop(key).task.cancel()

    def enabled(self, device_id: str) -> bool:
        return device_id in self._commands_enabled

    def clear(self) -> None:
        """Forget every agent, ledger and running command (``reset``)."""
        with self._hub.lock:
            for running in self._running.values():
                running.task.cancel()
            self._commands_enabled.clear()
            self._ledger.clear()
            self._running.clear()
            self._close_loop()

    # Polling.

    def poll(self) -> None:
        """Let every switched-on agent finish and take work, until none is left to take."""
        if not self._commands_enabled or not self._polling.acquire(blocking=False):
            return  # nobody simulated, or a poll is under way (a handler called the hub)
        try:
            took = True
            while took:  # work one device reports can release for another (a fleet's stage)
                self._step_loop()
                took = False
                for device_id in sorted(self._commands_enabled):
                    self._finish_running(device_id)
                    took = self._take_work(device_id) or took
            if not self._running:
                self._close_loop()
        finally:
            self._polling.release()

    def _take_work(self, device_id: str) -> bool:
        """Claim and handle the device's work until none is left; whether it took any."""
        hub = self._hub
        took = False
        while True:
            with hub.lock:
                if device_id not in self._commands_enabled:
                    return took
                busy = sum(1 for r in self._running.values() if r.device_id == device_id)
                if busy >= MAX_CONCURRENT_COMMANDS:
                    return took
                if not has_claimable_work(hub.store, device_id, AGENT_KINDS):
                    return took
            work = self._call(
                "devices_ClaimOperationWork",
                {"deviceId": device_id, "limit": 1, "kinds": list(AGENT_KINDS)},
            )
            items = [] if work is None else work["work"]
            if not items:
                return took  # a claim refused or empty: the agent sleeps until the next poll
            self._handle(device_id, items[0])
            took = True

    def _handle(self, device_id: str, item: dict[str, Any]) -> None:
        operation_id, index, claim_id = (
            item["deviceOperationId"],
            item["stepIndex"],
            item["claimId"],
        )
        key = (operation_id, index)
        saved = self._ledger.get(key)
        if isinstance(saved, dict):
            self._report(device_id, operation_id, index, claim_id, saved)
            return
        if saved == _IN_PROGRESS and key not in self._running:
            self._finish(device_id, key, claim_id, failed(MSG_AGENT_INTERRUPTED))
            return
        if not self._commands_enabled.get(device_id, False):
            self._finish(device_id, key, claim_id, failed(MSG_AGENT_COMMANDS_DISABLED))
            return
        step = item["step"]
        command_input = step.get("input")
        timeout = step_timeout(step)
        found = self._hub.commands.registered(device_id, step["command"])
        registered = resolve_command(step, found)
        if isinstance(registered, dict):
            self._finish(device_id, key, claim_id, registered)
            return
        self._ledger[key] = _IN_PROGRESS
        started = self._hub.clock.now()
        try:
            result = registered.handler(command_input, _discard_log)
        except Exception as error:
            self._finish(device_id, key, claim_id, failed(str(error) or type(error).__name__))
            return
        if not isinstance(result, Coroutine):
            report = self._outcome(registered, timeout, started, result)
            self._finish(device_id, key, claim_id, report)
            return
        task = self._event_loop().create_task(result)
        self._running[key] = _Running(
            device_id, operation_id, index, claim_id, registered, started, timeout, task
        )
        self._step_loop()
        self._finish_running(device_id)

    def _finish_running(self, device_id: str) -> None:
        """Report the device's async commands that ended, or ran past the agent's timeout."""
        now = self._hub.clock.now()
        for key, running in sorted(self._running.items()):
            if running.device_id != device_id:
                continue
            overdue = now >= running.started + dt.timedelta(seconds=running.timeout_secs)
            if not running.task.done() and not overdue:
                continue
            del self._running[key]
            if not running.task.done():
                running.task.cancel()
                report = failed(MSG_AGENT_TIMED_OUT.format(secs=running.timeout_secs))
            elif running.task.cancelled():
                report = failed(MSG_AGENT_TIMED_OUT.format(secs=running.timeout_secs))
            elif running.task.exception() is not None:
                error = running.task.exception()
                report = failed(str(error) or type(error).__name__)
            else:
                report = self._outcome(
                    running.command, running.timeout_secs, running.started, running.task.result()
                )
            self._finish(device_id, key, running.claim_id, report)

    def _outcome(
        self, command: RegisteredCommand, timeout: int, started: dt.datetime, result: Any
    ) -> Report:
        """The report of a handler that returned ``result``, as the agent maps it."""
        if self._hub.clock.now() >= started + dt.timedelta(seconds=timeout):
            return failed(MSG_AGENT_TIMED_OUT.format(secs=timeout))
        return outcome(command, result)

    def _finish(self, device_id: str, key: tuple[str, int], claim_id: str, report: Report) -> None:
        self._ledger[key] = report
        self._report(device_id, key[0], key[1], claim_id, report)

    def _report(
        self, device_id: str, operation_id: str, index: int, claim_id: str, report: Report
    ) -> None:
        answer = self._call(
            "devices_ReportOperationStep",
            {
                "deviceId": device_id,
                "deviceOperationId": operation_id,
                "stepIndex": index,
                "claimId": claim_id,
                "report": report,
            },
        )
        if answer is not None:
            self._ledger.pop((operation_id, index), None)  # acknowledged: the agent prunes it

    def _call(self, action: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """One call of the agent's, journaled like any other; None when it was refused."""
        answer = pipeline.invoke(self._hub, action, payload, Credentials(self._hub.admin_token))
        if answer.error is not None:
            return None
        result: dict[str, Any] = msgspec.json.decode(answer.output_json)
        return result

    # The agent's event loop, for async handlers.

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    def _close_loop(self) -> None:
        """Let cancelled handlers unwind, then close the loop (a new one comes when needed)."""
        loop, self._loop = self._loop, None
        if loop is None:
            return

        def finish() -> None:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._in_thread(finish)

    @staticmethod
    def _in_thread(work: Callable[[], None]) -> None:
        """Run ``work`` in a thread of its own and wait for it: the caller may be inside
        another event loop, where this one cannot run."""
        worker = threading.Thread(target=work, name="nexigon-fake-agent-loop")
        worker.start()
        worker.join()

    def _step_loop(self) -> None:
        """Give running async handlers a bounded number of loop iterations, in a thread of
        its own (the caller may be inside another event loop); joined before returning."""
        if not self._running or self._loop is None:
            return
        loop = self._loop

        def step() -> None:
            for _ in range(LOOP_STEPS_PER_POLL):
                if all(r.task.done() for r in self._running.values()):
                    return
                loop.run_until_complete(asyncio.sleep(0))

        self._in_thread(step)


def failed(error: str) -> Report:
    """A ``Failed`` report with the agent's error string."""
    return {"status": "Failed", "error": error}


def step_timeout(step: dict[str, Any]) -> int:
    """The agent's timeout for a command step: ``timeoutSecs or 3600``, at most an hour."""
    return min(step.get("timeoutSecs") or DEFAULT_STEP_TIMEOUT_SECS, MAX_TIMEOUT_SECS)


def resolve_command(step: dict[str, Any], registered: RegisteredCommand | None) -> Any:
    """The command to run for a ``DeviceCommand`` step, or the report refusing it (the
    agent's checks, in its order: the name, the registry, the input schema)."""
    if not COMMAND_NAME.fullmatch(step["command"]):
        return failed(MSG_AGENT_BAD_NAME)
    if registered is None:
        return failed(MSG_AGENT_NOT_FOUND)
    violation = schema_violation(registered.input_validator, step.get("input"))
    if violation is not None:
        return failed(MSG_AGENT_BAD_INPUT.format(detail=violation))
    return registered


def outcome(command: RegisteredCommand, result: Any) -> Report:
    """The report of a handler that returned ``result``, as the agent maps it."""
    try:
        output = msgspec.json.decode(msgspec.json.encode(result))
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        return failed(MSG_AGENT_OUTPUT_FAILED.format(detail=error))
    violation = schema_violation(command.output_validator, output)
    if violation is not None:
        return failed(MSG_AGENT_BAD_OUTPUT.format(detail=violation))
    report: Report = {"status": "Succeeded"}
    if output is not None:
        report["output"] = output
    return report


def _discard_log(*lines: str) -> Logged:
    """Operation commands run with ``streamLog: false``: their log goes nowhere."""
    return LOGGED
