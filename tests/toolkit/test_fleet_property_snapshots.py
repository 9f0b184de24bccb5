"""Fleet properties in snapshots and fixtures (D39, C52): round trips, and refused data."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import MSG_FLEET_STRATEGY_NOT_COMPUTED
from nexigon_fake.toolkit.fixture_loader import FixtureError
from tests.state.helpers import make_project, raises


def fleet(hub: Hub, project: str) -> tuple[Any, Any]:
    properties = hub.invoke("fleet_QueryProperties", {"projectId": project})["properties"]
    action = "fleet_QueryComputedPropertyDefinitions"
    return properties, hub.invoke(action, {"projectId": project})["definitions"]


def populated(hub: Hub) -> tuple[str, str]:
    """Two projects with manual and computed properties, in a telling order."""
    first, second = make_project(hub, "a"), make_project(hub, "b")
    hub.invoke("fleet_SetProperty", {"projectId": first, "name": "z.manual", "value": {"a": [1]}})
    for name, strategy in (("c.computed", "histogram"), ("a.computed", "count")):
        payload = {"projectId": first, "name": name, "inputProperties": ["fw"]}
        hub.invoke("fleet_DefineComputedProperty", {**payload, "strategy": strategy})
    hub.clock.advance(30)
    hub.fleet.set_computed_value(first, "a.computed", [1, 2, 3])
    hub.invoke("fleet_SetProperty", {"projectId": first, "name": "m.null", "value": None})
    hub.invoke("fleet_SetProperty", {"projectId": second, "name": "z.manual", "value": 2})
    return first, second


def test_round_trip_keeps_values_versions_errors_and_order(hub: Hub) -> None:
    first, second = populated(hub)
    data = hub.snapshot_json()
    restored = Hub(seed=7)
    restored.restore(data)
    assert restored.snapshot_json() == data
    for project in (first, second):
        assert fleet(restored, project) == fleet(hub, project)
    properties, definitions = fleet(restored, first)
    assert list(properties) == ["z.manual", "c.computed", "a.computed", "m.null"]
    assert [d["name"] for d in definitions] == ["c.computed", "a.computed"]
    # The restored hub goes on exactly as the original.
    for target in (hub, restored):
        target.invoke("fleet_SetProperty", {"projectId": first, "name": "z.manual", "value": 0})
        target.fleet.set_computed_value(first, "c.computed", "v")
    assert restored.snapshot_json() == hub.snapshot_json()


def test_reset_returns_to_the_baseline(hub: Hub) -> None:
    first, _ = populated(hub)
    hub.set_baseline()
    expected = fleet(hub, first)
    hub.invoke("fleet_RemoveProperty", {"projectId": first, "name": "c.computed"})
    hub.fleet.set_computed_value(first, "a.computed", "changed")
    for _ in range(2):  # the second restore comes from the pickled baseline
        hub.reset()
        assert fleet(hub, first) == expected
        hub.fleet.set_computed_value(first, "a.computed", "changed again")


def snapshot_with(hub: Hub, change: Any) -> dict[str, Any]:
    data = hub.snapshot()
    change(data)
    return data


def prop(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The first project's property of that name."""
    found: dict[str, Any] = next(p for p in data["fleet_properties"] if p["name"] == name)
    return found


def definition(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in data["fleet_property_definitions"] if d["name"] == name)
    return found


UNKNOWN_PROJECT = "p_" + "1" * 22


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: prop(d, "z.manual").update(project_id=UNKNOWN_PROJECT), "unknown id"),
        (lambda d: d["fleet_properties"].append(dict(prop(d, "m.null"))), "listed twice"),
        (lambda d: prop(d, "m.null").update(name="bad name"), "property name rules"),
        (lambda d: prop(d, "m.null").update(version=0), "not between 1 and 2^64-1"),
        (lambda d: prop(d, "m.null").update(version=2**64), "not between 1 and 2^64-1"),
        (lambda d: prop(d, "m.null").update(last_updated="2026-05-04T07:00:00"), "offset"),
        (lambda d: prop(d, "m.null").update(error="oops"), "manual and has an error"),
        (lambda d: prop(d, "m.null").update(kind="Builtin"), "kind"),
        (lambda d: prop(d, "z.manual").update(kind="Computed"), "has no definition"),
        (lambda d: prop(d, "a.computed").update(kind="Manual"), "has no computed fleet property"),
        (lambda d: d["fleet_property_definitions"].pop(0), "has no definition"),
        (
            lambda d: d["fleet_property_definitions"].append(
                dict(definition(d, "a.computed"), name="orphan")
            ),
            "has no computed fleet property",
        ),
        (
            lambda d: d["fleet_property_definitions"].append(dict(definition(d, "a.computed"))),
            "listed twice",
        ),
        (
            lambda d: definition(d, "a.computed").update(input_properties=["ok", ".bad"]),
            "input property name",
        ),
        (lambda d: definition(d, "a.computed").update(strategy=""), "strategy name"),
        (lambda d: definition(d, "a.computed").update(strategy="s" * 129), "strategy name"),
        (lambda d: definition(d, "a.computed").update(created_at="2026-05-04T07:00:00"), "offset"),
    ],
)
def test_inconsistent_fleet_property_snapshots_are_refused(
    hub: Hub, change: Any, problem: str
) -> None:
    populated(hub)
    before = hub.snapshot_json()
    error = raises("Invalid", 400, hub.restore, snapshot_with(hub, change))
    assert problem in error.message
    assert hub.snapshot_json() == before


def test_a_snapshot_without_fleet_properties_still_restores(hub: Hub) -> None:
    """Snapshots taken before fleet properties existed have neither field."""
    project = make_project(hub)
    data = hub.snapshot()
    del data["fleet_properties"], data["fleet_property_definitions"]
    hub.restore(data)
    assert fleet(hub, project) == ({}, [])


# Fixtures: projects[].fleetProperties.


def fixture(*properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "nexigon-fake-fixture/1",
        "projects": [{"key": "p", "name": "P", "fleetProperties": list(properties)}],
    }


def test_a_fixture_sets_manual_values_and_defines_computed_properties(hub: Hub) -> None:
    loaded = hub.load_fixture(
        fixture(
            {"name": "channel", "value": "stable"},
            {"name": "notes", "value": None},
            {
                "name": "health",
                "computed": {"inputProperties": ["h"], "strategy": "count", "config": {"k": 1}},
                "value": {"ok": 2},
            },
            {"name": "versions", "computed": {"inputProperties": ["fw"], "strategy": "distinct"}},
        )
    )
    properties, definitions = fleet(hub, loaded.projects["p"])
    assert list(properties) == ["channel", "notes", "health", "versions"]
    assert properties["notes"]["value"] is None
    assert properties["notes"]["kind"] == {"kind": "Manual"}
    assert (properties["health"]["value"], properties["health"]["version"]) == ({"ok": 2}, 2)
    assert "error" not in properties["health"]
    versions = properties["versions"]
    assert (versions["value"], versions["version"]) == (None, 1)
    assert versions["error"] == MSG_FLEET_STRATEGY_NOT_COMPUTED.format(strategy="distinct")
    assert [(d["name"], d["config"]) for d in definitions] == [
        ("health", {"k": 1}),
        ("versions", None),
    ]


@pytest.mark.parametrize(
    ("properties", "path", "fragment"),
    [
        ([{"name": "x"}], "$.projects[0].fleetProperties[0]", "needs `value`"),
        (
            [{"name": "x", "value": 1}, {"name": "x", "value": 2}],
            "$.projects[0].fleetProperties[1].name",
            "Duplicate fleet property `x`",
        ),
        ([{"name": "bad name", "value": 1}], "$.projects[0].fleetProperties[0].name", "letter"),
        (
            [{"name": "x", "computed": {"inputProperties": [], "strategy": ""}}],
            "$.projects[0].fleetProperties[0].computed.strategy",
            "Strategy name",
        ),
        (
            [{"name": "x", "value": 1, "unknown": True}],
            "$.projects[0].fleetProperties[0]",
            "unknown",
        ),
    ],
)
def test_bad_fleet_properties_in_fixtures_name_their_path(
    hub: Hub, properties: list[dict[str, Any]], path: str, fragment: str
) -> None:
    before = hub.snapshot_json()
    with pytest.raises(FixtureError) as caught:
        hub.load_fixture(fixture(*properties))
    assert caught.value.path is not None and caught.value.path.startswith(path)
    assert fragment in caught.value.message
    assert hub.snapshot_json() == before


def test_the_showcase_has_fleet_properties_of_both_kinds() -> None:
    hub = Hub(fixture="showcase")
    assert hub.fixture is not None
    properties, definitions = fleet(hub, hub.fixture.projects["gateways"])
    kinds = {name: item["kind"]["kind"] for name, item in properties.items()}
    assert sorted(set(kinds.values())) == ["Computed", "Manual"]
    assert any(
        item["value"] is None and item["kind"]["kind"] == "Manual" for item in properties.values()
    )
    computed = [properties[d["name"]] for d in definitions]
    assert {"error" in item for item in computed} == {True, False}
