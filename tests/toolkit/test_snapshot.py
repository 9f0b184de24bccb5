"""Snapshots: the whole state out and back in, exactly, and refused when malformed."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import ActionError, InvalidError
from nexigon_fake.toolkit.snapshot import Baseline
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.credentials import Credentials
from tests.state.helpers import (
    add_certificate,
    cert_fingerprint,
    connect,
    disconnect,
    event_id,
    fingerprint,
    make_device,
    make_organization,
    make_pem,
    make_project,
    make_repository,
    make_token,
    raises,
    set_property,
)

MISSING_DEVICE = "d_" + "1" * 22
NODE = "cluster_node_" + "9" * 22
MISSING_PROJECT = "p_" + "1" * 22
MISSING_ORGANIZATION = "org_" + "1" * 22


def rich_workload(hub: Hub) -> dict[str, str]:
    """A hub touching every table; returns the ids later steps need."""
    organization_id = hub.default_organization_id
    project_id = make_project(hub, "fleet")
    other_project = make_project(hub, "lab")
    token_id, token = make_token(hub, project_id, auto_accept=True, name="auto")
    make_token(hub, project_id, auto_accept=False, name="manual")
    first = make_device(hub, project_id)
    second = make_device(hub, project_id)
    doomed = make_device(hub, other_project)
    hub.invoke("devices_SetName", {"deviceId": first, "name": "rpi-1"})
    certificate = add_certificate(hub, first, cert_fingerprint())
    hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate, "status": "Active"})
    shared = cert_fingerprint()
    add_certificate(hub, first, shared)
    add_certificate(hub, second, shared)  # both now in Conflict
    add_certificate(hub, second, cert_fingerprint())  # Pending
    hub.clock.advance(5.25)
    open_connection = connect(hub, first)
    closed = connect(hub, second)
    hub.clock.advance(30)
    disconnect(hub, closed)
    set_property(hub, first, "dev.nexigon.system.info", {"hostname": "rpi-lab-1"})
    set_property(hub, first, "app.config", {"x": 1}, protected=True)
    set_property(hub, first, "app.config", {"x": 2})
    set_property(hub, second, "gone", 1)
    hub.invoke("devices_RemoveProperty", {"deviceId": second, "name": "gone"})
    events = [
        {
            "eventId": event_id(),
            "category": "ota" if index == 0 else None,
            "severity": "Info",
            "body": {"n": index},
            "attributes": {"i": index},
            "emittedAt": f"2026-05-04T07:00:0{index}.5Z",
        }
        for index in range(3)
    ]
    hub.invoke("devices_PublishEvents", {"deviceId": first, "events": events})
    repository_id = make_repository(hub, "images")
    hub.invoke("projects_LinkRepository", {"projectId": project_id, "repositoryId": repository_id})
    hub.invoke(
        "projects_SetOtlpConfig",
        {
            "projectId": project_id,
            "config": {
                "enabled": True,
                "endpoint": "https://otel.example.com/v1/logs",
                "headers": {"authorization": "secret"},
            },
        },
    )
    pem, _ = make_pem()
    admitted = hub.as_device(token, fingerprint(), pem)
    admitted_actor = admitted.actor.get_actor().actor
    assert isinstance(admitted_actor, DeviceActor)
    admitted.devices.set_property(device_id=admitted_actor.device_id, name="app.state", value="up")
    hub.invoke("devices_Delete", {"deviceId": doomed})
    make_organization(hub, "other")
    hub.create_user("member@example.com", organization_id=organization_id)
    hub.create_organization_api_token(organization_id)
    user = hub.invoke("users_Create", {"email": "dev@example.com", "displayName": "Dev"})
    hub.invoke("users_CreateToken", {"userId": user["userId"], "name": "laptop"})
    hub.invoke("devices_IssueDeviceToken", {"deviceId": first, "claims": {"aud": "x"}})
    hub.clock.advance(60)
    return {
        "project": project_id,
        "other_project": other_project,
        "first": first,
        "second": second,
        "doomed": doomed,
        "token": token,
        "token_id": token_id,
        "connection": open_connection,
        "repository": repository_id,
    }


@pytest.fixture
def rich() -> tuple[Hub, dict[str, str]]:
    hub = Hub(seed=3)
    return hub, rich_workload(hub)


def continuation(hub: Hub, ids: dict[str, str]) -> list[tuple[int, bytes]]:
    """Twenty calls that draw ids, secrets and timestamps; status and raw answer of each."""
    admin = Credentials(hub.admin_token)
    results: list[tuple[int, bytes]] = []

    def call(action: str, payload: dict[str, Any], credentials: Credentials = admin) -> Any:
        answer = hub.invoke_json(action, json.dumps(payload).encode(), credentials)
        answer.wait()
        status = 200 if answer.error is None else answer.error.status
        results.append((status, answer.output_json))
        return json.loads(answer.output_json)

    organization_id = hub.default_organization_id
    project = call("projects_Create", {"organizationId": organization_id, "name": "next"})
    device = call(
        "devices_Create", {"projectId": project["projectId"], "fingerprint": "d_sk_" + "5" * 44}
    )
    call("devices_SetProperty", {"deviceId": ids["first"], "name": "app.config", "value": 3})
    call("devices_GetProperty", {"deviceId": ids["first"], "name": "app.config"})
    jwt = call("devices_IssueDeviceToken", {"deviceId": device["deviceId"], "claims": None})
    call("devices_ValidateDeviceToken", {"jwt": jwt["jwt"]})
    call("projects_CreateDeploymentToken", {"projectId": ids["project"], "name": "more"})
    call(
        "devices_AddCertificate", {"deviceId": device["deviceId"], "fingerprint": "AB:" * 31 + "CD"}
    )
    hub.clock.advance(17)
    call(
        "devices_RegisterConnection",
        {"deviceId": ids["second"], "nodeId": NODE, "connectionId": "d_conn_" + "6" * 22},
    )
    call(
        "devices_UnregisterConnection",
        {"connectionId": ids["connection"], "endReason": "Disconnected"},
    )
    call("devices_GetDetails", {"deviceId": ids["first"]})
    call("devices_GetDetails", {"deviceId": ids["doomed"]})  # deleted: 404
    device_credentials = Credentials(ids["token"], "d_sk_" + "7" * 44)
    call("actor_GetActor", {}, device_credentials)  # admits a new device
    call("projects_QueryDevices", {"projectId": ids["project"]})
    call(
        "devices_IssueHttpProxyToken",
        {"deviceId": ids["first"], "port": 80, "redirect": "https://app.example.com/"},
    )
    call(
        "projects_LinkRepository",
        {"projectId": project["projectId"], "repositoryId": ids["repository"]},
    )
    call("projects_Delete", {"projectId": ids["other_project"]})
    call("projects_QueryAuditLog", {"projectId": ids["project"]})
    call("devices_QueryAuditLog", {"deviceId": ids["first"]})
    call("organizations_QueryProjects", {"organizationId": organization_id})
    return results


# Round trips.


def test_restore_then_snapshot_is_the_identity_after_a_rich_workload(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    original, _ = rich
    data = original.snapshot()
    restored = Hub()
    restored.restore(data)
    assert restored.snapshot() == data
    assert restored.snapshot_json() == original.snapshot_json()
    assert restored.seed == 3
    assert restored.admin_token == original.admin_token
    assert restored.default_organization_id == original.default_organization_id
    assert restored.clock.now() == original.clock.now()


def test_the_snapshot_covers_every_part_of_the_workload(rich: tuple[Hub, dict[str, str]]) -> None:
    """Guards the workload itself: a snapshot test is only as good as what it snapshots."""
    hub, ids = rich
    data = hub.snapshot()
    statuses = sorted(certificate["status"] for certificate in data["certificates"])
    assert statuses == ["Active", "Active", "Conflict", "Conflict", "Pending"]
    assert sorted(c["ended_at"] is None for c in data["connections"]) == [False, True]
    assert ids["doomed"] not in {device["device_id"] for device in data["devices"]}
    assert len(data["devices"]) == 3
    project = next(p for p in data["projects"] if p["project_id"] == ids["project"])
    assert project["otlp"]["enabled"] is True
    assert list(project["repository_ids"]) == [ids["repository"]]
    assert len(project["token_ids"]) == 2
    first = next(d for d in data["devices"] if d["device_id"] == ids["first"])
    assert len(first["events"]) == 3
    assert first["properties"]["app.config"]["version"] == 2
    assert len(data["organizations"]) == 2
    assert len(data["organization_tokens"]) == 1
    assert len(data["users"]) == 3
    assert len(data["audit"]) > 20


def test_the_restored_hub_answers_the_next_calls_byte_for_byte_like_the_original(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    original, ids = rich
    restored = Hub()
    restored.restore(original.snapshot())
    expected = continuation(original, ids)
    assert len(expected) == 20
    assert [status for status, _ in expected].count(200) == 19  # the deleted device is 404
    assert continuation(restored, ids) == expected
    assert restored.snapshot_json() == original.snapshot_json()


def test_restore_into_a_hub_with_another_seed_continues_as_the_original(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    original, ids = rich
    other = Hub(seed=12345)
    make_project(other, "noise")
    other.restore(original.snapshot_json())
    assert other.seed == 3
    assert continuation(other, ids) == continuation(original, ids)


def test_a_snapshot_survives_a_json_round_trip(rich: tuple[Hub, dict[str, str]]) -> None:
    original, ids = rich
    text = json.dumps(original.snapshot())
    from_text = Hub()
    from_text.restore(json.loads(text))
    from_str = Hub()
    from_str.restore(text)
    from_bytes = Hub()
    from_bytes.restore(original.snapshot_json())
    expected = original.snapshot()
    assert from_text.snapshot() == expected
    assert from_str.snapshot() == expected
    assert from_bytes.snapshot() == expected
    assert continuation(from_text, ids) == continuation(original, ids)


def test_a_snapshot_is_plain_json_data(rich: tuple[Hub, dict[str, str]]) -> None:
    """``snapshot()`` promises JSON data: what ``json.loads`` gives back, not tuples."""
    hub, _ = rich
    data = hub.snapshot()
    assert json.loads(json.dumps(data)) == data
    assert json.loads(hub.snapshot_json()) == data


def test_a_snapshot_of_a_running_clock_restores_a_running_clock() -> None:
    running = Hub(frozen_clock=False, start_time=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    data = running.snapshot()
    assert data["clock"]["frozen"] is False
    restored = Hub()
    restored.restore(data)
    assert restored.clock.frozen is False
    assert restored.clock.now() >= dt.datetime(2031, 1, 1, tzinfo=dt.UTC)


def test_a_snapshot_keeps_the_loaded_fixture() -> None:
    hub = Hub()
    loaded = hub.load_fixture("showcase")
    restored = Hub()
    restored.restore(hub.snapshot())
    assert restored.fixture is not None
    assert restored.fixture.to_json() == loaded.to_json()
    assert restored.snapshot() == hub.snapshot()


def test_restore_keeps_journal_and_faults(hub: Hub) -> None:
    data = Hub(seed=9).snapshot()
    make_project(hub)
    fault = hub.faults.inject("projects_Query", kind="Internal")
    hub.restore(data)
    assert hub.faults.active() == [fault]
    hub.journal.assert_called("projects_Create", times=1)
    raises("Internal", 500, hub.invoke, "projects_Query", {})


# Malformed and inconsistent snapshots.


def mutate_device(hub_data: dict[str, Any], device_id: str, **fields: Any) -> None:
    device = next(d for d in hub_data["devices"] if d["device_id"] == device_id)
    device.update(fields)


Mutation = Callable[[dict[str, Any], dict[str, str]], Any]

MALFORMED: dict[str, tuple[Mutation, str]] = {
    "wrong format string": (
        lambda data, ids: data.update(format="nexigon-fake-snapshot/2"),
        "format",
    ),
    "missing table": (lambda data, ids: data.pop("devices"), "devices"),
    "missing random state": (lambda data, ids: data.pop("random_state"), "random_state"),
    "table of wrong type": (lambda data, ids: data.update(devices={"a": 1}), "devices"),
    "seed of wrong type": (lambda data, ids: data.update(seed="3"), "seed"),
    "row of wrong type": (
        lambda data, ids: data["projects"][0].update(created_at="yesterday"),
        "created_at",
    ),
    "unknown top-level field": (lambda data, ids: data.update(extra=1), "extra"),
    "device pointing at an unknown project": (
        lambda data, ids: mutate_device(data, ids["first"], project_id=MISSING_PROJECT),
        MISSING_PROJECT,
    ),
    "project pointing at an unknown organization": (
        lambda data, ids: data["projects"][0].update(organization_id=MISSING_ORGANIZATION),
        MISSING_ORGANIZATION,
    ),
    "certificate of an unknown device": (
        lambda data, ids: data["certificates"][0].update(device_id=MISSING_DEVICE),
        MISSING_DEVICE,
    ),
    "a certificate fingerprint that is not one": (
        lambda data, ids: data["certificates"][0].update(fingerprint="AB:CD"),
        "fingerprint",
    ),
    "connection of an unknown device": (
        lambda data, ids: data["connections"][0].update(device_id=MISSING_DEVICE),
        MISSING_DEVICE,
    ),
    # An unknown one is fine (the default organization may have been deleted); a malformed
    # one is not.
    "malformed default organization": (
        lambda data, ids: data.update(default_organization_id="org_nope"),
        "default_organization_id",
    ),
    "admin token of nobody": (
        lambda data, ids: data.update(admin_token="u_sk_" + "1" * 66),
        "admin_token",
    ),
    "duplicate device": (
        lambda data, ids: data["devices"].append(copy.deepcopy(data["devices"][0])),
        "duplicate",
    ),
    "random state of the wrong size": (
        lambda data, ids: data.update(random_state=[3, [1, 2, 3], None]),
        "random_state",
    ),
    "random state of another version": (
        lambda data, ids: data.update(random_state=[99, data["random_state"][1], None]),
        "random_state",
    ),
    "random state with negative words": (
        lambda data, ids: data.update(random_state=[3, [-1] * 625, None]),
        "random_state",
    ),
    "random state of wrong type": (
        lambda data, ids: data.update(random_state="abc"),
        "random_state",
    ),
    "naive clock": (
        lambda data, ids: data["clock"].update(now="2026-05-04T07:00:00"),
        "clock.now",
    ),
    "jwt secret not base64": (lambda data, ids: data.update(jwt_secret="!!!"), "jwt_secret"),
    "unknown audit actor": (
        lambda data, ids: data["audit"][0]["actor"].update(actor="Robot"),
        "actor",
    ),
    "fixture record not an object": (lambda data, ids: data.update(fixture=[1]), "fixture"),
    "audit time without offset": (
        lambda data, ids: data["audit"][0].update(created_at="2026-05-04T07:00:00"),
        "audit[0].created_at",
    ),
    "event ids disagree with the events": (
        lambda data, ids: device_of(data, ids["first"])["event_ids"].popitem(),
        "`event_ids` disagrees",
    ),
    "an event id twice": (
        lambda data, ids: device_of(data, ids["first"])["events"].append(
            copy.deepcopy(device_of(data, ids["first"])["events"][0])
        ),
        "two events with one id",
    ),
    "an event with two emission times": (
        lambda data, ids: device_of(data, ids["first"])["events"][0].update(
            emitted_at="2026-05-04T09:00:00Z"
        ),
        "two emission times",
    ),
}


def device_of(data: dict[str, Any], device_id: str) -> dict[str, Any]:
    return next(device for device in data["devices"] if device["device_id"] == device_id)


def assert_refused(hub: Hub, data: Any, *fragments: str) -> InvalidError:
    """``restore`` is Invalid 400 and the hub is exactly as before (state, journal, faults)."""
    before = hub.snapshot_json()
    journal = len(hub.journal)
    faults = hub.faults.active()
    with pytest.raises(InvalidError) as info:
        hub.restore(data)
    error = info.value
    assert (error.kind, error.status) == ("Invalid", 400)
    assert error.message.startswith("Not a valid snapshot") or "fixture" in error.message
    for fragment in fragments:
        assert fragment in error.message, (fragment, error.message)
    assert hub.snapshot_json() == before
    assert len(hub.journal) == journal
    assert hub.faults.active() == faults
    hub.invoke("projects_Query", {})  # still answers as the same hub
    return error


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_snapshot_is_invalid_and_changes_nothing(
    rich: tuple[Hub, dict[str, str]], case: str
) -> None:
    original, ids = rich
    mutation, fragment = MALFORMED[case]
    data = original.snapshot()
    mutation(data, ids)
    target = Hub(seed=8)
    make_project(target, "kept")
    target.faults.inject("devices_Delete", kind="Internal")
    assert_refused(target, data, fragment)
    assert_refused(target, json.dumps(data), fragment)


@pytest.mark.parametrize(
    "data",
    [[], 42, None, "[]", "not json", b"{", b"", "null"],
    ids=["list", "number", "none", "json array", "not json", "truncated", "empty", "json null"],
)
def test_something_that_is_not_a_snapshot_object_is_invalid(hub: Hub, data: Any) -> None:
    make_project(hub)
    assert_refused(hub, data)


def test_an_empty_object_names_the_first_missing_field(hub: Hub) -> None:
    assert_refused(hub, {}, "format")


# Inconsistencies the checker should catch: each passes the reference check but breaks later
# calls (500s) or the wire format.


def move_device_to_other_project(data: dict[str, Any], ids: dict[str, str]) -> None:
    """The device says it belongs to `other_project`; `project` still lists it."""
    mutate_device(data, ids["first"], project_id=ids["other_project"])


def drop_project_from_its_organization(data: dict[str, Any], ids: dict[str, str]) -> None:
    organization = next(o for o in data["organizations"] if ids["project"] in o["project_ids"])
    del organization["project_ids"][ids["project"]]


def rename_device_to_a_malformed_id(data: dict[str, Any], ids: dict[str, str]) -> None:
    """Rename a device consistently everywhere, to an id that is not a device id."""
    text = json.dumps(data).replace(ids["second"], "garbage")
    data.clear()
    data.update(json.loads(text))


INCONSISTENT: dict[str, Mutation] = {
    "device and project disagree": move_device_to_other_project,
    "project missing from its organization": drop_project_from_its_organization,
    "empty jwt secret": lambda data, ids: data.update(jwt_secret=""),
    "malformed device id": rename_device_to_a_malformed_id,
}


@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_an_inconsistent_snapshot_is_invalid_and_changes_nothing(
    rich: tuple[Hub, dict[str, str]], case: str
) -> None:
    original, ids = rich
    data = original.snapshot()
    INCONSISTENT[case](data, ids)
    target = Hub(seed=8)
    assert_refused(target, data)


def test_a_malformed_fixture_record_is_invalid_and_changes_nothing(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    original, _ = rich
    data = original.snapshot()
    data["fixture"] = {"bogus": 1}
    target = Hub(seed=8)
    make_project(target, "kept")
    assert_refused(target, data)


# Baselines and resets.


def test_reset_after_reset_to_returns_to_that_baseline(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    original, ids = rich
    baseline = original.snapshot()
    hub = Hub()
    hub.reset_to(baseline)
    assert hub.snapshot() == baseline
    first_run = continuation(hub, ids)
    hub.faults.inject("*", kind="Internal")
    hub.reset()
    assert hub.snapshot() == baseline
    assert len(hub.journal) == 0
    assert hub.faults.active() == []
    assert continuation(hub, ids) == first_run


def test_every_reset_to_the_same_baseline_is_that_baseline_exactly(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    """The second reset keeps the restored state, the later ones start from it: all alike."""
    original, ids = rich
    baseline = original.snapshot_json()
    hub = Hub()
    runs = []
    for _ in range(4):
        hub.reset_to(baseline)
        assert hub.snapshot_json() == baseline
        runs.append(continuation(hub, ids))
        hub.reset()
        assert hub.snapshot_json() == baseline
    assert all(run == runs[0] for run in runs)
    assert hub.snapshot_json() == baseline


def test_hubs_reset_to_one_baseline_are_alike_and_independent(
    rich: tuple[Hub, dict[str, str]],
) -> None:
    """A ``Baseline`` restores from JSON once, then from its kept state: every hub the same,
    and none sees another's changes."""
    original, ids = rich
    baseline = Baseline(original.snapshot_json())
    hubs = [Hub() for _ in range(3)]
    runs = []
    for hub in hubs:
        hub.reset_to(baseline)
        assert hub.snapshot_json() == baseline.json
        runs.append(continuation(hub, ids))
    assert runs[1] == runs[0] and runs[2] == runs[0]
    assert len({hub.snapshot_json() for hub in hubs}) == 1  # each moved on alike, apart
    make_project(hubs[0], "only here")
    assert hubs[1].snapshot_json() == hubs[2].snapshot_json() != hubs[0].snapshot_json()
    hubs[1].reset()
    assert hubs[1].snapshot_json() == baseline.json


def test_a_new_baseline_replaces_the_kept_one(rich: tuple[Hub, dict[str, str]]) -> None:
    original, _ = rich
    hub = Hub()
    for _ in range(3):
        hub.reset_to(original.snapshot_json())  # equal, but a new object each time
    make_project(hub, "later")
    hub.set_baseline()
    later = hub.snapshot_json()
    for _ in range(3):
        hub.reset()
        assert hub.snapshot_json() == later


def test_reset_to_clears_journal_and_faults(hub: Hub) -> None:
    make_project(hub)
    hub.faults.inject("*", kind="Internal")
    hub.reset_to(Hub(seed=4).snapshot_json())
    assert len(hub.journal) == 0
    assert hub.faults.active() == []
    assert hub.seed == 4


def test_a_refused_reset_to_keeps_baseline_journal_and_faults(hub: Hub) -> None:
    baseline = Hub(seed=4).snapshot()
    hub.reset_to(baseline)
    make_project(hub)
    hub.faults.inject("projects_Query", kind="Internal")
    with pytest.raises(InvalidError):
        hub.reset_to({"format": "nope"})
    assert len(hub.journal) == 1
    assert len(hub.faults.active()) == 1
    hub.reset()
    assert hub.snapshot() == baseline


def test_set_baseline_makes_reset_return_to_the_current_state(hub: Hub) -> None:
    project_id = make_project(hub)
    hub.clock.advance(10)
    hub.set_baseline()
    baseline = hub.snapshot()
    make_device(hub, project_id)
    hub.clock.advance(10)
    hub.reset()
    assert hub.snapshot() == baseline


def test_reset_with_another_seed_rebuilds_a_fresh_hub(rich: tuple[Hub, dict[str, str]]) -> None:
    hub, _ = rich
    hub.set_baseline()
    hub.reset(seed=21)
    fresh = Hub(seed=21)
    assert hub.seed == 21
    assert hub.snapshot() == fresh.snapshot()
    assert hub.admin_token == fresh.admin_token
    make_project(hub)
    hub.reset()  # the baseline belonged to the old seed: rebuild again from seed 21
    assert hub.snapshot() == fresh.snapshot()


def test_reset_without_a_baseline_rebuilds_from_the_seed() -> None:
    hub = Hub(seed=6)
    make_project(hub)
    hub.clock.advance(100)
    hub.reset()
    assert hub.snapshot() == Hub(seed=6).snapshot()


def test_restored_credentials_keep_working(rich: tuple[Hub, dict[str, str]]) -> None:
    original, ids = rich
    restored = Hub()
    restored.restore(original.snapshot())
    answer = restored.invoke("actor_GetActor", {})
    assert answer["actor"]["userId"] == original.admin_user_id
    session = restored.as_device(ids["token"], "d_sk_" + "8" * 44)
    actor = session.actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    assert actor.token_id == ids["token_id"]
    with pytest.raises(ActionError) as info:
        Hub().invoke("actor_GetActor", {}, token=original.admin_token)
    assert info.value.status == 401  # the token is the restored hub's, not any hub's


def test_python_values_that_are_not_json_are_invalid(rich: tuple[Hub, dict[str, str]]) -> None:
    """The hub keeps values encoded, so a snapshot given as objects must be JSON data."""
    original, ids = rich
    data = original.snapshot()
    device_of(data, ids["first"])["properties"]["app.config"]["value"] = {"at": object()}
    assert_refused(Hub(seed=8), data, "not JSON data")


def test_python_values_restore_as_their_json_form(rich: tuple[Hub, dict[str, str]]) -> None:
    original, ids = rich
    data = original.snapshot()
    device_of(data, ids["first"])["properties"]["app.config"]["value"] = ("a", 1.5)
    restored = Hub()
    restored.restore(data)
    found = restored.invoke("devices_GetProperty", {"deviceId": ids["first"], "name": "app.config"})
    assert found["value"] == ["a", 1.5]
