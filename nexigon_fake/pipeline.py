"""The one path every call takes: HTTP actions, ``hub.invoke``, ``hub.execute``, device commands.

``invoke`` runs the named steps in order, under the host's lock::

    resolve action -> authenticate -> admit -> decode -> resolve target
      -> draw faults -> authorize -> before-hooks -> run -> encode -> journal -> after-hooks

Device commands (``commands/``) reuse the same steps around their own middle part, and every
refusal, wherever it happens, is journaled by ``journal_refusal``. Switching steps off (a
fixture loads without journal, faults or hooks) is the explicit ``Mode`` argument. Hooks run
after authorization (a refused call consumes none) and after-hooks only after a success.
"""

from __future__ import annotations

import datetime as dt
import difflib
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from nexigon_fake.actions import ACTIONS, ActionSpec
from nexigon_fake.errors import (
    MSG_INTERNAL_BUG,
    MSG_NOT_IMPLEMENTED,
    MSG_UNKNOWN_ACTION,
    MSG_UNKNOWN_ACTION_HINT,
    ActionError,
    InjectedResponseError,
    InternalError,
    InvalidError,
)
from nexigon_fake.state.access import Rule, check
from nexigon_fake.state.admission import Admission, admit
from nexigon_fake.state.auth import authenticate
from nexigon_fake.state.operation_driver import drive
from nexigon_fake.state.store import Context, Store
from nexigon_fake.state.target import Target, resolve_target
from nexigon_fake.toolkit.faults import Faults, Firing
from nexigon_fake.toolkit.hooks import Hooks, When
from nexigon_fake.toolkit.journal import Journal
from nexigon_fake.upstream import UPSTREAM_ACTIONS
from nexigon_fake.wire.actor import Actor
from nexigon_fake.wire.credentials import Credentials
from nexigon_fake.wire.decoding import decode_body, decode_input, require_json, require_object


class PipelineHost(Protocol):
    """What the pipeline needs of a hub: its lock, state, journal, faults, hooks and
    strictness."""

    lock: threading.RLock
    store: Store
    journal: Journal
    faults: Faults
    hooks: Hooks

    @property
    def strict(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Mode:
    """Which optional steps run: a fixture loads with neither journal, faults nor hooks."""

    journaled: bool = True
    faulted: bool = True
    hooked: bool = True


NORMAL = Mode()
QUIET = Mode(journaled=False, faulted=False, hooked=False)


@dataclass(frozen=True, slots=True)
class Answer:
    """How one call ended: the output (or error) and how long to wait before answering."""

    output: Any
    output_json: bytes
    error: ActionError | None
    latency_secs: float

    @property
    def headers(self) -> dict[str, str]:
        """Headers to answer with besides the body's (an injected fault's)."""
        return {} if self.error is None else self.error.headers

    def wait(self) -> None:
        """Hold the answer back as an injected latency asks (in-process callers)."""
        if self.latency_secs > 0:
            time.sleep(self.latency_secs)


# The steps, in the order ``invoke`` runs them.


def resolve_action(name: str) -> ActionSpec[Any, Any]:
    spec = ACTIONS.get(name)
    if spec is None:
        if name in UPSTREAM_ACTIONS:
            raise InvalidError(MSG_NOT_IMPLEMENTED.format(action=name), status=404)
        message = MSG_UNKNOWN_ACTION.format(action=name)
        suggestion = closest_action(name)
        if suggestion is not None:
            message += MSG_UNKNOWN_ACTION_HINT.format(suggestion=suggestion)
        raise InvalidError(message, status=404)
    return spec


def closest_action(name: str) -> str | None:
    """The action ``name`` most likely misspells (case aside), if one is close enough; a name
    far longer than any action's is not compared (the cost grows with its length)."""
    if len(name) > 128:
        return None
    by_lower = {action.lower(): action for action in ACTIONS}
    found = difflib.get_close_matches(name.lower(), by_lower, n=1, cutoff=0.8)
    return by_lower[found[0]] if found else None


def authenticate_caller(store: Store, credentials: Credentials) -> Actor:
    """Authenticate, then admit: a device presenting a deployment token may be created here."""
    found = authenticate(store, credentials)
    return admit(store, found) if isinstance(found, Admission) else found


def decode_request(
    spec: ActionSpec[Any, Any], payload: dict[str, Any] | bytes, strict: bool
) -> tuple[Any, bytes]:
    """The input struct and the input as JSON (for the journal)."""
    if isinstance(payload, bytes):
        return decode_body(spec.input_type, payload, strict=strict), payload
    body = require_object(payload)
    input_json = require_json(body)
    return decode_input(spec.input_type, body, strict=strict), input_json


PREDECODE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Predecoded:
    """A body decoded before the hub's lock was taken; an error is raised at the decode step,
    so the order in which a call is refused stays that of the steps."""

    request: Any
    input_json: bytes
    error: ActionError | None

    def get(self) -> tuple[Any, bytes]:
        if self.error is not None:
            raise self.error
        return self.request, self.input_json


def predecode(name: str, payload: dict[str, Any] | bytes, strict: bool) -> Predecoded | None:
    """Decode a large body outside the lock (it needs no state), so that other callers are not
    held up while it is parsed and checked (issue 18, item 8)."""
    spec = ACTIONS.get(name)
    if spec is None or not isinstance(payload, bytes) or len(payload) < PREDECODE_BYTES:
        return None
    try:
        return Predecoded(decode_body(spec.input_type, payload, strict=strict), payload, None)
    except ActionError as error:
        return Predecoded(None, payload, error)
    except Exception:  # a bug: the step under the lock meets it again and answers it
        return None


def check_request(spec: ActionSpec[Any, Any], request: Any) -> None:
    """The row's body rules beyond the fields' own (D17 definition rules), before access."""
    if spec.check is not None:
        spec.check(request)


def drive_due(store: Store) -> None:
    """Apply the time-driven work that is due (D19): before every call and after a success."""
    drive(store)


def target_of(store: Store, rule: Rule, request: Any) -> Target:
    entity_id = getattr(request, rule.field) if rule.field else None
    return resolve_target(store, rule.scope, entity_id, request)


def draw_faults(host: PipelineHost, action: str, target: Target, mode: Mode) -> Firing | None:
    """The injected fault for this call, if any; its error is raised by the caller."""
    return host.faults.draw(action, target) if mode.faulted else None


def authorize(store: Store, actor: Actor, action: str, rule: Rule, target: Target) -> None:
    check(store, actor, action, rule, target)


def run_hooks(
    host: PipelineHost,
    mode: Mode,
    when: When,
    action: str,
    target: Target,
    input_json: bytes,
    output_json: bytes = b"",
) -> None:
    """Fire the hooks armed for this call (they read its one resolved ``Target``, as faults
    do); what a hook raises is the call's error."""
    if mode.hooked and len(host.hooks):
        host.hooks.run(when, action, target, input_json, output_json)


def error_json(error: ActionError) -> bytes:
    """The body an error answers with: D1's, or an injected fault's own."""
    if isinstance(error, InjectedResponseError):
        return msgspec.json.encode(error.body)
    return msgspec.json.encode(error.to_wire())


def run_handler(spec: ActionSpec[Any, Any], store: Store, actor: Actor, request: Any) -> Any:
    return spec.handler(Context(store, actor, spec.name), request)


def journal_call(
    host: PipelineHost,
    mode: Mode,
    started: dt.datetime,
    action: str,
    actor: Actor | None,
    input_json: bytes,
    status: int,
    output_json: bytes,
    faulted: bool = False,
) -> None:
    if mode.journaled:
        host.journal.record(started, action, actor, input_json, status, output_json, faulted)


def journal_refusal(
    host: PipelineHost,
    action: str,
    input_json: bytes,
    error: ActionError,
    *,
    actor: Actor | None = None,
    started: dt.datetime | None = None,
    mode: Mode = NORMAL,
) -> None:
    """The one place a refused call is journaled (bad headers, a refused command, …)."""
    with host.lock:
        when = host.store.now() if started is None else started
        output_json = msgspec.json.encode(error.to_wire())
        journal_call(host, mode, when, action, actor, input_json, error.status, output_json)


# The composition.


def invoke(
    host: PipelineHost,
    name: str,
    payload: dict[str, Any] | bytes,
    credentials: Credentials,
    mode: Mode = NORMAL,
) -> Answer:
    """Run one call through every step and journal it; errors are answered, not raised."""
    decoded = predecode(name, payload, host.strict)
    with host.lock:
        store = host.store
        started = store.now()
        actor: Actor | None = None
        firing: Firing | None = None
        target: Target | None = None
        input_json: bytes | None = payload if isinstance(payload, bytes) else None
        try:
            drive_due(store)  # even for a call then refused (C31)
            spec = resolve_action(name)
            actor = authenticate_caller(store, credentials)
            request, input_json = (
                decode_request(spec, payload, host.strict) if decoded is None else decoded.get()
            )
            check_request(spec, request)
            target = target_of(store, spec.rule, request)
            firing = draw_faults(host, name, target, mode)
            if firing is not None and firing.error is not None:
                raise firing.error
            authorize(store, actor, name, spec.rule, target)
            run_hooks(host, mode, "before", name, target, input_json)
            output = run_handler(spec, store, actor, request)
            drive_due(store)
            output_json = msgspec.json.encode(output)
            status, error = 200, None
        except ActionError as action_error:
            output, error, status = None, action_error, action_error.status
            output_json = error_json(action_error)
        except Exception as bug:  # a bug in the fake must still answer as the Hub would
            error = InternalError(MSG_INTERNAL_BUG.format(action=name, error=bug))
            output, status = None, error.status
            output_json = msgspec.json.encode(error.to_wire())
        if input_json is None:
            input_json = _payload_json(payload)
        journal_call(
            host, mode, started, name, actor, input_json, status, output_json, firing is not None
        )
        if error is None and target is not None:
            try:  # the journal keeps the action's answer; the caller gets the hook's error
                run_hooks(host, mode, "after", name, target, input_json, output_json)
            except ActionError as hook_error:
                output, error, output_json = None, hook_error, error_json(hook_error)
    return Answer(output, output_json, error, firing.latency_secs if firing else 0.0)


def _payload_json(payload: dict[str, Any] | bytes) -> bytes:
    """A payload refused before it was checked, as well as it can be written down."""
    if isinstance(payload, bytes):
        return payload
    try:
        return msgspec.json.encode(payload)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return b""
