"""The fixture format: its published schema, its defaults, and the rules a schema cannot say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from nexigon_fake.toolkit.fixture_format import (
    FORMAT,
    Fixture,
    FixtureEvent,
    FixtureRuleError,
    check_rules,
    fixture_json_schema,
)
from nexigon_fake.wire.common import CERTIFICATE_FINGERPRINT_PATTERN
from nexigon_fake.wire.devices import PROPERTY_NAME_PATTERN, DeviceEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EVENT: dict[str, Any] = {
    "eventId": "d_ev_20260504-0659-abcdefgh",
    "severity": "Info",
    "body": None,
    "attributes": {},
    "emittedAt": "2026-05-04T06:59:00Z",
}


def decode(payload: dict[str, Any]) -> Fixture:
    return msgspec.convert(payload, Fixture)


def test_committed_schema_is_generated_from_the_structs() -> None:
    expected = json.dumps(fixture_json_schema(), indent=2, sort_keys=True) + "\n"
    assert (FIXTURES / "schema.json").read_text(encoding="utf-8") == expected


def test_schema_reuses_the_wire_rules_and_refuses_unknown_fields() -> None:
    definitions = fixture_json_schema()["$defs"]
    assert definitions["FixtureProperty"]["properties"]["name"]["pattern"] == (
        PROPERTY_NAME_PATTERN
    )
    assert definitions["FixtureCertificate"]["properties"]["fingerprint"]["pattern"] == (
        CERTIFICATE_FINGERPRINT_PATTERN
    )
    assert definitions["Fixture"]["properties"]["format"] == {"enum": [FORMAT]}
    assert definitions["Fixture"]["required"] == ["format"]
    fixture_records = {n: d for n, d in definitions.items() if n.startswith("Fixture")}
    assert all(d["additionalProperties"] is False for d in fixture_records.values())


def test_minimal_fixture_has_empty_lists_and_the_default_organization() -> None:
    fixture = decode(
        {"format": FORMAT, "projects": [{"key": "p", "name": "P", "devices": [{"key": "d"}]}]}
    )
    assert fixture.organizations == [] and fixture.repositories == []
    project = fixture.projects[0]
    assert project.organization == "default"
    assert project.otlp is None and project.deployment_tokens == []
    device = project.devices[0]
    assert device.fingerprint is None and device.name is None
    lists = [device.certificates, device.connections, device.properties, device.events]
    assert lists == [[], [], [], []]


def test_keys_are_camel_case_on_the_wire() -> None:
    fixture = decode(
        {
            "$schema": "./schema.json",
            "format": FORMAT,
            "projects": [
                {
                    "key": "p",
                    "name": "P",
                    "deploymentTokens": [{"key": "t", "name": "t", "autoAccept": True}],
                    "linkedRepositories": [],
                    "devices": [
                        {"key": "d", "connections": [{"connectedSecsAgo": 9, "endedSecsAgo": 1}]}
                    ],
                }
            ],
        }
    )
    assert fixture.schema == "./schema.json"
    assert fixture.projects[0].deployment_tokens[0].auto_accept is True
    assert fixture.projects[0].devices[0].connections[0].ended_secs_ago == 1
    with pytest.raises(msgspec.ValidationError, match="unknown field `auto_accept`"):
        decode(
            {
                "format": FORMAT,
                "projects": [
                    {
                        "key": "p",
                        "name": "P",
                        "deploymentTokens": [{"key": "t", "name": "t", "auto_accept": True}],
                    }
                ],
            }
        )


def test_events_are_device_events_that_refuse_unknown_fields() -> None:
    event = msgspec.convert(EVENT, FixtureEvent)
    assert isinstance(event, DeviceEvent)
    assert msgspec.to_builtins(event) == EVENT
    with pytest.raises(msgspec.ValidationError, match="unknown field `level`"):
        msgspec.convert({**EVENT, "level": 3}, FixtureEvent)


@pytest.mark.parametrize(
    ("payload", "path", "detail"),
    [
        (
            {"organizations": [{"key": "default", "name": "Mine"}]},
            "$.organizations[0].key",
            "Duplicate organization key `default` (already the hub's default organization).",
        ),
        (
            {"repositories": [{"key": "r", "name": "r", "organization": "acme"}]},
            "$.repositories[0].organization",
            "Unknown organization `acme` (known: `default`).",
        ),
        (
            {"projects": [{"key": "p", "name": "P", "linkedRepositories": ["fw"]}]},
            "$.projects[0].linkedRepositories[0]",
            "Unknown repository `fw` (known: none).",
        ),
        (
            {"projects": [{"key": "p", "name": "P"}, {"key": "p", "name": "Q"}]},
            "$.projects[1].key",
            "Duplicate project key `p` (already at $.projects[0].key).",
        ),
        (
            {
                "projects": [
                    {"key": "p", "name": "P", "devices": [{"key": "d"}]},
                    {"key": "q", "name": "Q", "devices": [{"key": "e"}, {"key": "d"}]},
                ]
            },
            "$.projects[1].devices[1].key",
            "Duplicate device key `d` (already at $.projects[0].devices[0].key).",
        ),
        (
            {
                "projects": [
                    {"key": "p", "name": "P", "deploymentTokens": [{"key": "t", "name": "a"}]},
                    {"key": "q", "name": "Q", "deploymentTokens": [{"key": "t", "name": "b"}]},
                ]
            },
            "$.projects[1].deploymentTokens[0].key",
            "Duplicate deployment token key `t` "
            "(already at $.projects[0].deploymentTokens[0].key).",
        ),
        (
            {
                "projects": [
                    {
                        "key": "p",
                        "name": "P",
                        "devices": [
                            {
                                "key": "d",
                                "connections": [{"connectedSecsAgo": 5, "endedSecsAgo": 5}],
                            }
                        ],
                    }
                ]
            },
            "$.projects[0].devices[0].connections[0].endedSecsAgo",
            "`endedSecsAgo` (5) must be less than `connectedSecsAgo` (5).",
        ),
        (
            {
                "projects": [
                    {
                        "key": "p",
                        "name": "P",
                        "devices": [
                            {
                                "key": "d",
                                "connections": [
                                    {"connectedSecsAgo": 5, "endReason": "NodeCrashed"}
                                ],
                            }
                        ],
                    }
                ]
            },
            "$.projects[0].devices[0].connections[0].endReason",
            "`endReason` needs `endedSecsAgo`: an open connection has no end.",
        ),
    ],
)
def test_rules_beyond_the_schema(payload: dict[str, Any], path: str, detail: str) -> None:
    with pytest.raises(FixtureRuleError) as caught:
        check_rules(decode({"format": FORMAT, **payload}))
    assert (caught.value.path, caught.value.detail) == (path, detail)


def test_references_may_name_keys_defined_earlier_in_the_file() -> None:
    check_rules(
        decode(
            {
                "format": FORMAT,
                "organizations": [{"key": "acme", "name": "Acme"}],
                "repositories": [{"key": "fw", "name": "fw", "organization": "acme"}],
                "projects": [
                    {"key": "p", "name": "P", "organization": "acme", "linkedRepositories": ["fw"]}
                ],
            }
        )
    )
