"""Hooks: run a callable just before or just after an action, so a test can make something
else happen in between its own calls (a concurrent write between a read and a write).

A hook names an action (or ``*``), optionally filters calls by input fields (``where``, as
the journal does) and by the device or project the call touches (``device_id``,
``project_id``: read from the call's resolved ``Target``, as faults are, so a call naming a
device's certificate belongs to that device), and bounds its firings (``times``). It is
called with a ``HookCall`` and may call the hub in Python: the hub's lock is re-entrant, and
calls made from inside a hook fire no hooks, so a hook cannot re-trigger itself. (Not over
HTTP to the server the call came through: that server's event loop is the one waiting for
the hook.)

Before-hooks run after a call is authorized, just before its handler; after-hooks once a call
succeeded and was journaled. A hook that raises an ``ActionError`` makes the call answer it;
any other exception answers ``Internal`` (500) with the exception as its cause. Before-hooks
that raise leave the handler unrun; an after-hook's call has already changed the hub.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from nexigon_fake.errors import (
    MSG_HOOK_ASYNC,
    MSG_HOOK_COMMAND,
    MSG_HOOK_NOT_CALLABLE,
    MSG_HOOK_RAISED,
    MSG_HOOK_TIMES,
    MSG_HOOK_WHEN,
    MSG_HOOKS_FULL,
    MSG_UNFIRED,
    ActionError,
    InternalError,
    InvalidError,
)
from nexigon_fake.state.target import Target
from nexigon_fake.toolkit.action_names import (
    COMMAND_ACTION,
    EVERY_ACTION,
    check_action,
    check_where,
)
from nexigon_fake.toolkit.journal import input_matches
from nexigon_fake.wire.common import DeviceId, ProjectId, WireStruct
from nexigon_fake.wire.decoding import decode_input

When = Literal["before", "after"]
MAX_HOOKS = 1_000  # armed at once: memory stays bounded whatever a client arms


class HookScope(WireStruct, forbid_unknown_fields=True):
    """The device and project a hook is limited to, checked as a fault's are."""

    device_id: DeviceId | None = None
    project_id: ProjectId | None = None


@dataclass(frozen=True, slots=True)
class HookCall:
    """What a hook is told of the call it runs around: ``output`` is ``None`` before it."""

    action: str
    input: Any
    output: Any = None


@dataclass(slots=True)
class Hook:
    """An armed hook: ``when`` it runs around ``action`` (``*``: every action), for calls whose
    input has the ``where`` fields and that touch ``device_id`` and ``project_id`` (when set);
    ``times`` it was armed for, ``remaining`` firings left (``None``: unlimited), ``fired`` so
    far; ``description`` says what it does (the callable's name, or the call it makes)."""

    hook_id: int
    when: When
    action: str
    fn: Callable[[HookCall], object]
    times: int | None
    remaining: int | None
    where: dict[str, Any]
    description: str
    device_id: str | None = None
    project_id: str | None = None
    fired: int = 0

    def touches(self, target: Target) -> bool:
        return (self.device_id is None or target.device_id == self.device_id) and (
            self.project_id is None or target.project_id == self.project_id
        )

    def describe(self) -> str:
        where = "".join(
            f" {name} {value}"
            for name, value in (("device", self.device_id), ("project", self.project_id))
            if value is not None
        )
        where += f" where {self.where!r}" if self.where else ""
        counted = "" if self.times is None else f" of {self.times}"
        return (
            f"hook #{self.hook_id} {self.when} `{self.action}`{where}: {self.description} "
            f"(fired {self.fired}{counted} time(s))"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.hook_id,
            "when": self.when,
            "action": self.action,
            "where": self.where,
            "deviceId": self.device_id,
            "projectId": self.project_id,
            "times": self.times,
            "remaining": self.remaining,
            "fired": self.fired,
            "description": self.description,
        }


class Hooks:
    """The armed hooks of one hub. They are not state: ``restore`` keeps them, ``reset``
    clears them (as it does faults), and no snapshot holds them."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self.lock = lock if lock is not None else threading.RLock()
        self._hooks: dict[int, Hook] = {}  # by id, so in the order they were armed
        self._aimed: dict[tuple[When, str], dict[int, Hook]] = {}  # by (when, action)
        self._next_id = 0
        self._depth = 0  # > 0 while a hook runs: its own calls fire no hooks

    def before(
        self,
        action: str,
        fn: Callable[[HookCall], object],
        *,
        times: int | None = None,
        where: Mapping[str, Any] | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
    ) -> Hook:
        """Run ``fn(call)`` just before each matching call's handler; see the module docstring."""
        scope = {"device_id": device_id, "project_id": project_id}
        return self.add("before", action, fn, times=times, where=where, **scope)

    def after(
        self,
        action: str,
        fn: Callable[[HookCall], object],
        *,
        times: int | None = None,
        where: Mapping[str, Any] | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
    ) -> Hook:
        """Run ``fn(call)`` just after each matching call succeeded."""
        scope = {"device_id": device_id, "project_id": project_id}
        return self.add("after", action, fn, times=times, where=where, **scope)

    def add(
        self,
        when: str,
        action: str,
        fn: Callable[[HookCall], object],
        *,
        times: int | None = None,
        where: Mapping[str, Any] | None = None,
        description: str | None = None,
        device_id: str | None = None,
        project_id: str | None = None,
    ) -> Hook:
        """Arm a hook; bad arguments are ``InvalidError`` and arm nothing."""
        if when not in ("before", "after"):
            raise InvalidError(MSG_HOOK_WHEN.format(got=when))
        if action == COMMAND_ACTION:
            raise InvalidError(MSG_HOOK_COMMAND)
        check_action(action, commands=False, every=True)
        if not callable(fn):
            raise InvalidError(MSG_HOOK_NOT_CALLABLE.format(got=type(fn).__name__))
        if inspect.iscoroutinefunction(fn):
            raise InvalidError(MSG_HOOK_ASYNC.format(name=getattr(fn, "__qualname__", fn)))
        if times is not None and (
            not isinstance(times, int) or isinstance(times, bool) or times < 1
        ):
            raise InvalidError(MSG_HOOK_TIMES.format(got=times))
        check_where(action, where)
        scope = {"deviceId": device_id, "projectId": project_id}
        limits: HookScope = decode_input(HookScope, scope, strict=True)
        name = getattr(fn, "__qualname__", None) or repr(fn)
        with self.lock:
            if len(self._hooks) >= MAX_HOOKS:
                raise InvalidError(MSG_HOOKS_FULL.format(limit=MAX_HOOKS))
            self._next_id += 1
            hook = Hook(
                self._next_id,
                "before" if when == "before" else "after",
                action,
                fn,
                times,
                times,
                dict(where or {}),
                description or f"calls {name}",
                limits.device_id,
                limits.project_id,
            )
            self._hooks[hook.hook_id] = hook
            self._aimed.setdefault((hook.when, action), {})[hook.hook_id] = hook
        return hook

    def remove(self, hook: Hook) -> None:
        """Disarm one hook (disarming one that is no longer armed does nothing)."""
        with self.lock:
            if self._hooks.get(hook.hook_id) is hook:
                self._disarm(hook)

    def _disarm(self, hook: Hook) -> None:
        del self._hooks[hook.hook_id]
        aimed = self._aimed[(hook.when, hook.action)]
        del aimed[hook.hook_id]
        if not aimed:
            del self._aimed[(hook.when, hook.action)]

    def clear(self) -> None:
        with self.lock:
            self._hooks.clear()
            self._aimed.clear()

    def reset(self) -> None:
        """Disarm everything, as a new hub's hooks (ids start again at 1)."""
        with self.lock:
            self.clear()
            self._next_id = 0

    def active(self) -> list[Hook]:
        with self.lock:
            return list(self._hooks.values())

    def __len__(self) -> int:
        return len(self._hooks)

    def to_json(self) -> dict[str, Any]:
        return {"hooks": [hook.to_json() for hook in self.active()]}

    def unfired(self) -> list[Hook]:
        """Armed hooks that have not fired as armed: fewer than their ``times``, or never."""
        with self.lock:
            hooks = self._hooks.values()
            return [hook for hook in hooks if hook.remaining is not None or not hook.fired]

    def assert_all_fired(self) -> None:
        """Fail (``AssertionError``) naming each armed hook that has not fired as armed."""
        unfired = self.unfired()
        if unfired:
            lines = "\n".join(f"  {hook.describe()}" for hook in unfired)
            raise AssertionError(
                MSG_UNFIRED.format(count=len(unfired), what="hook(s)", lines=lines)
            )

    def run(
        self,
        when: When,
        action: str,
        target: Target,
        input_json: bytes,
        output_json: bytes = b"",
    ) -> None:
        """Fire the hooks due for this call, in the order they were armed (under the hub's
        lock). Raises what a hook raised, as the module docstring says."""
        if not self._hooks or self._depth:
            return
        with self.lock:
            # Looked up by action, so hooks aimed at other actions cost a call nothing; the
            # input is decoded only for a call some hook is aimed at.
            specific = self._aimed.get((when, action), {})
            every = self._aimed.get((when, EVERY_ACTION), {})
            if not specific and not every:
                return
            aimed = sorted(
                (h for h in [*specific.values(), *every.values()] if h.touches(target)),
                key=lambda h: h.hook_id,
            )
            if not aimed:
                return
            call = HookCall(action, msgspec.json.decode(input_json) if input_json else None)
            due = [h for h in aimed if not h.where or input_matches(call.input, h.where)]
            if not due:
                return
            if when == "after":
                call = HookCall(action, call.input, msgspec.json.decode(output_json))
            for hook in due:
                hook.fired += 1
                if hook.remaining is not None:
                    hook.remaining -= 1
                    if hook.remaining == 0:
                        self._disarm(hook)
            self._depth += 1
            try:
                for hook in due:
                    _call(hook, call)
            finally:
                self._depth -= 1


def _call(hook: Hook, call: HookCall) -> None:
    try:
        hook.fn(call)
    except ActionError:
        raise
    except Exception as error:
        raise InternalError(MSG_HOOK_RAISED.format(hook=hook.describe(), error=error)) from error
