"""Every action is atomic: a call that fails changes nothing (issue 18, item 2).

Random valid calls (the shipped strategies, ids drawn from a populated hub) run with one
failing call of the action under test mixed in: an input breaking one rule, an injected
internal error, a caller without the right (another organization's user, a device), or a
value the hub cannot store. Around every call that fails, the snapshot must not change by a
byte; the failing call itself must fail where its kind says it will.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import Phase, given
from hypothesis import strategies as st

from nexigon_fake import ActionError, Hub, strategies
from nexigon_fake.actions import ACTIONS
from nexigon_fake.testing.invalid_inputs import breakable_rules
from tests.testing.contract_support import populated_hub, restoring, scaled

POPULATED = populated_hub()
OUTSIDER_TOKEN = POPULATED.create_user("outsider@example.com")[1]
_project = next(iter(POPULATED.store.projects.values()))
_token = POPULATED.store.deployment_tokens[next(iter(_project.token_ids))]
DEVICE_CREDENTIALS = {"token": _token.secret, "device_fingerprint": "d_sk_" + "a" * 44}
DEVICE_ID = next(iter(_project.device_ids))
BASELINE = POPULATED.snapshot_json()
LATE_EVENT = "9999-12-31T23:30:00-01:00"  # year 10000 once in UTC: no timestamp for it


@dataclass(frozen=True)
class Call:
    """One call and how it is made; ``must_fail`` for the failing call of a kind that always
    fails (a broken rule, an armed fault, an unstorable value)."""

    kind: str
    action: str
    payload: Any
    credentials: dict[str, str]
    must_fail: bool = False

    def admit(self, hub: Hub) -> None:
        """A device is created on first sight, before its call is even checked (D14): let
        that happen before the snapshot the call is compared against."""
        if self.kind == "device":
            with contextlib.suppress(ActionError):  # its token may be gone
                hub.invoke("actor_GetActor", {}, **self.credentials)

    def run(self, hub: Hub) -> ActionError | None:
        if self.kind == "fault":
            hub.faults.inject(self.action, kind="Internal")
        try:
            hub.invoke(self.action, self.payload, **self.credentials)
        except ActionError as error:
            return error
        finally:
            hub.faults.clear()
        return None


@functools.cache  # building the strategies of every action takes a second
def valid_calls() -> st.SearchStrategy[Call]:
    return strategies.any_action(hub=POPULATED).map(lambda c: Call("valid", c[0], c[1], {}))


@functools.cache
def failing_calls(action: str) -> st.SearchStrategy[Call]:
    valid = strategies.action_input(action, hub=POPULATED)
    kinds: list[st.SearchStrategy[Call]] = [
        valid.map(lambda p: Call("fault", action, p, {}, must_fail=True)),
        valid.map(lambda p: Call("outsider", action, p, {"token": OUTSIDER_TOKEN})),
        valid.map(lambda p: Call("device", action, p, DEVICE_CREDENTIALS)),
    ]
    if breakable_rules(action):
        kinds.append(
            strategies.invalid_input(action, hub=POPULATED).map(
                lambda bad: Call("invalid", action, bad.payload, {}, must_fail=True)
            )
        )
    unstorable = UNSTORABLE.get(action)
    if unstorable is not None:
        kinds.append(valid.map(lambda p: Call("unstorable", action, unstorable(p), {}, True)))
    return st.one_of(kinds)


def _late_event(payload: dict[str, Any]) -> dict[str, Any]:
    events = list(payload["events"])
    bad: dict[str, Any] = {
        "eventId": "d_ev_99991231-2330-" + "Z" * 8,
        "severity": "Info",
        "body": None,
        "attributes": {},
        "emittedAt": LATE_EVENT,
    }
    return {**payload, "deviceId": DEVICE_ID, "events": [*events, bad, *events]}


def _version_past_u64(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "expectedVersion": 2**64}


UNSTORABLE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "devices_PublishEvents": _late_event,
    "devices_SetProperty": _version_past_u64,
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@scaled(2, phases=(Phase.explicit, Phase.generate))  # shrinking takes minutes here
@given(data=st.data())
def test_a_failing_call_changes_nothing(action: str, data: st.DataObject) -> None:
    before_calls = data.draw(st.lists(valid_calls(), max_size=3), label="before")
    failing = data.draw(failing_calls(action), label="failing")
    after_calls = data.draw(st.lists(valid_calls(), max_size=2), label="after")
    with restoring(POPULATED, BASELINE):
        for call in [*before_calls, failing, *after_calls]:
            call.admit(POPULATED)
            before = POPULATED.snapshot_json()
            error = call.run(POPULATED)
            if call is failing and call.must_fail:
                assert error is not None, call
            if error is not None:
                assert error.status < 500 or call.kind == "fault", (call, error)
                assert POPULATED.snapshot_json() == before, (call, error)
