"""Pairing keys in fixtures (``projects[].pairingKeys``): every state, time, rules, showcase."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.clock import format_timestamp
from nexigon_fake.toolkit.fixture_format import FORMAT
from nexigon_fake.toolkit.fixture_loader import FixtureError, load_fixture
from nexigon_fake.wire.credentials import Credentials

FINGERPRINT = "d_sk_" + "A" * 44
NEWCOMER = "d_sk_" + "N" * 44
T = dt.datetime(2026, 5, 4, 7, 0, 0, tzinfo=dt.UTC)


def fixture(*pairing_keys: dict[str, Any], **project: Any) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "projects": [
            {
                "key": "p",
                "name": "P",
                "devices": [{"key": "dev", "fingerprint": FINGERPRINT}],
                "pairingKeys": list(pairing_keys),
                **project,
            }
        ],
    }


def keys(hub: Hub, project_id: str) -> dict[str, dict[str, Any]]:
    listed = hub.invoke("projects_QueryDevicePairingKeys", {"projectId": project_id})
    return {item["pairingKeyId"]: item for item in listed["pairingKeys"]}


def redeem(hub: Hub, key: str, fp: str) -> Any:
    body = json.dumps({"pairingKey": key, "fingerprint": fp}).encode()
    return hub.invoke_json("projects_RedeemDevicePairingKey", body, Credentials())


EVERY_STATE = fixture(
    {"key": "active", "name": "bench rig", "validForSecs": 600},
    {"key": "used", "name": "re-pairing", "createdSecsAgo": 7200, "redeemedBy": FINGERPRINT},
    {"key": "revoked", "createdSecsAgo": 60, "revoked": True},
    {"key": "expired", "validForSecs": 30, "createdSecsAgo": 30},
)


def test_keys_load_in_every_state(hub: Hub) -> None:
    loaded = load_fixture(hub, EVERY_STATE)
    project_id, device_id = loaded.projects["p"], loaded.devices["dev"]
    assert set(loaded.pairing_key_ids) == set(loaded.pairing_keys)
    assert set(loaded.pairing_key_ids.values()) == set(keys(hub, project_id))
    items = {key: keys(hub, project_id)[i] for key, i in loaded.pairing_key_ids.items()}
    now = format_timestamp(T)
    assert items["active"]["createdAt"] == now
    assert items["active"]["expiresAt"] == format_timestamp(T + dt.timedelta(seconds=600))
    assert items["active"]["name"] == "bench rig"
    assert not {"usedAt", "revokedAt", "deviceId", "tokenId"} & set(items["active"])
    two_hours_ago = format_timestamp(T - dt.timedelta(hours=2))
    assert items["used"]["createdAt"] == items["used"]["usedAt"] == two_hours_ago
    assert items["used"]["deviceId"] == device_id  # the fixture's device, associated
    assert items["revoked"]["revokedAt"] == format_timestamp(T - dt.timedelta(seconds=60))
    assert items["expired"]["expiresAt"] == now  # now >= expiresAt: expired
    tokens = hub.invoke("projects_QueryDeploymentTokens", {"projectId": project_id})["tokens"]
    assert tokens == [
        {
            "tokenId": items["used"]["tokenId"],
            "deviceId": device_id,
            "createdAt": two_hours_ago,
            "name": "re-pairing",
            "flags": {"autoAccept": True},
        }
    ]
    # Only the active key still redeems; its text is reported as shown once.
    for key in ("used", "revoked", "expired"):
        assert redeem(hub, loaded.pairing_keys[key], NEWCOMER).error is not None
    answer = redeem(hub, loaded.pairing_keys["active"], NEWCOMER)
    assert answer.error is None
    assert json.loads(answer.output_json)["projectId"] == project_id


def test_keys_are_created_in_time_order_with_connections(hub: Hub) -> None:
    content = fixture(
        {"key": "late", "createdSecsAgo": 10},
        {"key": "early", "createdSecsAgo": 100},
        devices=[{"key": "dev", "connections": [{"connectedSecsAgo": 50}]}],
    )
    loaded = load_fixture(hub, content)
    listed = list(keys(hub, loaded.projects["p"]))
    assert listed == [loaded.pairing_key_ids["early"], loaded.pairing_key_ids["late"]]
    events = hub.invoke("projects_QueryAuditLog", {"projectId": loaded.projects["p"]})["events"]
    times = [e["createdAt"] for e in reversed(events)]
    assert times == sorted(times)  # the audit log stays in time order
    details = hub.invoke("devices_GetDetails", {"deviceId": loaded.devices["dev"]})
    assert details["isConnected"]
    assert hub.clock.now() == T


def test_a_new_fingerprint_creates_and_names_a_device(hub: Hub) -> None:
    content = fixture({"key": "k", "redeemedBy": NEWCOMER, "deviceName": "Basement"})
    loaded = load_fixture(hub, content)
    (item,) = keys(hub, loaded.projects["p"]).values()
    assert item["deviceId"] != loaded.devices["dev"]
    assert hub.invoke("devices_GetDetails", {"deviceId": item["deviceId"]})["name"] == "Basement"


def test_same_seed_same_keys() -> None:
    first, second = Hub(seed=3), Hub(seed=3)
    assert (
        load_fixture(first, EVERY_STATE).pairing_keys
        == load_fixture(second, EVERY_STATE).pairing_keys
    )
    assert first.snapshot_json() == second.snapshot_json()


def test_the_loaded_fixture_round_trips_with_its_keys(hub: Hub) -> None:
    loaded = load_fixture(hub, EVERY_STATE)
    as_json = loaded.to_json()
    assert as_json["pairingKeys"] == loaded.pairing_keys
    assert as_json["pairingKeyIds"] == loaded.pairing_key_ids
    restored = Hub(seed=1)
    restored.restore(hub.snapshot_json())
    assert restored.fixture == hub.fixture


@pytest.mark.parametrize(
    ("pairing_keys", "path", "detail"),
    [
        (
            [{"key": "k", "deviceName": "x"}],
            "$.projects[0].pairingKeys[0].deviceName",
            "`deviceName` needs `redeemedBy`",
        ),
        (
            [{"key": "k", "redeemedBy": FINGERPRINT, "revoked": True}],
            "$.projects[0].pairingKeys[0].revoked",
            "either `redeemedBy` a device or `revoked`",
        ),
        (
            [{"key": "k"}, {"key": "k"}],
            "$.projects[0].pairingKeys[1].key",
            "Duplicate pairing key key `k`",
        ),
        (
            [{"key": "k", "validForSecs": 601}],
            "$.projects[0].pairingKeys[0].validForSecs",
            "Pairing key validity must be between 1 second and 10 minutes.",
        ),
        (
            [{"key": "k", "name": ""}],
            "$.projects[0].pairingKeys[0].name",
            "Pairing key name must be between 1 and 128 characters.",
        ),
        (
            [{"key": "k", "redeemedBy": "d_sk_short"}],
            "$.projects[0].pairingKeys[0].redeemedBy",
            "device fingerprint",
        ),
        (
            [{"key": "k", "usedBy": FINGERPRINT}],
            "$.projects[0].pairingKeys[0]",
            "usedBy",
        ),
    ],
)
def test_bad_pairing_keys_are_refused_before_anything_is_created(
    pairing_keys: list[dict[str, Any]], path: str, detail: str
) -> None:
    hub = Hub(seed=0)
    before = hub.snapshot_json()
    with pytest.raises(FixtureError) as caught:
        hub.load_fixture(fixture(*pairing_keys))
    assert caught.value.path == path
    assert detail in caught.value.detail
    assert hub.snapshot_json() == before


def test_showcase_has_pairing_keys_in_every_state() -> None:
    hub = Hub(seed=0)
    loaded = hub.load_fixture("showcase")
    gateways = loaded.projects["gateways"]
    items = {key: keys(hub, gateways)[i] for key, i in loaded.pairing_key_ids.items()}
    assert set(items) == {"pair-active", "pair-used", "pair-revoked", "pair-expired"}
    assert items["pair-used"]["deviceId"] == loaded.devices["gw-healthy"]
    assert "revokedAt" in items["pair-revoked"]
    now = format_timestamp(hub.clock.now())
    assert items["pair-expired"]["expiresAt"] < now < items["pair-active"]["expiresAt"]
    assert redeem(hub, loaded.pairing_keys["pair-active"], NEWCOMER).error is None
