"""``GET /_fake/journal`` filters (issue 16, item 4): action, status, device, actor, since,
limit; each checked, combined, and against the Python API's own view of the journal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.serve.transport import InProcessTransport

ACTION = "/api/v1/actions/invoke/"
FINGERPRINTS = ("d_sk_" + "4" * 44, "d_sk_" + "5" * 44)


@pytest.fixture
def http(nexigon_hub: Hub) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=InProcessTransport(create_app(nexigon_hub)),
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {nexigon_hub.admin_token}"},
    ) as client:
        yield client


def call(http: httpx.Client, action: str, payload: dict[str, Any], **kwargs: Any) -> Any:
    return http.post(ACTION + action, json=payload, **kwargs).json()


def journal(http: httpx.Client, query: str) -> list[tuple[int, str, int]]:
    """(sequence, action, status) of the entries ``GET /_fake/journal?<query>`` answers."""
    response = http.get("/_fake/journal?" + query)
    assert response.status_code == 200, response.text
    return [(e["sequence"], e["action"], e["status"]) for e in response.json()["entries"]]


@pytest.fixture
def calls(http: httpx.Client, nexigon_hub: Hub) -> dict[str, str]:
    """Seven calls over two minutes of hub time, two devices, two actors (admin, nobody)."""
    organization = nexigon_hub.default_organization_id
    project = call(http, "projects_Create", {"organizationId": organization, "name": "p"})
    devices = [
        call(http, "devices_Create", {"projectId": project["projectId"], "fingerprint": f})
        for f in FINGERPRINTS
    ]
    first, second = (d["deviceId"] for d in devices)
    nexigon_hub.clock.advance(60)
    call(http, "devices_SetProperty", {"deviceId": first, "name": "a.b", "value": 1})
    call(http, "devices_GetDetails", {"deviceId": "d_nope"})
    nexigon_hub.clock.advance(60)
    call(http, "projects_Query", {}, headers={"Authorization": ""})
    call(http, "devices_GetDetails", {"deviceId": second})
    actor = nexigon_hub.journal[0].actor
    assert actor is not None
    ids = msgspec.to_builtins(actor)
    return {"first": first, "second": second, "user": ids["userId"], "token": ids["tokenId"]}


def test_each_filter(http: httpx.Client, calls: dict[str, str]) -> None:
    assert journal(http, "action=devices_GetDetails") == [
        (5, "devices_GetDetails", 400),
        (7, "devices_GetDetails", 200),
    ]
    assert journal(http, "status=400") == [(5, "devices_GetDetails", 400)]
    assert journal(http, "status=401") == [(6, "projects_Query", 401)]
    assert journal(http, "status=404") == []
    # The device named in a call's input (devices_Create names it only in its output).
    assert journal(http, f"device={calls['first']}") == [(4, "devices_SetProperty", 200)]
    assert journal(http, f"device={calls['second']}") == [(7, "devices_GetDetails", 200)]
    admin = [1, 2, 3, 4, 5, 7]
    for actor in ("UserToken", calls["user"], calls["token"]):
        assert [entry[0] for entry in journal(http, f"actor={actor}")] == admin
    assert journal(http, "actor=Device") == []
    assert [e[0] for e in journal(http, "since=2026-05-04T07:01:00Z")] == [4, 5, 6, 7]
    assert [e[0] for e in journal(http, "since=2026-05-04T09:01:00%2B02:00")] == [4, 5, 6, 7]
    assert [e[0] for e in journal(http, "since=2026-05-04T07:01:00.001Z")] == [6, 7]
    assert [e[0] for e in journal(http, "since=2026-05-04T08:00:00Z")] == []
    assert [e[0] for e in journal(http, "limit=2")] == [6, 7]  # the newest, oldest first
    assert [e[0] for e in journal(http, "limit=10000")] == list(range(1, 8))


def test_filters_combine(http: httpx.Client, calls: dict[str, str]) -> None:
    query = "action=devices_GetDetails&status=200&actor=UserToken&since=2026-05-04T07:00:00Z"
    assert journal(http, query) == [(7, "devices_GetDetails", 200)]
    assert journal(http, "actor=UserToken&limit=1") == [(7, "devices_GetDetails", 200)]
    assert journal(http, f"device={calls['first']}&status=400") == []
    assert journal(http, "action=devices_Create&limit=1") == [(3, "devices_Create", 200)]


def test_without_parameters_the_answer_is_the_whole_journal_as_before(
    http: httpx.Client, nexigon_hub: Hub, calls: dict[str, str]
) -> None:
    response = http.get("/_fake/journal")
    assert response.content == msgspec.json.encode(nexigon_hub.journal.to_json())
    filtered = http.get("/_fake/journal?status=400").json()
    whole = nexigon_hub.journal.to_json()
    assert {k: v for k, v in filtered.items() if k != "entries"} == {
        k: v for k, v in whole.items() if k != "entries"
    }
    assert filtered["entries"] == [e for e in whole["entries"] if e["status"] == 400]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "action=projects_Qery",
            "`action`: no action `projects_Qery`. Did you mean `projects_Query`?",
        ),
        ("action=zzz", "`action`: no action `zzz`."),
        ("status=ok", "Expected `int | null`, got `str` (at `$.status`)"),
        ("status=700", "Expected `int` <= 599 (at `$.status`)"),
        ("limit=0", "Expected `int` >= 1 (at `$.limit`)"),
        ("limit=10001", "Expected `int` <= 10000 (at `$.limit`)"),
        (
            "device=d_1",
            "Expected a device ID: `d_` followed by 22 base58 characters. (at `$.device`)",
        ),
        (
            "since=today",
            "Expected an RFC 3339 timestamp with an offset (`Z` or `+hh:mm`). (at `$.since`)",
        ),
        (
            "since=2026-02-30T00:00:00Z",
            "`since` is not an instant: day is out of range for month (at `$.since`)",
        ),
        ("actor=Robot", "Expected an actor kind (Anonymous, System, Device, User, UserToken, "),
        ("order=newest", "Unknown query parameter `order` (expected: `action`, `status`, "),
    ],
)
def test_a_bad_filter_names_the_parameter_and_the_rule(
    http: httpx.Client, query: str, message: str
) -> None:
    response = http.get("/_fake/journal?" + query)
    assert response.status_code == 400
    assert response.json()["kind"] == "Invalid"
    assert response.json()["message"].startswith(message), response.json()


def test_device_commands_can_be_filtered(http: httpx.Client) -> None:
    assert journal(http, "action=devices_InvokeCommand") == []
