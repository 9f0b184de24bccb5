"""The journal: every call the hub answered, with actor, input, status and output."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.ids import public_id
from nexigon_fake.serve.transport import InProcessTransport
from nexigon_fake.toolkit.journal import JournalEntry
from nexigon_fake.wire.actor import AnonymousActor, DeviceActor, UserTokenActor
from nexigon_fake.wire.credentials import Credentials
from tests.state.helpers import (
    fingerprint,
    make_device,
    make_project,
    make_token,
    raises,
    set_property,
)

MISSING_DEVICE = "d_" + "1" * 22


def admin_actor(hub: Hub) -> UserTokenActor:
    """The administrator's actor, computed without a call (which would be journaled)."""
    return UserTokenActor(user_id=hub.admin_user_id, token_id=public_id(hub.admin_token))


def last(hub: Hub) -> JournalEntry:
    return hub.journal[-1]


# What an entry holds.


def test_a_successful_call_records_action_actor_input_status_and_output(hub: Hub) -> None:
    actor = admin_actor(hub)
    payload = {"organizationId": hub.default_organization_id, "name": "fleet"}
    output = hub.invoke("projects_Create", payload)
    entry = last(hub)
    assert entry.action == "projects_Create"
    assert entry.actor == actor
    assert entry.input == payload
    assert json.loads(entry.input_json) == payload
    assert entry.status == 200
    assert entry.ok
    assert entry.output == output
    assert entry.fault_injected is False
    assert entry.to_json() == {
        "sequence": entry.sequence,
        "time": "2026-05-04T07:00:00Z",
        "action": "projects_Create",
        "actor": {"actor": "UserToken", "userId": actor.user_id, "tokenId": actor.token_id},
        "input": payload,
        "status": 200,
        "output": output,
        "faultInjected": False,
    }


def test_typed_calls_are_journaled_in_camel_case(hub: Hub) -> None:
    device_id = make_device(hub, make_project(hub))
    hub.devices.set_property(device_id=device_id, name="app.config", value={"x": 1})
    entry = last(hub)
    assert entry.action == "devices_SetProperty"
    assert entry.input == {"deviceId": device_id, "name": "app.config", "value": {"x": 1}}
    assert entry.output == {"result": "Set"}


def test_a_device_actor_is_recorded_as_the_device(hub: Hub) -> None:
    project_id = make_project(hub)
    token_id, token = make_token(hub, project_id, auto_accept=True)
    device = hub.as_device(token, fingerprint())
    actor = device.actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    device.devices.set_property(device_id=actor.device_id, name="app.state", value="up")
    entry = last(hub)
    assert entry.action == "devices_SetProperty"
    assert entry.actor == DeviceActor(device_id=actor.device_id, token_id=token_id)
    assert entry.status == 200
    assert entry.to_json()["actor"] == {
        "actor": "Device",
        "deviceId": actor.device_id,
        "tokenId": token_id,
    }


def test_an_unknown_token_is_journaled_without_actor(hub: Hub) -> None:
    answer = hub.invoke_json("devices_Query", b"{}", Credentials("u_sk_" + "2" * 66))
    assert answer.error is not None
    entry = last(hub)
    assert (entry.action, entry.actor, entry.status) == ("devices_Query", None, 401)
    assert entry.output == {"kind": "Forbidden", "message": answer.error.message}
    assert "not known" in entry.output["message"]


def test_no_credentials_is_journaled_as_anonymous(hub: Hub) -> None:
    hub.invoke_json("devices_Query", b"{}", Credentials())
    entry = last(hub)
    assert entry.actor == AnonymousActor()
    assert entry.status == 401
    assert entry.output["kind"] == "Forbidden"
    assert entry.to_json()["actor"] == {"actor": "Anonymous"}


def test_an_unknown_action_is_journaled_as_invalid_404(hub: Hub) -> None:
    raises("Invalid", 404, hub.invoke, "devices_Explode", {"deviceId": MISSING_DEVICE})
    entry = last(hub)
    assert entry.action == "devices_Explode"
    assert entry.actor is None  # the action is looked up before the caller is authenticated
    assert entry.status == 404
    assert entry.input == {"deviceId": MISSING_DEVICE}
    assert entry.output == {"kind": "Invalid", "message": "Unknown action `devices_Explode`."}


def test_an_invalid_body_is_journaled_with_the_error_naming_the_field(hub: Hub) -> None:
    raises("Invalid", 400, hub.invoke, "devices_GetDetails", {"deviceId": "d_nope"})
    entry = last(hub)
    assert entry.actor == admin_actor(hub)
    assert entry.status == 400
    assert entry.input == {"deviceId": "d_nope"}
    assert entry.output["kind"] == "Invalid"
    assert "$.deviceId" in entry.output["message"]


def test_a_body_that_is_not_json_is_kept_raw(hub: Hub) -> None:
    answer = hub.invoke_json("devices_Query", b"{nope", Credentials(hub.admin_token))
    assert answer.error is not None and answer.error.status == 400
    entry = last(hub)
    assert entry.input_json == b"{nope"
    assert entry.input["$raw"] == "{nope" and entry.input["truncated"] is False
    assert entry.input["reason"].startswith("not JSON")
    assert entry.output["kind"] == "Invalid"
    assert "not valid JSON" in entry.output["message"]


def test_forbidden_and_missing_entities_are_journaled_with_their_status(hub: Hub) -> None:
    project_id = make_project(hub)
    organization_id = hub.default_organization_id
    _, member_token = hub.create_user("member@example.com", organization_id=organization_id)
    member = hub.as_token(member_token)
    raises("Forbidden", 403, member.projects.set_name, project_id=project_id, name="x")
    forbidden = last(hub)
    assert forbidden.action == "projects_SetName"
    assert isinstance(forbidden.actor, UserTokenActor)
    assert forbidden.actor.token_id != admin_actor(hub).token_id
    assert forbidden.status == 403
    assert forbidden.output["kind"] == "Forbidden"
    assert "projects_SetName" in forbidden.output["message"]
    raises("Forbidden", 404, hub.invoke, "devices_GetDetails", {"deviceId": MISSING_DEVICE})
    missing = last(hub)
    assert missing.status == 404
    assert MISSING_DEVICE in missing.output["message"]


def test_entries_keep_call_order_and_increasing_sequence_numbers(hub: Hub) -> None:
    project_id = make_project(hub)
    device_id = make_device(hub, project_id)
    set_property(hub, device_id, "a.b", 1)
    raises("Invalid", 404, hub.invoke, "nope_Nope", {})
    hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": "a.b"})
    entries = hub.journal.entries()
    assert [entry.action for entry in entries] == [
        "projects_Create",
        "devices_Create",
        "devices_SetProperty",
        "nope_Nope",
        "devices_GetProperty",
    ]
    assert [entry.sequence for entry in entries] == [1, 2, 3, 4, 5]
    assert [entry.status for entry in entries] == [200, 200, 200, 404, 200]
    assert list(hub.journal) == entries
    assert len(hub.journal) == 5


def test_entry_time_follows_the_hub_clock(hub: Hub) -> None:
    make_project(hub, "a")
    hub.clock.advance(90.5)
    make_project(hub, "b")
    hub.clock.set(dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    raises("Invalid", 404, hub.invoke, "nope_Nope", {})
    times = [entry.time for entry in hub.journal]
    start = dt.datetime(2026, 5, 4, 7, 0, 0, tzinfo=dt.UTC)
    assert times == [
        start,
        start + dt.timedelta(seconds=90.5),
        dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    ]
    assert [entry.to_json()["time"] for entry in hub.journal] == [
        "2026-05-04T07:00:00Z",
        "2026-05-04T07:01:30.5Z",
        "2030-01-02T03:04:05Z",
    ]


def test_fixture_loading_is_not_journaled_and_faults_do_not_fire_on_it(hub: Hub) -> None:
    hub.faults.inject("*", kind="Internal", times=1)
    hub.load_fixture("showcase")
    assert len(hub.journal) == 0
    assert len(hub.faults.active()) == 1  # still armed: it did not fire during loading
    raises("Internal", 500, hub.invoke, "projects_Query", {})
    assert last(hub).fault_injected


# The cap.


def test_the_cap_drops_the_oldest_entries_and_counts_them() -> None:
    hub = Hub(journal_cap=3)
    names = [f"p{index}" for index in range(5)]
    for name in names:
        make_project(hub, name)
    entries = hub.journal.entries()
    assert [entry.input["name"] for entry in entries] == ["p2", "p3", "p4"]
    assert [entry.sequence for entry in entries] == [3, 4, 5]
    assert hub.journal.dropped == 2
    as_json = hub.journal.to_json()
    assert (as_json["cap"], as_json["dropped"], len(as_json["entries"])) == (3, 2, 3)


def test_a_zero_cap_keeps_nothing_but_counts_everything() -> None:
    hub = Hub(journal_cap=0)
    make_project(hub)
    raises("Invalid", 404, hub.invoke, "nope_Nope", {})
    assert len(hub.journal) == 0
    assert hub.journal.dropped == 2


def test_a_negative_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="cap"):
        Hub(journal_cap=-1)


# Reading and asserting.


def test_calls_filters_by_action_where_in_both_cases_and_status(hub: Hub) -> None:
    project_id = make_project(hub)
    first = make_device(hub, project_id)
    second = make_device(hub, project_id)
    set_property(hub, first, "a.b", 1)
    set_property(hub, second, "a.b", 2)
    set_property(hub, second, "c.d", 3)
    raises("Forbidden", 404, set_property, hub, MISSING_DEVICE, "a.b", 4)
    journal = hub.journal
    assert len(journal.calls("devices_SetProperty")) == 4
    assert len(journal.calls()) == 7
    assert [e.input["value"] for e in journal.calls(where={"device_id": second})] == [2, 3]
    assert [e.input["value"] for e in journal.calls(where={"deviceId": second})] == [2, 3]
    snake = journal.calls("devices_SetProperty", where={"device_id": second, "name": "c.d"})
    camel = journal.calls("devices_SetProperty", where={"deviceId": second, "name": "c.d"})
    assert snake == camel
    assert [e.input["value"] for e in snake] == [3]
    assert journal.calls("devices_SetProperty", where={"device_id": second, "value": 9}) == []
    assert [e.input["value"] for e in journal.calls("devices_SetProperty", status=404)] == [4]
    assert len(journal.calls("devices_SetProperty", status=200)) == 3
    assert len(journal.calls(where={"project_id": project_id})) == 2  # the two devices_Create
    assert journal.calls("devices_Delete") == []


def test_where_on_a_body_that_is_not_an_object_matches_only_an_empty_filter(hub: Hub) -> None:
    hub.invoke_json("projects_QueryDevices", b"[1, 2]", Credentials(hub.admin_token))
    assert len(hub.journal.calls("projects_QueryDevices", where={})) == 1
    assert hub.journal.calls("projects_QueryDevices", where={"project_id": "p_x"}) == []


def test_assert_called_passes_and_returns_the_matching_entries(hub: Hub) -> None:
    project_id = make_project(hub)
    device_id = make_device(hub, project_id)
    set_property(hub, device_id, "a.b", 1)
    set_property(hub, device_id, "a.b", 2)
    where = {"device_id": device_id}
    found = hub.journal.assert_called("devices_SetProperty", times=2, where=where)
    assert [entry.input["value"] for entry in found] == [1, 2]
    assert len(hub.journal.assert_called("devices_SetProperty", where={"value": 2})) == 1
    assert len(hub.journal.assert_called("devices_Create", status=200)) == 1
    hub.journal.assert_not_called("devices_Delete")
    hub.journal.assert_not_called("devices_SetProperty", status=400)
    hub.journal.assert_not_called("devices_SetProperty", where={"deviceId": MISSING_DEVICE})


def test_assert_called_failure_says_what_was_expected_and_what_happened(hub: Hub) -> None:
    project_id = make_project(hub, "fleet")
    with pytest.raises(AssertionError) as info:
        hub.journal.assert_called("devices_Create")
    message = str(info.value)
    assert "expected `devices_Create` to be called at least once" in message
    assert "it was called 0 time(s)" in message
    assert "The journal holds 1 call(s):" in message
    assert "#1 projects_Create -> 200" in message
    assert '"name":"fleet"' in message

    make_device(hub, project_id)
    with pytest.raises(AssertionError) as info:
        hub.journal.assert_called(
            "devices_Create", times=2, where={"project_id": project_id}, status=200
        )
    message = str(info.value)
    assert "to be called 2 time(s)" in message
    assert "it was called 1 time(s)" in message
    assert f"with {{'project_id': '{project_id}'}}" in message
    assert "answering 200" in message
    assert "#2 devices_Create -> 200" in message


def test_assert_not_called_failure_lists_the_calls(hub: Hub) -> None:
    raises("Invalid", 400, hub.invoke, "devices_GetDetails", {"deviceId": "d_nope"})
    with pytest.raises(AssertionError) as info:
        hub.journal.assert_not_called("devices_GetDetails", status=400)
    message = str(info.value)
    assert "expected `devices_GetDetails` answering 400 not to be called" in message
    assert "it was called 1 time(s)" in message
    assert "#1 devices_GetDetails -> 400" in message


def test_failure_message_on_an_empty_journal_and_a_long_one(hub: Hub) -> None:
    with pytest.raises(AssertionError, match=r"The journal is empty\."):
        hub.journal.assert_called("projects_Query")
    for index in range(25):
        make_project(hub, "x" * 120 + str(index))
    with pytest.raises(AssertionError) as info:
        hub.journal.assert_called("projects_Query")
    message = str(info.value)
    assert "The journal holds 25 call(s):" in message
    assert "... 5 earlier call(s) not shown" in message
    assert "#5 projects_Create" not in message
    assert "#6 projects_Create" in message
    assert "#25 projects_Create" in message
    lines = [line for line in message.splitlines() if line.startswith("  #")]
    assert len(lines) == 20
    assert all(line.endswith("...") for line in lines)  # long bodies are shortened


def test_clear_forgets_entries_but_keeps_counting(hub: Hub) -> None:
    make_project(hub)
    make_project(hub)
    hub.journal.clear()
    assert len(hub.journal) == 0
    hub.journal.assert_not_called("projects_Create")
    make_project(hub)
    assert [entry.sequence for entry in hub.journal] == [3]


def test_reset_clears_the_journal_and_restarts_the_sequence(hub: Hub) -> None:
    make_project(hub)
    raises("Invalid", 404, hub.invoke, "nope_Nope", {})
    hub.reset()
    assert len(hub.journal) == 0
    assert hub.journal.dropped == 0
    make_project(hub)
    assert [entry.sequence for entry in hub.journal] == [1]


def test_reset_to_clears_the_journal(hub: Hub) -> None:
    make_project(hub)
    data = hub.snapshot()
    make_project(hub)
    hub.reset_to(data)
    assert len(hub.journal) == 0


def test_restore_keeps_the_journal(hub: Hub) -> None:
    data = hub.snapshot()
    make_project(hub)
    hub.restore(data)
    hub.journal.assert_called("projects_Create", times=1)


# Over HTTP.


def http_client(hub: Hub, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url="http://hub.test",
        headers=headers or {},
    )


def test_http_calls_are_journaled_like_python_calls(hub: Hub) -> None:
    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    with http_client(hub, auth) as http:
        body = {"organizationId": hub.default_organization_id, "name": "fleet"}
        created = http.post("/api/v1/actions/invoke/projects_Create", json=body)
        assert created.status_code == 200
        bad = http.post("/api/v1/actions/invoke/projects_Create", content=b'{"name": 1}')
        assert bad.status_code == 400
    first, second = hub.journal.entries()
    assert first.actor == admin_actor(hub)
    assert first.input == body
    assert first.output == created.json()
    assert first.output_json == created.content
    assert second.input_json == b'{"name": 1}'
    assert second.status == 400
    assert second.output == bad.json()


def test_a_malformed_authorization_header_is_journaled_as_failed_auth(hub: Hub) -> None:
    """A request whose credentials cannot be read is still an invocation: journaled, no actor."""
    with http_client(hub, {"Authorization": "Basic YWRtaW46YWRtaW4="}) as http:
        response = http.post("/api/v1/actions/invoke/devices_Query", json={})
    assert response.status_code == 401
    assert response.json()["kind"] == "Forbidden"
    entries = hub.journal.calls("devices_Query")
    assert len(entries) == 1, "the call answered 401 but is missing from the journal"
    (entry,) = entries
    assert (entry.actor, entry.status, entry.input) == (None, 401, {})
    assert entry.output == response.json()
