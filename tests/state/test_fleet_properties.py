"""Fleet properties (SEMANTICS-HEAD §III.7.1, D18, D39, D40, D41, C2, C25, C52)."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import (
    MSG_FLEET_PROPERTY_COMPUTED,
    MSG_FLEET_PROPERTY_MANUAL,
    MSG_FLEET_PROPERTY_NOT_COMPUTED,
    MSG_FLEET_STRATEGY_NOT_COMPUTED,
    ActionError,
)
from nexigon_fake.wire.fleet_properties import (
    FleetPropertyKindComputed,
    FleetPropertyKindManual,
    GetFleetPropertyFound,
    GetFleetPropertyNotFound,
    RemoveFleetPropertyRemoved,
)

from .helpers import (
    admin_actor,
    fingerprint,
    invoke_anonymous,
    make_organization,
    make_project,
    make_token,
    project_audit,
    raises,
)

T0 = "2026-05-04T07:00:00Z"
MANUAL = {"kind": "Manual"}
COMPUTED = {"kind": "Computed"}


def set_prop(hub: Hub, project: str, name: str, value: Any, **call: Any) -> dict[str, Any]:
    payload = {"projectId": project, "name": name, "value": value}
    return hub.invoke("fleet_SetProperty", payload, **call)


def get_prop(hub: Hub, project: str, name: str) -> dict[str, Any]:
    return hub.invoke("fleet_GetProperty", {"projectId": project, "name": name})


def remove_prop(hub: Hub, project: str, name: str) -> dict[str, Any]:
    return hub.invoke("fleet_RemoveProperty", {"projectId": project, "name": name})


def props(hub: Hub, project: str) -> dict[str, Any]:
    result: dict[str, Any] = hub.invoke("fleet_QueryProperties", {"projectId": project})
    return result["properties"]


def define(hub: Hub, project: str, name: str, strategy: str = "count", **fields: Any) -> Any:
    payload = {
        "projectId": project,
        "name": name,
        "inputProperties": fields.pop("inputs", ["firmware.version"]),
        "strategy": strategy,
        **fields,
    }
    return hub.invoke("fleet_DefineComputedProperty", payload)


def definitions(hub: Hub, project: str) -> list[dict[str, Any]]:
    action = "fleet_QueryComputedPropertyDefinitions"
    result: list[dict[str, Any]] = hub.invoke(action, {"projectId": project})["definitions"]
    return result


def not_computed(strategy: str) -> str:
    return MSG_FLEET_STRATEGY_NOT_COMPUTED.format(strategy=strategy)


def fleet_events(hub: Hub, project: str) -> list[tuple[str, dict[str, Any]]]:
    """The project's fleet audit events, oldest first."""
    events = reversed(project_audit(hub, project))
    return [(e["event"], e["data"]) for e in events if e["event"].startswith("fleet_")]


# Manual properties.


def test_a_new_manual_property_is_version_1(hub: Hub) -> None:
    project = make_project(hub)
    assert set_prop(hub, project, "rollout.channel", "stable") == {}
    assert get_prop(hub, project, "rollout.channel") == {
        "result": "Found",
        "name": "rollout.channel",
        "value": "stable",
        "kind": MANUAL,
        "version": 1,
        "lastUpdated": T0,
    }


def test_every_set_bumps_the_version_also_for_an_unchanged_value(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "a", {"x": [1, 2]})
    hub.clock.advance(90)
    set_prop(hub, project, "a", {"x": [1, 2]})
    set_prop(hub, project, "a", 3)
    found = get_prop(hub, project, "a")
    assert (found["value"], found["version"], found["lastUpdated"]) == (
        3,
        3,
        "2026-05-04T07:01:30Z",
    )


def test_null_is_a_value_but_a_missing_value_is_invalid(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "notes", None)
    assert get_prop(hub, project, "notes")["value"] is None
    before = hub.snapshot_json()
    error = raises(
        "Invalid", 400, hub.invoke, "fleet_SetProperty", {"projectId": project, "name": "x"}
    )
    assert "value" in error.message
    assert hub.snapshot_json() == before


def test_unknown_names_are_not_found(hub: Hub) -> None:
    project = make_project(hub)
    assert get_prop(hub, project, "nope") == {"result": "NotFound"}
    assert remove_prop(hub, project, "nope") == {"result": "NotFound"}
    assert fleet_events(hub, project) == []


def test_remove_then_set_starts_at_version_1(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "a", 1)
    set_prop(hub, project, "a", 2)
    assert remove_prop(hub, project, "a") == {"result": "Removed"}
    assert get_prop(hub, project, "a") == {"result": "NotFound"}
    set_prop(hub, project, "a", 3)
    assert get_prop(hub, project, "a")["version"] == 1


def test_query_is_keyed_by_name_in_creation_order(hub: Hub) -> None:
    project = make_project(hub)
    assert props(hub, project) == {}
    for name in ("zeta", "alpha", "mid"):
        set_prop(hub, project, name, name)
    set_prop(hub, project, "zeta", "again")  # an update keeps its place
    remove_prop(hub, project, "alpha")
    set_prop(hub, project, "alpha", "back")  # recreated: last
    listed = props(hub, project)
    assert list(listed) == ["zeta", "mid", "alpha"]
    found = get_prop(hub, project, "zeta")
    assert listed["zeta"] == {key: value for key, value in found.items() if key != "result"}
    assert all(item["name"] == name for name, item in listed.items())


def test_projects_keep_their_own_properties(hub: Hub) -> None:
    first, second = make_project(hub, "a"), make_project(hub, "b")
    set_prop(hub, first, "same", 1)
    define(hub, second, "same")
    assert props(hub, first)["same"]["kind"] == MANUAL
    assert props(hub, second)["same"]["kind"] == COMPUTED
    assert definitions(hub, first) == []


# Computed properties.


def test_a_defined_property_is_computed_null_version_1_with_an_error(hub: Hub) -> None:
    project = make_project(hub)
    assert define(hub, project, "fw.versions", "distinct", inputs=["fw", "fw.channel"]) == {}
    assert get_prop(hub, project, "fw.versions") == {
        "result": "Found",
        "name": "fw.versions",
        "value": None,
        "kind": COMPUTED,
        "version": 1,
        "error": "nexigon-fake does not compute strategy `distinct`.",
        "lastUpdated": T0,
    }
    assert definitions(hub, project) == [
        {
            "name": "fw.versions",
            "inputProperties": ["fw", "fw.channel"],
            "strategy": "distinct",
            "config": None,
            "createdAt": T0,
        }
    ]


@pytest.mark.parametrize("config", [{"bucket": [1, 2]}, 0, "text", [], False])
def test_config_is_stored_as_given(hub: Hub, config: Any) -> None:
    project = make_project(hub)
    define(hub, project, "c", config=config)
    assert definitions(hub, project)[0]["config"] == config


def test_a_null_config_is_no_config(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "c", config=None, inputs=[])
    (listed,) = definitions(hub, project)
    assert (listed["config"], listed["inputProperties"]) == (None, [])


def test_set_on_a_computed_name_is_refused(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "health")
    before = hub.snapshot_json()
    error = raises("Invalid", 400, set_prop, hub, project, "health", 1)
    assert error.message == "Property `health` is computed; remove it first."
    assert error.message == MSG_FLEET_PROPERTY_COMPUTED.format(name="health")
    assert hub.snapshot_json() == before


def test_define_on_a_manual_name_is_refused(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "channel", "beta")
    before = hub.snapshot_json()
    error = raises("Invalid", 400, define, hub, project, "channel")
    assert error.message == "Property `channel` is a manual property."
    assert error.message == MSG_FLEET_PROPERTY_MANUAL.format(name="channel")
    assert hub.snapshot_json() == before


def test_remove_deletes_the_definition_and_frees_the_name(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "health")
    assert remove_prop(hub, project, "health") == {"result": "Removed"}
    assert definitions(hub, project) == []
    assert props(hub, project) == {}
    set_prop(hub, project, "health", "manual now")
    assert get_prop(hub, project, "health")["kind"] == MANUAL
    assert get_prop(hub, project, "health")["version"] == 1


def test_redefinition_replaces_the_definition_and_keeps_the_rest(hub: Hub) -> None:
    """C52: inputs, strategy and config replaced; createdAt, value, version and lastUpdated
    kept; the error rewritten for the new strategy."""
    project = make_project(hub)
    define(hub, project, "fw", "histogram", config={"buckets": 4})
    hub.fleet.set_computed_value(project, "fw", {"1.0": 3})
    hub.clock.advance(60)
    define(hub, project, "fw", "distinct", inputs=["fw.version", "fw.build"])
    assert definitions(hub, project) == [
        {
            "name": "fw",
            "inputProperties": ["fw.version", "fw.build"],
            "strategy": "distinct",
            "config": None,
            "createdAt": T0,
        }
    ]
    found = get_prop(hub, project, "fw")
    assert found["value"] == {"1.0": 3}
    assert (found["version"], found["lastUpdated"]) == (2, T0)
    assert found["error"] == not_computed("distinct")


def test_definitions_are_listed_in_the_order_first_defined(hub: Hub) -> None:
    project = make_project(hub)
    for name in ("c", "a", "b"):
        define(hub, project, name)
    define(hub, project, "c", "other")  # redefined: keeps its place
    remove_prop(hub, project, "a")
    define(hub, project, "a")  # defined anew: last, with a new createdAt
    assert [d["name"] for d in definitions(hub, project)] == ["c", "b", "a"]


def test_the_builtin_kind_is_never_produced(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "m", 1)
    define(hub, project, "c")
    assert {item["kind"]["kind"] for item in props(hub, project).values()} == {"Manual", "Computed"}


# The Python API standing in for strategies.


def test_set_computed_value_bumps_the_version_and_clears_the_error(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "fleet.health")
    hub.clock.advance(5)
    hub.fleet.set_computed_value(project, "fleet.health", {"healthy": 9})
    found = get_prop(hub, project, "fleet.health")
    assert found == {
        "result": "Found",
        "name": "fleet.health",
        "value": {"healthy": 9},
        "kind": COMPUTED,
        "version": 2,
        "lastUpdated": "2026-05-04T07:00:05Z",
    }
    hub.fleet.set_computed_value(project, "fleet.health", None, error="input missing")
    found = get_prop(hub, project, "fleet.health")
    assert (found["value"], found["version"], found["error"]) == (None, 3, "input missing")


def test_set_computed_value_refuses_unknown_and_manual_names(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "manual", 1)
    before = hub.snapshot_json()
    error = raises("Invalid", 400, hub.fleet.set_computed_value, project, "nope", 1)
    assert error.message == MSG_FLEET_PROPERTY_NOT_COMPUTED.format(project_id=project, name="nope")
    error = raises("Invalid", 400, hub.fleet.set_computed_value, project, "manual", 1)
    assert error.message == MSG_FLEET_PROPERTY_MANUAL.format(name="manual")
    unknown = "p_" + "1" * 22
    error = raises("Forbidden", 404, hub.fleet.set_computed_value, unknown, "x", 1)
    assert unknown in error.message
    assert hub.snapshot_json() == before


def test_set_computed_value_takes_json_data_only_and_copies_it(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "c")
    before = hub.snapshot_json()
    error = raises("Invalid", 400, hub.fleet.set_computed_value, project, "c", {"x": object()})
    assert "JSON data" in error.message
    assert hub.snapshot_json() == before
    value = {"list": [1]}
    hub.fleet.set_computed_value(project, "c", value)
    value["list"].append(2)
    assert get_prop(hub, project, "c")["value"] == {"list": [1]}


def test_set_computed_value_is_neither_audited_nor_journaled(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "c")
    audited = len(project_audit(hub, project))
    journaled = len(hub.journal)
    hub.fleet.set_computed_value(project, "c", 1)
    assert len(hub.journal) == journaled
    assert len(project_audit(hub, project)) == audited


def test_the_typed_facade(hub: Hub) -> None:
    project = make_project(hub)
    hub.fleet.set_property(project_id=project, name="m", value=[1])
    hub.fleet.define_computed_property(
        project_id=project, name="c", input_properties=["x"], strategy="s"
    )
    found = hub.fleet.get_property(project_id=project, name="m")
    assert isinstance(found, GetFleetPropertyFound)
    assert isinstance(found.kind, FleetPropertyKindManual)
    listed = hub.fleet.query_properties(project_id=project).properties
    assert isinstance(listed["c"].kind, FleetPropertyKindComputed)
    assert listed["c"].error == not_computed("s")
    assert (
        hub.fleet.query_computed_property_definitions(project_id=project).definitions[0].name == "c"
    )
    removed = hub.fleet.remove_property(project_id=project, name="c")
    assert isinstance(removed, RemoveFleetPropertyRemoved)
    missing = hub.fleet.get_property(project_id=project, name="c")
    assert isinstance(missing, GetFleetPropertyNotFound)


# Permissions (D18): project access; devices Forbidden; anonymous 401.

ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("fleet_SetProperty", {"name": "m", "value": 1}),
    ("fleet_GetProperty", {"name": "m"}),
    ("fleet_RemoveProperty", {"name": "zz"}),
    ("fleet_QueryProperties", {}),
    ("fleet_DefineComputedProperty", {"name": "c", "inputProperties": [], "strategy": "s"}),
    ("fleet_QueryComputedPropertyDefinitions", {}),
]


@pytest.mark.parametrize(("action", "fields"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_members_and_organization_tokens_have_access(
    hub: Hub, action: str, fields: dict[str, Any]
) -> None:
    project = make_project(hub)
    _, member = hub.create_user("member@example.com", organization_id=hub.default_organization_id)
    api_token = hub.create_organization_api_token(hub.default_organization_id)
    for token in (member, api_token):
        hub.invoke(action, {"projectId": project, **fields}, token=token)


@pytest.mark.parametrize(("action", "fields"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_outsiders_see_no_project(hub: Hub, action: str, fields: dict[str, Any]) -> None:
    project = make_project(hub)
    _, outsider = hub.create_user("outsider@example.com")
    other = make_organization(hub)
    foreign_token = hub.create_organization_api_token(other)
    for token in (outsider, foreign_token):
        error = raises(
            "Forbidden", 404, hub.invoke, action, {"projectId": project, **fields}, token=token
        )
        assert error.message == f"Project {project} does not exist or is not accessible."


@pytest.mark.parametrize(("action", "fields"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_devices_are_forbidden_anonymous_callers_401(
    hub: Hub, action: str, fields: dict[str, Any]
) -> None:
    project = make_project(hub)
    _, secret = make_token(hub, project)
    fp = fingerprint()
    hub.as_device(secret, fp).actor.get_actor()  # the device of this very project
    payload = {"projectId": project, **fields}
    error = raises(
        "Forbidden", 403, hub.invoke, action, payload, token=secret, device_fingerprint=fp
    )
    assert "devices may not" in error.message
    raises("Forbidden", 401, invoke_anonymous, hub, action, payload)


def test_an_unknown_project_is_404_and_changes_nothing(hub: Hub) -> None:
    unknown = "p_" + "1" * 22
    before = hub.snapshot_json()
    for action, fields in ACTIONS:
        error = raises("Forbidden", 404, hub.invoke, action, {"projectId": unknown, **fields})
        assert unknown in error.message
    assert hub.snapshot_json() == before


# Validation (§III.10, D17, C52): exact messages, first failing field, hub unchanged.

NAME_LENGTH = "Property name must be between 1 and 256 characters."
NAME_FORMAT = (
    "Property name must start with a letter or digit and contain only letters, digits, dots, "
    "underscores, or hyphens."
)
STRATEGY_LENGTH = "Strategy name must be between 1 and 128 characters."
NAMED = ["fleet_SetProperty", "fleet_GetProperty", "fleet_RemoveProperty"]


def full_payload(action: str, project: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"projectId": project, "name": "ok"}
    if action == "fleet_SetProperty":
        base["value"] = 1
    if action == "fleet_DefineComputedProperty":
        base.update(inputProperties=["in"], strategy="s")
    return {**base, **fields}


@pytest.mark.parametrize("action", [*NAMED, "fleet_DefineComputedProperty"])
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", NAME_LENGTH),
        ("a" * 257, NAME_LENGTH),
        ("-lead", NAME_FORMAT),
        (".lead", NAME_FORMAT),
        ("with space", NAME_FORMAT),
        ("ümlaut", NAME_FORMAT),
        ("trail\n", NAME_FORMAT),
    ],
)
def test_name_rules(hub: Hub, action: str, name: str, message: str) -> None:
    project = make_project(hub)
    before = hub.snapshot_json()
    payload = full_payload(action, project, name=name)
    error = raises("Invalid", 400, hub.invoke, action, payload)
    assert message in error.message
    assert "name" in error.message
    assert hub.snapshot_json() == before


@pytest.mark.parametrize("action", [*NAMED, "fleet_DefineComputedProperty"])
def test_names_of_256_characters_are_fine(hub: Hub, action: str) -> None:
    project = make_project(hub)
    hub.invoke(action, full_payload(action, project, name="a" + "._-9" * 63 + "xyz"))


@pytest.mark.parametrize(
    ("fields", "message", "where"),
    [
        ({"strategy": ""}, STRATEGY_LENGTH, "strategy"),
        ({"strategy": "s" * 129}, STRATEGY_LENGTH, "strategy"),
        ({"inputProperties": ["ok", ""]}, NAME_LENGTH, "inputProperties[1]"),
        ({"inputProperties": ["bad name"]}, NAME_FORMAT, "inputProperties[0]"),
        ({"inputProperties": "fw"}, "array", "inputProperties"),
        ({"inputProperties": None}, "null", "inputProperties"),
        # Field order (D17): the name is reported before the strategy.
        ({"name": "", "strategy": ""}, NAME_LENGTH, "name"),
    ],
)
def test_definition_rules(hub: Hub, fields: dict[str, Any], message: str, where: str) -> None:
    project = make_project(hub)
    before = hub.snapshot_json()
    payload = full_payload("fleet_DefineComputedProperty", project, **fields)
    error = raises("Invalid", 400, hub.invoke, "fleet_DefineComputedProperty", payload)
    assert message in error.message
    assert where in error.message
    assert hub.snapshot_json() == before


def test_strategy_names_count_code_points(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "emoji", "🚀" * 128)
    assert definitions(hub, project)[0]["strategy"] == "🚀" * 128
    raises("Invalid", 400, define, hub, project, "more", "🚀" * 129)


@pytest.mark.parametrize("missing", ["projectId", "name", "inputProperties", "strategy"])
def test_required_definition_fields(hub: Hub, missing: str) -> None:
    project = make_project(hub)
    payload = full_payload("fleet_DefineComputedProperty", project)
    del payload[missing]
    error = raises("Invalid", 400, hub.invoke, "fleet_DefineComputedProperty", payload)
    assert missing in error.message


def test_a_malformed_project_id_is_invalid(hub: Hub) -> None:
    error = raises("Invalid", 400, hub.invoke, "fleet_QueryProperties", {"projectId": "d_x"})
    assert "project ID" in error.message


# Audit (D40, C25).


def test_audit_events_name_the_property(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "m", 1)
    set_prop(hub, project, "m", 1)
    define(hub, project, "c")
    define(hub, project, "c")  # the same again: no change, no event
    define(hub, project, "c", "other")
    remove_prop(hub, project, "c")
    remove_prop(hub, project, "c")  # NotFound: nothing removed
    raises("Invalid", 400, set_prop, hub, project, "bad name", 1)
    data = {"projectId": project}
    assert fleet_events(hub, project) == [
        ("fleet_PropertySet", {**data, "propertyName": "m"}),
        ("fleet_PropertySet", {**data, "propertyName": "m"}),
        ("fleet_ComputedPropertyDefined", {**data, "propertyName": "c"}),
        ("fleet_ComputedPropertyDefined", {**data, "propertyName": "c"}),
        ("fleet_PropertyRemoved", {**data, "propertyName": "c"}),
    ]
    newest = project_audit(hub, project)[0]
    assert newest["actor"] == admin_actor(hub)


def test_refused_kind_changes_are_not_audited(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "m", 1)
    define(hub, project, "c")
    count = len(project_audit(hub, project))
    raises("Invalid", 400, set_prop, hub, project, "c", 1)
    raises("Invalid", 400, define, hub, project, "m")
    assert len(project_audit(hub, project)) == count


def test_a_redefinition_after_a_computed_value_is_audited(hub: Hub) -> None:
    """The computed value cleared the error; defining it as it was brings the error back."""
    project = make_project(hub)
    define(hub, project, "c")
    hub.fleet.set_computed_value(project, "c", 1)
    define(hub, project, "c")
    assert [e for e, _ in fleet_events(hub, project)] == ["fleet_ComputedPropertyDefined"] * 2
    assert get_prop(hub, project, "c")["error"] == not_computed("count")


# Cascades (D41).


def test_deleting_the_project_deletes_properties_and_definitions(hub: Hub) -> None:
    project, kept = make_project(hub, "gone"), make_project(hub, "kept")
    set_prop(hub, project, "m", 1)
    define(hub, project, "c")
    set_prop(hub, kept, "m", 2)
    hub.invoke("projects_Delete", {"projectId": project})
    assert set(hub.store.fleet_properties) == {kept}
    assert project not in hub.store.fleet_property_definitions
    raises("Forbidden", 404, props, hub, project)
    assert props(hub, kept)["m"]["value"] == 2


def test_deleting_the_organization_deletes_its_fleet_properties(hub: Hub) -> None:
    organization = make_organization(hub)
    project = make_project(hub, organization_id=organization)
    set_prop(hub, project, "m", 1)
    define(hub, project, "c")
    hub.invoke("organizations_Delete", {"organizationId": organization})
    assert project not in hub.store.fleet_properties
    assert project not in hub.store.fleet_property_definitions


def test_versions_end_at_u64_max(hub: Hub) -> None:
    project = make_project(hub)
    set_prop(hub, project, "m", 1)
    define(hub, project, "c")
    data = hub.snapshot()
    for record in data["fleet_properties"]:
        record["version"] = 2**64 - 1
    hub.restore(data)
    assert get_prop(hub, project, "m")["version"] == 2**64 - 1
    before = hub.snapshot_json()
    error = raises("Invalid", 400, set_prop, hub, project, "m", 2)
    assert "highest version (18446744073709551615)" in error.message
    with pytest.raises(ActionError, match="highest version"):
        hub.fleet.set_computed_value(project, "c", 2)
    assert hub.snapshot_json() == before


# Around every action: faults aimed at the project, the journal.


def test_a_fault_aimed_at_the_project_fails_the_call_and_changes_nothing(hub: Hub) -> None:
    project, other = make_project(hub, "target"), make_project(hub, "other")
    hub.faults.inject("fleet_SetProperty", kind="RateLimited", project_id=project, times=1)
    before = hub.snapshot_json()
    raises("RateLimited", 429, set_prop, hub, project, "m", 1)
    assert hub.snapshot_json() == before
    set_prop(hub, other, "m", 1)  # another project's call is not aimed at
    set_prop(hub, project, "m", 1)  # the fault fired once
    assert get_prop(hub, project, "m")["version"] == 1


def test_calls_are_journaled_with_their_input_and_output(hub: Hub) -> None:
    project = make_project(hub)
    define(hub, project, "c")
    get_prop(hub, project, "c")
    (entry,) = hub.journal.calls("fleet_GetProperty")
    assert entry.input == {"projectId": project, "name": "c"}
    assert entry.output["kind"] == COMPUTED
