"""Hooks: a callable runs just before or after an action, may call the hub, and is bounded."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import ActionError, InternalError, InvalidError, RateLimitedError
from nexigon_fake.toolkit.hooks import MAX_HOOKS, HookCall
from nexigon_fake.wire.credentials import Credentials
from tests.state.helpers import make_device, make_project, make_token, set_property


@pytest.fixture
def device(hub: Hub) -> str:
    return make_device(hub, make_project(hub))


def get_property(hub: Hub, device_id: str, name: str) -> dict[str, Any]:
    return hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": name})


def test_a_before_hook_makes_a_concurrent_write_between_read_and_write(
    hub: Hub, device: str
) -> None:
    set_property(hub, device, "config.mode", "a")
    version = get_property(hub, device, "config.mode")["version"]

    def concurrent_write(call: HookCall) -> None:
        set_property(hub, device, "config.mode", "other writer")

    hub.hooks.before("devices_SetProperty", concurrent_write, times=1)
    answer = set_property(hub, device, "config.mode", "b", expectedVersion=version)
    assert answer == {"result": "VersionConflict", "currentVersion": version + 1}
    assert get_property(hub, device, "config.mode")["value"] == "other writer"
    values = [entry.input["value"] for entry in hub.journal.calls("devices_SetProperty")]
    assert values == ["a", "other writer", "b"]  # the hook's write is journaled first


def test_a_hook_is_told_the_call_and_an_after_hook_its_output(hub: Hub, device: str) -> None:
    seen: list[HookCall] = []
    hub.hooks.before("devices_SetProperty", seen.append)
    hub.hooks.after("devices_SetProperty", seen.append)
    set_property(hub, device, "a.b", 1)
    payload = {"deviceId": device, "name": "a.b", "value": 1}
    assert seen == [
        HookCall("devices_SetProperty", payload),
        HookCall("devices_SetProperty", payload, {"result": "Set"}),
    ]


def test_an_after_hook_runs_only_after_a_success(hub: Hub, device: str) -> None:
    hook = hub.hooks.after("devices_SetProperty", lambda call: None)
    with pytest.raises(ActionError):
        set_property(hub, "d_" + "1" * 22, "a.b", 1)
    assert hook.fired == 0
    set_property(hub, device, "a.b", 1)
    assert hook.fired == 1


def test_a_refused_call_consumes_no_hook(hub: Hub, device: str) -> None:
    project = make_project(hub, "other")
    _, token = make_token(hub, project)
    hook = hub.hooks.before("devices_GetDetails", lambda call: None, times=1)
    with pytest.raises(ActionError):
        hub.invoke("devices_GetDetails", {"deviceId": device}, token=token)
    assert (hook.fired, hook.remaining) == (0, 1)


def test_times_bounds_the_firings_and_then_disarms(hub: Hub, device: str) -> None:
    fired: list[int] = []
    hook = hub.hooks.before("devices_SetProperty", lambda call: fired.append(1), times=2)
    for value in range(4):
        set_property(hub, device, "a.b", value)
    assert (len(fired), hook.fired, hook.remaining) == (2, 2, 0)
    assert hub.hooks.active() == []
    unlimited = hub.hooks.before("devices_SetProperty", lambda call: None)
    for value in range(3):
        set_property(hub, device, "a.b", value)
    assert (unlimited.fired, unlimited.remaining) == (3, None)


def test_where_filters_by_input_fields_in_either_spelling(hub: Hub, device: str) -> None:
    other = make_device(hub, make_project(hub, "second"))
    snake = hub.hooks.before("devices_SetProperty", lambda call: None, where={"device_id": other})
    camel = hub.hooks.after("*", lambda call: None, where={"deviceId": device, "value": 2})
    set_property(hub, device, "a.b", 1)
    set_property(hub, device, "a.b", 2)
    set_property(hub, other, "a.b", 2)
    assert (snake.fired, camel.fired) == (1, 1)


def test_device_and_project_limits_read_the_resolved_target(hub: Hub) -> None:
    project = make_project(hub)
    mine, theirs = make_device(hub, project), make_device(hub, make_project(hub, "other"))
    certificate = hub.invoke(
        "devices_AddCertificate", {"deviceId": mine, "fingerprint": ":".join(["AB"] * 32)}
    )["certificateId"]
    on_device = hub.hooks.before("*", lambda call: None, device_id=mine)
    on_project = hub.hooks.after("devices_SetProperty", lambda call: None, project_id=project)
    hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate, "status": "Active"})
    assert on_device.fired == 1  # the call names a certificate of the device
    set_property(hub, theirs, "a.b", 1)
    assert (on_device.fired, on_project.fired) == (1, 0)
    set_property(hub, mine, "a.b", 1)
    assert (on_device.fired, on_project.fired) == (2, 1)
    assert f"hook #{on_device.hook_id} before `*` device {mine}:" in on_device.describe()


def test_calls_made_inside_a_hook_fire_no_hooks(hub: Hub, device: str) -> None:
    def write_again(call: HookCall) -> None:
        set_property(hub, device, "a.b", "from the hook")

    before = hub.hooks.before("devices_SetProperty", write_again)
    after = hub.hooks.after("devices_SetProperty", write_again)
    set_property(hub, device, "a.b", "from the test")
    assert (before.fired, after.fired) == (1, 1)
    assert len(hub.journal.calls("devices_SetProperty")) == 3


def test_a_hook_raising_an_action_error_is_the_answer_and_the_handler_does_not_run(
    hub: Hub, device: str
) -> None:
    def refuse(call: HookCall) -> None:
        raise RateLimitedError("slow down")

    hub.hooks.before("devices_SetProperty", refuse)
    with pytest.raises(RateLimitedError, match="slow down"):
        set_property(hub, device, "a.b", 1)
    assert get_property(hub, device, "a.b") == {"result": "NotFound"}
    entry = hub.journal.calls("devices_SetProperty")[-1]
    assert (entry.status, entry.output) == (429, {"kind": "RateLimited", "message": "slow down"})


def test_a_hook_raising_anything_else_answers_internal_with_it_as_the_cause(
    hub: Hub, device: str
) -> None:
    def broken(call: HookCall) -> None:
        raise AssertionError("the hook's own check")

    hub.hooks.before("devices_SetProperty", broken)
    with pytest.raises(InternalError) as info:
        set_property(hub, device, "a.b", 1)
    assert isinstance(info.value.__cause__, AssertionError)
    assert "hook #1 before `devices_SetProperty`" in info.value.message
    assert "the hook's own check" in info.value.message
    assert hub.journal[-1].status == 500


def test_an_after_hook_raising_fails_the_caller_but_the_call_stays_done(
    hub: Hub, device: str
) -> None:
    def broken(call: HookCall) -> None:
        raise ValueError("after")

    hub.hooks.after("devices_SetProperty", broken)
    with pytest.raises(InternalError):
        set_property(hub, device, "a.b", 1)
    assert get_property(hub, device, "a.b")["value"] == 1
    assert hub.journal.calls("devices_SetProperty")[-1].status == 200


def test_hooks_fire_for_http_calls(hub: Hub, device: str) -> None:
    seen: list[str] = []
    hub.hooks.before("devices_SetProperty", lambda call: seen.append(call.input["name"]))
    body = b'{"deviceId": "%s", "name": "x.y", "value": 1}' % device.encode()
    answer = hub.invoke_json("devices_SetProperty", body, Credentials(hub.admin_token))
    assert answer.error is None and seen == ["x.y"]


def test_loading_a_fixture_fires_no_hooks(hub: Hub) -> None:
    hook = hub.hooks.before("*", lambda call: None)
    hub.load_fixture("showcase")
    assert hook.fired == 0


def test_reset_disarms_hooks_restore_keeps_them(hub: Hub, device: str) -> None:
    snapshot = hub.snapshot()
    hook = hub.hooks.before("devices_SetProperty", lambda call: None)
    hub.restore(snapshot)
    assert hub.hooks.active() == [hook]
    hub.reset()
    assert hub.hooks.active() == []
    assert hub.hooks.before("*", lambda call: None).hook_id == 1


def test_remove_and_clear(hub: Hub) -> None:
    first = hub.hooks.before("*", lambda call: None)
    second = hub.hooks.after("*", lambda call: None)
    hub.hooks.remove(first)
    hub.hooks.remove(first)  # no longer armed: nothing happens
    assert hub.hooks.active() == [second]
    hub.hooks.clear()
    assert len(hub.hooks) == 0


def test_to_json_describes_each_hook(hub: Hub) -> None:
    def note(call: HookCall) -> None:
        pass

    hub.hooks.after("devices_SetProperty", note, times=2, where={"name": "a.b"})
    assert hub.hooks.to_json() == {
        "hooks": [
            {
                "id": 1,
                "when": "after",
                "action": "devices_SetProperty",
                "where": {"name": "a.b"},
                "deviceId": None,
                "projectId": None,
                "times": 2,
                "remaining": 2,
                "fired": 0,
                "description": ("calls test_to_json_describes_each_hook.<locals>.note"),
            }
        ]
    }


@pytest.mark.parametrize(
    ("action", "arguments", "fragments"),
    [
        ("devices_SetPropery", {}, ["`devices_SetPropery`", "did you mean `devices_SetProperty`"]),
        ("devices_InvokeCommand", {}, ["`devices_InvokeCommand`", "command handler"]),
        ("devices_SetProperty", {"times": 0}, ["`times`", "0"]),
        ("devices_SetProperty", {"times": True}, ["`times`"]),
        ("devices_SetProperty", {"fn": 42}, ["callable", "int"]),
        ("devices_SetProperty", {"device_id": "p_" + "1" * 22}, ["$.deviceId"]),
        ("devices_SetProperty", {"project_id": "nope"}, ["$.projectId"]),
        (
            "devices_SetProperty",
            {"where": {"devcie_id": "d_x"}},
            ["`devcie_id`", "did you mean `deviceId`", "deviceId, name, value"],
        ),
    ],
)
def test_bad_arguments_are_invalid_and_arm_nothing(
    hub: Hub, action: str, arguments: dict[str, Any], fragments: list[str]
) -> None:
    fn = arguments.pop("fn", lambda call: None)
    with pytest.raises(InvalidError) as info:
        hub.hooks.before(action, fn, **arguments)
    for fragment in fragments:
        assert fragment in info.value.message, (fragment, info.value.message)
    assert hub.hooks.active() == []


def test_an_async_hook_is_refused(hub: Hub) -> None:
    async def later(call: HookCall) -> None:
        pass

    with pytest.raises(InvalidError, match="later is async"):
        hub.hooks.before("*", later)
    assert hub.hooks.active() == []


def test_add_refuses_an_unknown_moment(hub: Hub) -> None:
    with pytest.raises(InvalidError, match="`before` or `after`"):
        hub.hooks.add("during", "*", lambda call: None)


def test_at_most_a_thousand_hooks_are_armed(hub: Hub) -> None:
    for _ in range(MAX_HOOKS):
        hub.hooks.before("*", lambda call: None)
    with pytest.raises(InvalidError, match="1000 are armed already"):
        hub.hooks.after("*", lambda call: None)
    assert len(hub.hooks) == MAX_HOOKS
    hub.hooks.clear()
    hub.hooks.after("*", lambda call: None)


def test_assert_all_fired_names_each_hook_not_fired_as_armed(hub: Hub, device: str) -> None:
    done = hub.hooks.before("devices_SetProperty", lambda call: None, times=1)
    partly = hub.hooks.before("devices_SetProperty", lambda call: None, times=3)
    never = hub.hooks.after("devices_Delete", lambda call: None)
    ever = hub.hooks.after("devices_SetProperty", lambda call: None)
    set_property(hub, device, "a.b", 1)
    with pytest.raises(AssertionError) as info:
        hub.hooks.assert_all_fired()
    message = str(info.value)
    assert message.startswith("2 armed hook(s) never fired as armed:")
    assert f"hook #{partly.hook_id} before `devices_SetProperty`" in message
    assert "(fired 1 of 3 time(s))" in message
    assert f"hook #{never.hook_id} after `devices_Delete`" in message
    assert f"hook #{done.hook_id} " not in message and f"hook #{ever.hook_id} " not in message
    hub.hooks.remove(partly)
    hub.hooks.remove(never)
    hub.hooks.assert_all_fired()
