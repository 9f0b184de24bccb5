"""The control plane (``/_fake/*``) as plain Python: what tests do to a hub besides calling it.

Each function takes JSON data and answers JSON data; bad input is ``Invalid`` (400), like any
action, and leaves the hub as it was.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec

from nexigon_fake.clock import format_timestamp, parse_timestamp
from nexigon_fake.errors import (
    MSG_CLOCK_ONE_OF,
    MSG_CLOCK_OUT_OF_RANGE,
    MSG_CLOCK_REFUSED,
    MSG_FIXTURE_ONE_OF,
    MSG_HOOK_INVOKES,
    MSG_NO_BUILTIN_FIXTURE,
    MSG_REPEATED_QUERY_PARAMETER,
    MSG_UNKNOWN_QUERY_PARAMETER,
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_JOURNAL_ACTOR,
    MSG_JOURNAL_SINCE,
)
from nexigon_fake.hub import Hub
from nexigon_fake.toolkit.action_names import check_action
from nexigon_fake.toolkit.fixture_loader import builtin_fixture_names
from nexigon_fake.toolkit.hooks import HookCall
from nexigon_fake.toolkit.journal_query import (
    ACTOR_KINDS,
    ACTOR_PATTERN,
    MAX_LIMIT,
    JournalFilter,
    journal_json,
)
from nexigon_fake.toolkit.journal_query import check_action as check_journal_action
from nexigon_fake.toolkit.snapshot_format import MAX_SEED
from nexigon_fake.wire.common import DeviceId, ProjectId, Timestamp, WireStruct
from nexigon_fake.wire.decoding import decode_input, require_json


class ClockUpdate(WireStruct, forbid_unknown_fields=True):
    """Move the clock: forward by ``advanceSecs``, or to the instant ``now``."""

    advance_secs: Annotated[float, msgspec.Meta(ge=0)] | None = None
    now: Timestamp | None = None


class ResetRequest(WireStruct, forbid_unknown_fields=True):
    """Rebuild the hub, optionally with a new seed."""

    seed: Annotated[int, msgspec.Meta(ge=0, le=MAX_SEED)] | None = None


def clock_state(hub: Hub) -> dict[str, Any]:
    return {"now": format_timestamp(hub.clock.now()), "frozen": hub.clock.frozen}


def move_clock(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    update: ClockUpdate = decode_input(ClockUpdate, payload, strict=True)
    if (update.advance_secs is None) == (update.now is None):
        raise InvalidError(MSG_CLOCK_ONE_OF)
    with hub.lock:
        try:
            if update.advance_secs is not None:
                hub.clock.advance(update.advance_secs)
            elif update.now is not None:
                hub.clock.set(parse_timestamp(update.now))
        except OverflowError:
            raise InvalidError(MSG_CLOCK_OUT_OF_RANGE) from None
        except ValueError as error:
            raise InvalidError(MSG_CLOCK_REFUSED.format(detail=error)) from None
    return clock_state(hub)


def reset(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    request: ResetRequest = decode_input(ResetRequest, payload, strict=True)
    hub.reset(seed=request.seed)
    return describe(hub)


def query_parameters(items: list[tuple[str, str]], allowed: tuple[str, ...]) -> dict[str, str]:
    """Query parameters as a mapping: unknown or repeated ones are Invalid, not ignored."""
    found: dict[str, str] = {}
    for name, value in items:
        if name not in allowed:
            expected = ", ".join(f"`{a}`" for a in allowed) or "none"
            raise InvalidError(MSG_UNKNOWN_QUERY_PARAMETER.format(name=name, expected=expected))
        if name in found:
            raise InvalidError(MSG_REPEATED_QUERY_PARAMETER.format(name=name))
        found[name] = value
    return found


def state(hub: Hub) -> dict[str, Any]:
    return hub.snapshot()


def restore(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    hub.restore(payload)
    return describe(hub)


class JournalQuery(WireStruct, forbid_unknown_fields=True):
    """Filters of ``GET /_fake/journal`` (query parameters; see ``JournalFilter``)."""

    action: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None = None
    status: Annotated[int, msgspec.Meta(ge=100, le=599)] | None = None
    device: DeviceId | None = None
    actor: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=128,
                pattern=ACTOR_PATTERN,
                extra={"rule": MSG_JOURNAL_ACTOR.format(kinds=", ".join(ACTOR_KINDS))},
            ),
        ]
        | None
    ) = None
    since: Timestamp | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_LIMIT)] | None = None


JOURNAL_PARAMETERS = tuple(field.encode_name for field in msgspec.structs.fields(JournalQuery))
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


def journal(hub: Hub, query: dict[str, Any]) -> dict[str, Any]:
    """The journal, filtered by the query parameters (all strings: integers are read here)."""
    typed = {
        name: int(value) if name in ("status", "limit") and _INTEGER.fullmatch(value) else value
        for name, value in query.items()
    }
    request: JournalQuery = decode_input(JournalQuery, typed, strict=True)
    try:  # the pattern lets through what no calendar has (February 30th, year 10000 in UTC)
        since = None if request.since is None else parse_timestamp(request.since)
    except ValueError as error:
        raise InvalidError(MSG_JOURNAL_SINCE.format(detail=error)) from None
    where = JournalFilter(
        action=None if request.action is None else check_journal_action(request.action),
        status=request.status,
        device=request.device,
        actor=request.actor,
        since=since,
        limit=request.limit,
    )
    return journal_json(hub.journal, where)


def clear_journal(hub: Hub) -> dict[str, Any]:
    hub.journal.clear()
    return hub.journal.to_json()


def faults(hub: Hub) -> dict[str, Any]:
    return hub.faults.to_json()


def inject_fault(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    return hub.faults.inject_json(payload).to_json()


def clear_faults(hub: Hub) -> dict[str, Any]:
    hub.faults.clear()
    return hub.faults.to_json()


class HookInvocation(WireStruct, forbid_unknown_fields=True):
    """The call an HTTP hook makes, as the administrator: an action and its input."""

    action: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    input: dict[str, Any] = msgspec.field(default_factory=dict)


class HookRequest(WireStruct, forbid_unknown_fields=True):
    """``POST /_fake/hooks``: a Python callable cannot cross HTTP, so a hook armed here
    invokes an action given as JSON (say, the concurrent write a test needs)."""

    when: Literal["before", "after"]
    action: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    invoke: HookInvocation
    times: Annotated[int, msgspec.Meta(ge=1)] | None = None
    where: dict[str, Any] | None = None
    device_id: DeviceId | None = None
    project_id: ProjectId | None = None


def hooks(hub: Hub) -> dict[str, Any]:
    return hub.hooks.to_json()


def add_hook(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    request: HookRequest = decode_input(HookRequest, payload, strict=True)
    call = request.invoke
    check_action(call.action, commands=False)
    input_text = require_json(call.input).decode()

    def invoke(_: HookCall) -> None:
        hub.invoke(call.action, call.input)

    description = MSG_HOOK_INVOKES.format(action=call.action, input=input_text)
    hook = hub.hooks.add(
        request.when,
        request.action,
        invoke,
        times=request.times,
        where=request.where,
        description=description,
        device_id=request.device_id,
        project_id=request.project_id,
    )
    return hook.to_json()


def clear_hooks(hub: Hub) -> dict[str, Any]:
    hub.hooks.clear()
    return hub.hooks.to_json()


def fixture(hub: Hub) -> dict[str, Any]:
    return {"fixture": None if hub.fixture is None else hub.fixture.to_json()}


class FixtureRequest(WireStruct, forbid_unknown_fields=True):
    """``POST /_fake/fixture``: load a built-in fixture by name, or a fixture document."""

    name: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9][A-Za-z0-9._-]*$")] | None = None
    document: dict[str, Any] | None = None


def load_fixture(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    request: FixtureRequest = decode_input(FixtureRequest, payload, strict=True)
    if (request.name is None) == (request.document is None):
        raise InvalidError(MSG_FIXTURE_ONE_OF)
    if request.name is not None:
        if request.name.removesuffix(".json") not in builtin_fixture_names():
            names = ", ".join(builtin_fixture_names())
            raise InvalidError(MSG_NO_BUILTIN_FIXTURE.format(name=request.name, names=names))
        hub.load_fixture(request.name)
    elif request.document is not None:
        hub.load_fixture(request.document)
    return fixture(hub)


def describe(hub: Hub) -> dict[str, Any]:
    return {
        "status": "ok",
        "seed": hub.seed,
        "adminToken": hub.admin_token,
        "defaultOrganizationId": hub.default_organization_id,
        "now": format_timestamp(hub.clock.now()),
    }
