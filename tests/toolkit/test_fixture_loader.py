"""Loading fixtures: errors that name file and JSON path, determinism, time, and lookup."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest

from nexigon_fake import Hub, InvalidError
from nexigon_fake.errors import ActionError
from nexigon_fake.toolkit.fixture_format import FORMAT
from nexigon_fake.toolkit.fixture_loader import (
    FixtureError,
    LoadedFixture,
    builtin_fixture_names,
    load_fixture,
    read_fixture,
    resolve_fixture,
)
from nexigon_fake.wire.actor import DeviceActor

FINGERPRINT = "d_sk_" + "A" * 44
CERTIFICATE = ":".join(["AB"] * 32)
T = dt.datetime(2026, 5, 4, 7, 0, 0, tzinfo=dt.UTC)


def device(key: str = "dev", **fields: Any) -> dict[str, Any]:
    return {"key": key, **fields}


def fixture(*devices: dict[str, Any], **project: Any) -> dict[str, Any]:
    """One project (key ``p``) in the default organization holding ``devices``."""
    return {
        "format": FORMAT,
        "projects": [{"key": "p", "name": "P", "devices": list(devices), **project}],
    }


def write(tmp_path: Path, content: Any, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def load_error(hub: Hub, tmp_path: Path, content: Any) -> tuple[Path, FixtureError]:
    path = write(tmp_path, content)
    with pytest.raises(FixtureError) as caught:
        load_fixture(hub, path)
    return path, caught.value


# Every kind of error names the file and the JSON path.

STRUCTURAL_ERRORS = [
    pytest.param(
        fixture(device(name=5)),
        "$.projects[0].devices[0].name",
        "Expected `str | null`, got `int`",
        id="wrong type",
    ),
    pytest.param(
        fixture(device(properties=[{"name": "x"}])),
        "$.projects[0].devices[0].properties[0]",
        "Object missing required field `value`",
        id="missing required field",
    ),
    pytest.param(
        fixture(device(colour="red")),
        "$.projects[0].devices[0]",
        "Object contains unknown field `colour`",
        id="unknown field",
    ),
    pytest.param(
        fixture(
            device(
                operations=[
                    {
                        "key": "o",
                        "name": "o",
                        "steps": [{"kind": "RemoveDeviceProperty", "name": "a", "nmae": "b"}],
                    }
                ]
            )
        ),
        "$.projects[0].devices[0].operations[0].steps[0]",
        "Object contains unknown field `nmae`",
        id="unknown field in a wire record",
    ),
    pytest.param(
        {**fixture(), "format": "nexigon-fake-fixture/2"},
        "$.format",
        'Unsupported format "nexigon-fake-fixture/2"; expected "nexigon-fake-fixture/1".',
        id="bad format string",
    ),
    pytest.param(
        {"projects": []},
        "$",
        'Object missing required field `format` (expected "nexigon-fake-fixture/1").',
        id="missing format",
    ),
    pytest.param(
        fixture(
            device("a"),
            device("b", properties=[{"name": "ok", "value": 1}, {"name": "", "value": 1}]),
        ),
        "$.projects[0].devices[1].properties[1].name",
        "Property name must be between 1 and 256 characters.",
        id="empty property name",
    ),
    pytest.param(
        fixture(device(properties=[{"name": "-x", "value": 1}])),
        "$.projects[0].devices[0].properties[0].name",
        "Property name must start with a letter or digit",
        id="property name pattern",
    ),
    pytest.param(
        fixture(device(fingerprint="d_sk_short")),
        "$.projects[0].devices[0].fingerprint",
        "Expected a device fingerprint: `d_sk_` followed by 44 base58 characters.",
        id="bad fingerprint",
    ),
    pytest.param(
        fixture(device(connections=[{"connectedSecsAgo": -1}])),
        "$.projects[0].devices[0].connections[0].connectedSecsAgo",
        "Seconds ago must be between 0 and",
        id="negative seconds",
    ),
    pytest.param(
        fixture(device(connections=[{"connectedSecsAgo": 60, "endedSecsAgo": 90}])),
        "$.projects[0].devices[0].connections[0].endedSecsAgo",
        "`endedSecsAgo` (90) must be less than `connectedSecsAgo` (60).",
        id="ended before connected",
    ),
    pytest.param(
        fixture(linkedRepositories=["firmware"]),
        "$.projects[0].linkedRepositories[0]",
        "Unknown repository `firmware` (known: none).",
        id="dangling reference",
    ),
    pytest.param(
        fixture(device("twin"), device("twin")),
        "$.projects[0].devices[1].key",
        "Duplicate device key `twin` (already at $.projects[0].devices[0].key).",
        id="duplicate key",
    ),
    pytest.param(
        fixture(device(events=[{"eventId": "d_ev_20260504-0700-abcdefgh"}])),
        "$.projects[0].devices[0].events[0]",
        "Object missing required field `severity`",
        id="malformed event",
    ),
]


@pytest.mark.parametrize(("content", "path", "detail"), STRUCTURAL_ERRORS)
def test_invalid_fixture_is_refused_before_anything_is_created(
    hub: Hub, tmp_path: Path, content: Any, path: str, detail: str
) -> None:
    before = hub.invoke("projects_Query")
    file, error = load_error(hub, tmp_path, content)
    assert error.message.startswith(f"{file}: {path}: {detail}")
    assert (error.origin, error.path) == (str(file), path)
    assert hub.invoke("projects_Query") == before


ACTION_ERRORS = [
    pytest.param(
        fixture(device("a", fingerprint=FINGERPRINT), device("b", fingerprint=FINGERPRINT)),
        "$.projects[0].devices[1]",
        "A device with this fingerprint already exists in project p_",
        id="duplicate fingerprint in a project",
    ),
    pytest.param(
        fixture(device(certificates=[{"fingerprint": CERTIFICATE}, {"fingerprint": CERTIFICATE}])),
        "$.projects[0].devices[0].certificates[1]",
        f"already has a certificate with fingerprint {CERTIFICATE}.",
        id="same certificate twice on a device",
    ),
    pytest.param(
        fixture(otlp={"enabled": True}),
        "$.projects[0].otlp",
        "`config.endpoint` is required when OTLP forwarding is enabled.",
        id="otlp enabled without endpoint",
    ),
    pytest.param(
        fixture(otlp={"enabled": False, "headers": {"x": "********"}}),
        "$.projects[0].otlp",
        "Header `x` was sent as the mask `********` but has no stored value to keep.",
        id="otlp mask without value",
    ),
]


@pytest.mark.parametrize(("content", "path", "detail"), ACTION_ERRORS)
def test_action_error_names_the_item_that_failed(
    hub: Hub, tmp_path: Path, content: Any, path: str, detail: str
) -> None:
    file, error = load_error(hub, tmp_path, content)
    assert error.message.startswith(f"{file}: {path}: ")
    assert detail in error.message
    assert isinstance(error.__cause__, ActionError)


def test_taken_repository_name_is_an_error_although_the_action_answers(hub: Hub) -> None:
    """``repositories_Create`` answers ``NameAlreadyExists`` rather than failing."""
    taken = {
        "format": FORMAT,
        "repositories": [{"key": "a", "name": "fw"}, {"key": "b", "name": "fw"}],
    }
    with pytest.raises(FixtureError) as caught:
        load_fixture(hub, taken)
    assert caught.value.message == (
        f"<fixture>: $.repositories[1]: Organization {hub.default_organization_id} already has "
        "a repository `fw`."
    )


def test_fixture_error_is_an_invalid_action_error(hub: Hub, tmp_path: Path) -> None:
    _, error = load_error(hub, tmp_path, fixture(device(name=5)))
    assert isinstance(error, InvalidError)
    assert (error.kind, error.status) == ("Invalid", 400)
    assert error.to_wire()["message"] == error.message


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ('{"format": ', "invalid JSON: Expecting value: line 1 column 12 (char 11)"),
        ('{"format": "a", "format": "b"}', "invalid JSON: duplicate key `format`"),
        ('{"format": NaN}', "invalid JSON: NaN is not JSON"),
        ("[]", "$: A fixture must be a JSON object."),
    ],
)
def test_unreadable_json_names_the_file(hub: Hub, tmp_path: Path, text: str, detail: str) -> None:
    file, error = load_error(hub, tmp_path, text)
    assert error.message == f"{file}: {detail}"


def test_mapping_errors_name_an_in_memory_fixture(hub: Hub) -> None:
    with pytest.raises(FixtureError) as caught:
        load_fixture(hub, fixture(device(name="")))
    assert caught.value.message == (
        "<fixture>: $.projects[0].devices[0].name: Device name must be between 1 and 128 "
        "characters."
    )


def test_unknown_name_lists_the_builtin_fixtures(hub: Hub) -> None:
    with pytest.raises(FixtureError) as caught:
        load_fixture(hub, "no-such-fixture")
    assert caught.value.message == (
        "no-such-fixture: no such file, and no built-in fixture of that name "
        "(built-in: fleet-1000, showcase)"
    )


# Determinism and time.

TIMELINE = fixture(
    device(
        "a",
        connections=[
            {"connectedSecsAgo": 7200, "endedSecsAgo": 3600, "endReason": "NodeCrashed"},
            {"connectedSecsAgo": 600},
        ],
    ),
    device("b", connections=[{"connectedSecsAgo": 5000, "endedSecsAgo": 60}]),
    device("c"),
)


def test_same_seed_same_load(tmp_path: Path) -> None:
    path = write(tmp_path, TIMELINE, "timeline.json")
    first, second = Hub(seed=7), Hub(seed=7)
    loaded = load_fixture(first, path)
    assert loaded == load_fixture(second, path)
    assert first.invoke("devices_Query") == second.invoke("devices_Query")
    assert loaded.name == "timeline"
    assert loaded != load_fixture(Hub(seed=8), path)


def test_durations_and_history_follow_the_seconds_ago(hub: Hub) -> None:
    loaded = load_fixture(hub, TIMELINE)
    devices = {d["deviceId"]: d for d in hub.invoke("devices_Query")["devices"]}
    a, b, c = (devices[loaded.devices[key]] for key in "abc")
    assert a["isConnected"] and a["currentConnectionDurationSecs"] == 600
    assert a["lastConnectedAt"] == "2026-05-04T06:50:00Z"
    assert not b["isConnected"] and "currentConnectionDurationSecs" not in b
    assert b["lastConnectedAt"] == "2026-05-04T05:36:40Z"
    assert c == {
        "deviceId": loaded.devices["c"],
        "projectId": loaded.projects["p"],
        "isConnected": False,
    }
    history = hub.invoke("devices_QueryConnections", {"deviceId": loaded.devices["a"]})
    assert history["connections"] == [
        {
            "connectionId": loaded.connections["a/1"],
            "nodeId": history["connections"][0]["nodeId"],
            "connectedAt": "2026-05-04T06:50:00Z",
            "durationSecs": 600,
        },
        {
            "connectionId": loaded.connections["a/0"],
            "nodeId": history["connections"][0]["nodeId"],
            "connectedAt": "2026-05-04T05:00:00Z",
            "endedAt": "2026-05-04T06:00:00Z",
            "endReason": "NodeCrashed",
            "durationSecs": 3600,
        },
    ]
    ended = hub.invoke("devices_QueryConnections", {"deviceId": loaded.devices["b"]})
    assert ended["connections"][0]["endReason"] == "Disconnected"  # the default
    hub.clock.advance(30)
    assert hub.devices.query().devices[0].current_connection_duration_secs == 630


class RecordingRunner:
    """The loader's ``ActionRunner`` seam, recording each call's action and clock instant."""

    def __init__(self, hub: Hub) -> None:
        self.hub, self.lock, self.clock, self.ids = hub, hub.lock, hub.clock, hub.ids
        self.store = hub.store
        self.default_organization_id = hub.default_organization_id
        self.seen: list[tuple[str, dt.datetime]] = []

    def execute_quietly(self, action: Any) -> Any:
        self.seen.append((type(action).__name__, self.clock.now()))
        return self.hub.execute_quietly(action)


def test_connections_run_in_chronological_order(hub: Hub) -> None:
    runner = RecordingRunner(hub)
    load_fixture(runner, TIMELINE)
    kinds = {
        "RegisterDeviceConnectionAction": "register",
        "UnregisterDeviceConnectionAction": "unregister",
    }
    seen = [(kinds[name], instant) for name, instant in runner.seen if name in kinds]
    ago = [(kind, int((T - instant).total_seconds())) for kind, instant in seen]
    assert ago == [
        ("register", 7200),
        ("register", 5000),
        ("unregister", 3600),
        ("register", 600),
        ("unregister", 60),
    ]
    assert hub.clock.now() == T


class FailingRunner(RecordingRunner):
    """A runner whose node fails every unregistration."""

    def execute_quietly(self, action: Any) -> Any:
        if type(action).__name__ == "UnregisterDeviceConnectionAction":
            raise InvalidError("node exploded")
        return super().execute_quietly(action)


def test_clock_is_back_after_a_failed_connection(hub: Hub) -> None:
    runner = FailingRunner(hub)
    with pytest.raises(FixtureError) as caught:
        load_fixture(runner, TIMELINE)
    assert caught.value.message == (
        "<fixture>: $.projects[0].devices[0].connections[0]: node exploded"
    )
    assert hub.clock.now() == T


def test_clock_is_back_after_a_failed_action(hub: Hub) -> None:
    hub.clock.advance(5)
    broken = fixture(
        device("a", connections=[{"connectedSecsAgo": 60}]),
        device("b", fingerprint=FINGERPRINT),
        device("c", fingerprint=FINGERPRINT),
    )
    with pytest.raises(FixtureError):
        load_fixture(hub, broken)
    assert hub.clock.now() == T + dt.timedelta(seconds=5)


def test_entities_are_created_at_the_oldest_connection(hub: Hub) -> None:
    """The fixture's world exists before its oldest connection: `firstSeen` never follows it."""
    event = {
        "eventId": "d_ev_20260501-1200-abcdefgh",
        "severity": "Info",
        "body": "hello",
        "attributes": {"k": 1},
        "emittedAt": "2026-05-01T12:00:00Z",
    }
    loaded = load_fixture(
        hub,
        fixture(
            device(
                certificates=[{"fingerprint": CERTIFICATE.lower()}],
                properties=[{"name": "a.b", "value": [1], "protected": True}],
                events=[event],
                connections=[{"connectedSecsAgo": 100}],
            )
        ),
    )
    device_id = loaded.devices["dev"]
    details = hub.invoke("devices_GetDetails", {"deviceId": device_id})
    assert details["certificates"] == [
        {
            "certificateId": loaded.certificates["dev/0"],
            "status": "Pending",
            "fingerprint": CERTIFICATE,
            "firstSeen": "2026-05-04T06:58:20Z",
        }
    ]
    prop = hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": "a.b"})
    assert prop == {
        "result": "Found",
        "name": "a.b",
        "value": [1],
        "protected": True,
        "version": 1,
        "lastUpdated": "2026-05-04T06:58:20Z",
    }
    events = hub.invoke("devices_QueryEvents", {"deviceId": device_id})["events"]
    assert events == [{**event, "receivedAt": "2026-05-04T06:58:20Z"}]
    listed = hub.invoke("projects_QueryDevices", {"projectId": details["projectId"]})
    assert listed["devices"][0]["firstSeen"] == "2026-05-04T06:58:20Z"
    assert listed["devices"][0]["lastConnectedAt"] == "2026-05-04T06:58:20Z"
    assert listed["devices"][0]["currentConnectionDurationSecs"] == 100
    assert hub.clock.now() == dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC)


# What a load reports.


def test_loaded_fixture_reports_ids_fingerprints_and_secrets(hub: Hub) -> None:
    loaded = load_fixture(
        hub,
        fixture(
            device("given", fingerprint=FINGERPRINT, certificates=[{"fingerprint": CERTIFICATE}]),
            device("drawn"),
            deploymentTokens=[{"key": "factory", "name": "factory", "autoAccept": True}],
        ),
    )
    assert isinstance(loaded, LoadedFixture)
    assert loaded.organizations == {"default": hub.default_organization_id}
    assert loaded.device_fingerprints["given"] == FINGERPRINT
    drawn = loaded.device_fingerprints["drawn"]
    assert drawn.startswith("d_sk_") and len(drawn) == 49 and drawn != FINGERPRINT
    details = hub.devices.get_details(device_id=loaded.devices["drawn"])
    assert details.fingerprint_id == "d_pk_" + drawn[5:27]
    # The token secret admits a device into the project.
    newcomer = hub.as_device(loaded.deployment_tokens["factory"], "d_sk_" + "B" * 44)
    actor = newcomer.actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    assert hub.devices.get_details(device_id=actor.device_id).project_id == loaded.projects["p"]
    as_json = loaded.to_json()
    assert set(as_json) == {
        "name",
        "organizations",
        "repositories",
        "projects",
        "devices",
        "deviceFingerprints",
        "deploymentTokens",
        "certificates",
        "connections",
        "pairingKeyIds",
        "pairingKeys",
        "operations",
        "fleetOperations",
    }
    assert as_json["deviceFingerprints"] == loaded.device_fingerprints
    assert as_json["certificates"] == {"given/0": loaded.certificates["given/0"]}
    json.dumps(as_json)


def test_loaded_fixture_round_trips_through_json(hub: Hub) -> None:
    loaded = load_fixture(hub, TIMELINE)
    assert LoadedFixture.from_json(loaded.to_json()) == loaded
    with pytest.raises(InvalidError, match="Not a loaded fixture"):
        LoadedFixture.from_json({**loaded.to_json(), "devices": {"a": 1}})
    with pytest.raises(InvalidError, match="Not a loaded fixture"):
        LoadedFixture.from_json({"name": "x"})


def test_source_may_be_a_path_a_string_or_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, TIMELINE, "timeline.json")
    by_path, by_string, by_mapping = (
        load_fixture(Hub(), source) for source in (path, str(path), TIMELINE)
    )
    assert by_path == by_string
    assert by_mapping.name == "<fixture>"
    assert by_mapping.devices == by_path.devices


# Finding fixtures.


def test_builtin_names_exclude_the_schema() -> None:
    assert builtin_fixture_names() == ["fleet-1000", "showcase"]
    with pytest.raises(FixtureError, match="built-in: fleet-1000, showcase"):
        resolve_fixture("schema")


def test_names_resolve_with_or_without_suffix() -> None:
    repo_fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    assert resolve_fixture("showcase") == repo_fixtures / "showcase.json"
    assert resolve_fixture("showcase.json") == repo_fixtures / "showcase.json"


def test_an_existing_path_wins_over_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, fixture(), "showcase")
    assert resolve_fixture("showcase") == Path("showcase")
    loaded = load_fixture(Hub(), "showcase")
    assert loaded.name == "showcase" and loaded.devices == {}


def test_bundled_fixtures_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "_fixtures"
    bundled.mkdir()
    write(bundled, fixture(device("only")), "tiny.json")
    write(bundled, {}, "schema.json")
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    assert builtin_fixture_names() == ["tiny"]
    assert resolve_fixture("tiny") == bundled / "tiny.json"
    assert list(load_fixture(Hub(), "tiny").devices) == ["only"]


def test_read_fixture_validates_without_a_hub(tmp_path: Path) -> None:
    assert read_fixture("showcase").projects[0].key == "gateways"
    with pytest.raises(FixtureError, match=r"\$\.projects\[0\]\.devices\[1\]\.key"):
        read_fixture(write(tmp_path, fixture(device("x"), device("x"))))
