"""``/_fake/hooks``: hooks armed over HTTP invoke an action given as JSON."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.serve.transport import InProcessTransport
from tests.live_server import LiveServer
from tests.state.helpers import make_device, make_project

INVOKE = "/api/v1/actions/invoke/"


@pytest.fixture
def http(hub: Hub) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )


def test_an_http_hook_makes_the_concurrent_write(hub: Hub, http: httpx.Client) -> None:
    device = make_device(hub, make_project(hub))
    write = {"deviceId": device, "name": "a.b", "value": "hook"}
    armed = http.post(
        "/_fake/hooks",
        json={
            "when": "before",
            "action": "devices_SetProperty",
            "where": {"value": "test"},
            "times": 1,
            "invoke": {"action": "devices_SetProperty", "input": write},
        },
    )
    assert armed.status_code == 200, armed.text
    hook = armed.json()
    assert hook == {
        "id": 1,
        "when": "before",
        "action": "devices_SetProperty",
        "where": {"value": "test"},
        "deviceId": None,
        "projectId": None,
        "times": 1,
        "remaining": 1,
        "fired": 0,
        "description": (
            f'invokes `devices_SetProperty` with {{"deviceId":"{device}","name":"a.b",'
            '"value":"hook"}'
        ),
    }
    assert http.get("/_fake/hooks").json() == {"hooks": [hook]}
    mine = {"deviceId": device, "name": "a.b", "value": "test", "expectedVersion": 0}
    answer = http.post(INVOKE + "devices_SetProperty", json=mine)
    assert answer.json() == {"result": "VersionConflict", "currentVersion": 1}
    assert http.get("/_fake/hooks").json() == {"hooks": []}  # fired its one time


def test_delete_clears_the_hooks(hub: Hub, http: httpx.Client) -> None:
    body = {"when": "after", "action": "*", "invoke": {"action": "actor_GetActor"}}
    assert http.post("/_fake/hooks", json=body).status_code == 200
    assert http.delete("/_fake/hooks").json() == {"hooks": []}
    assert len(hub.hooks) == 0


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ({"action": "*", "invoke": {"action": "actor_GetActor"}}, ["`when`"]),
        ({"when": "now", "action": "*", "invoke": {"action": "actor_GetActor"}}, ["$.when"]),
        ({"when": "after", "action": "*"}, ["`invoke`"]),
        (
            {"when": "after", "action": "*", "invoke": {"action": "actor_GetActr"}},
            ["`actor_GetActr`", "did you mean `actor_GetActor`"],
        ),
        (
            {"when": "after", "action": "devices_Creat", "invoke": {"action": "actor_GetActor"}},
            ["`devices_Creat`", "did you mean `devices_Create`"],
        ),
        (
            {
                "when": "after",
                "action": "devices_Create",
                "where": {"nam": "x"},
                "invoke": {"action": "actor_GetActor"},
            },
            ["`nam`", "the input of `devices_Create` has"],
        ),
        (
            {"when": "after", "action": "*", "times": 0, "invoke": {"action": "actor_GetActor"}},
            ["$.times"],
        ),
        (
            {"when": "after", "action": "*", "extra": 1, "invoke": {"action": "actor_GetActor"}},
            ["`extra`"],
        ),
        (
            {
                "when": "after",
                "action": "*",
                "deviceId": "p_" + "1" * 22,
                "invoke": {"action": "actor_GetActor"},
            },
            ["$.deviceId"],
        ),
    ],
)
def test_bad_hooks_are_invalid_and_arm_nothing(
    hub: Hub, http: httpx.Client, body: dict[str, Any], fragments: list[str]
) -> None:
    response = http.post("/_fake/hooks", json=body)
    assert response.status_code == 400, response.text
    for fragment in fragments:
        assert fragment in response.json()["message"], (fragment, response.text)
    assert len(hub.hooks) == 0


def test_hooks_refuse_query_parameters(http: httpx.Client) -> None:
    assert http.get("/_fake/hooks?x=1").status_code == 400


def test_an_http_hook_fires_on_a_live_server(live_server: LiveServer) -> None:
    admin = {"Authorization": f"Bearer {live_server.admin_token}"}
    organization = live_server.default_organization_id
    with httpx.Client(base_url=live_server.url, headers=admin) as http:
        hook = {
            "when": "after",
            "action": "projects_Create",
            "where": {"name": "mine"},
            "invoke": {
                "action": "projects_Create",
                "input": {"organizationId": organization, "name": "made by the hook"},
            },
        }
        assert http.post("/_fake/hooks", json=hook).status_code == 200
        created = http.post(
            INVOKE + "projects_Create", json={"organizationId": organization, "name": "mine"}
        )
        assert created.status_code == 200, created.text
        names = [
            p["name"] for p in http.post(INVOKE + "projects_Query", json={}).json()["projects"]
        ]
        assert sorted(names) == ["made by the hook", "mine"]
        assert http.get("/_fake/hooks").json()["hooks"][0]["fired"] == 1


def test_the_journal_over_http_refuses_an_unknown_action(http: httpx.Client) -> None:
    response = http.get("/_fake/journal?action=projects_Creat")
    assert response.status_code == 400
    assert "Did you mean `projects_Create`" in response.json()["message"]
