"""Checked names for what tests aim at calls with: action names and ``where`` fields.

A misspelled action or field in an assertion, a fault or a hook would otherwise match nothing
and pass (or never fire) in silence, so each is refused with what was probably meant.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors import (
    MSG_DID_YOU_MEAN,
    MSG_UNKNOWN_ACTION_NAME,
    MSG_UNKNOWN_WHERE_FIELD,
    InvalidError,
)

EVERY_ACTION = "*"
# Command invocations are journaled, and may be faulted, under this name; no action has it.
COMMAND_ACTION = "devices_InvokeCommand"
# What a command invocation's journal entry holds as input: the Invoke frame and the device.
COMMAND_FIELDS = ("deviceId", "type", "command", "input", "streamLog", "timeoutSecs")


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` was most likely meant to be, or None when none is close."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` for the closest known name, or nothing when none is close."""
    close = closest_name(name, known)
    return "" if close is None else MSG_DID_YOU_MEAN.format(name=close)


@functools.cache
def known_actions(*, commands: bool = True, every: bool = False) -> frozenset[str]:
    """The names a test may aim at: the actions, device commands, and ``*`` when asked."""
    extra = ([COMMAND_ACTION] if commands else []) + ([EVERY_ACTION] if every else [])
    return frozenset([*ACTIONS, *extra])


def check_action(name: str, *, commands: bool = True, every: bool = False) -> None:
    """Refuse a name that is no action (``InvalidError``, with the closest one)."""
    known = known_actions(commands=commands, every=every)
    if name not in known:
        hint = did_you_mean(name, known)
        raise InvalidError(MSG_UNKNOWN_ACTION_NAME.format(action=name, hint=hint))


@functools.cache
def input_fields(action: str) -> tuple[str, ...]:
    """The camelCase fields of an action's input, as its journal entries hold them."""
    if action == COMMAND_ACTION:
        return COMMAND_FIELDS
    fields = msgspec.structs.fields(ACTIONS[action].input_type)
    return tuple(field.encode_name for field in fields)


def camel_case(name: str) -> str:
    """``device_id`` -> ``deviceId``; camelCase names pass through unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def check_where(action: str | None, where: Mapping[str, Any] | None) -> None:
    """Refuse a ``where`` field that no input of ``action`` (of any action, for ``None`` or
    ``*``) has, listing the fields it does have."""
    if not where:
        return
    if action is None or action == EVERY_ACTION:
        scope = "any action"
        valid = sorted({field for name in known_actions() for field in input_fields(name)})
    else:
        scope = f"`{action}`"
        valid = list(input_fields(action))
    for name in where:
        if not isinstance(name, str) or camel_case(name) not in valid:
            hint = did_you_mean(camel_case(str(name)), valid)
            raise InvalidError(
                MSG_UNKNOWN_WHERE_FIELD.format(
                    field=name, action=scope, fields=", ".join(valid) or "none", hint=hint
                )
            )
