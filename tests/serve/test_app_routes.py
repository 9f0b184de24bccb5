"""Action calls skip Starlette's middleware stack, and must answer exactly as if they had not.

The app takes ``POST /api/v1/actions/invoke/<action>`` straight to its endpoint. These tests
hold it to the routed behaviour: the same answers, errors included; middleware a user adds
still sees every call; a mounted app and any other path still go through the router.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nexigon_fake import Hub, create_app
from tests.serve.http_helpers import ACTION_PATH, assert_action_error

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def hub_client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(hub))
    headers = {"Authorization": f"Bearer {hub.admin_token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=headers
    ) as http:
        yield http


class Tagging:
    """Middleware that counts the calls it sees and tags their answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[str] = []
        Tagging.last = self

    last: Tagging

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(scope["path"])

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message["headers"])
                message = {**message, "headers": [*headers, (b"x-tagged", b"yes")]}
            await send(message)

        await self.app(scope, receive, tagged)


async def test_a_call_answers_as_through_the_router(
    hub_client: httpx.AsyncClient, hub: Hub
) -> None:
    response = await hub_client.post(ACTION_PATH + "organizations_Query", json={})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.json() == hub.invoke("organizations_Query", {})


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        (ACTION_PATH + "devices_NoSuchAction", 404, "Invalid"),
        (ACTION_PATH + "devices_Get/extra", 404, "Invalid"),
        (ACTION_PATH, 404, "Invalid"),
    ],
    ids=["unknown action", "deeper path", "no action"],
)
async def test_paths_the_route_does_not_take_are_answered_as_before(
    hub_client: httpx.AsyncClient, path: str, status: int, kind: str
) -> None:
    assert_action_error(await hub_client.post(path, json={}), status, kind)


async def test_errors_before_the_hub_are_action_errors(hub_client: httpx.AsyncClient) -> None:
    response = await hub_client.post(
        ACTION_PATH + "organizations_Query", json={}, headers={"Authorization": "Basic x"}
    )
    assert_action_error(response, 401, "Forbidden")
    oversized = await hub_client.post(
        ACTION_PATH + "organizations_Query",
        content=b"{}",
        headers={"Content-Length": str(9 * 1024 * 1024)},
    )
    assert_action_error(oversized, 413, "Invalid")


async def test_middleware_added_to_the_app_sees_every_call(hub: Hub) -> None:
    app = create_app(hub)
    app.add_middleware(Tagging)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {hub.admin_token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=headers
    ) as http:
        response = await http.post(ACTION_PATH + "organizations_Query", json={})
        refused = await http.post(ACTION_PATH + "devices_NoSuchAction", json={})
    assert response.status_code == 200
    assert response.headers["x-tagged"] == "yes"
    assert refused.headers["x-tagged"] == "yes"
    assert Tagging.last.seen == [
        ACTION_PATH + "organizations_Query",
        ACTION_PATH + "devices_NoSuchAction",
    ]


async def test_an_app_mounted_under_a_prefix_serves_calls_there(hub: Hub) -> None:
    outer = Starlette(routes=[Mount("/hub", app=create_app(hub))])
    transport = httpx.ASGITransport(app=outer)
    headers = {"Authorization": f"Bearer {hub.admin_token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=headers
    ) as http:
        mounted = await http.post("/hub" + ACTION_PATH + "organizations_Query", json={})
        unmounted = await http.post(ACTION_PATH + "organizations_Query", json={})
    assert mounted.status_code == 200
    assert mounted.json() == hub.invoke("organizations_Query", {})
    assert unmounted.status_code == 404


class NoOp:
    """Middleware that changes nothing: with it, every call takes Starlette's routed path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


FINGERPRINT = "d_sk_" + "F" * 44
DEVICE = {"Authorization": "Bearer %token%", "X-Device-Fingerprint": FINGERPRINT}
# One scenario a case: (action, body, extra headers); later calls see what earlier ones made.
SCENARIOS: dict[str, list[tuple[str, bytes, dict[str, str]]]] = {
    "success": [
        ("projects_Create", b'{"organizationId": "%ORG%", "name": "p"}', {}),
        ("projects_Query", b"{}", {}),
    ],
    "validation errors": [
        ("projects_Create", b'{"organizationId": 7}', {}),
        ("projects_Create", b'{"organizationId": "%ORG%", "name": ""}', {}),
        ("devices_GetDetails", b'{"deviceId": "d_nope"}', {}),
        ("devices_GetDetails", b'{"deviceId": "d_aaaaaaaaaaaaaaaaaaaaaa", "x": 1}', {}),
        ("projects_Query", b"[1, 2]", {}),
        ("projects_Query", b"{not json", {}),
        ("projects_Query", b'{"a": 1, "a": 2}', {}),
        ("projects_Query", b'{"limit": NaN}', {}),
    ],
    "unknown and refused": [
        ("devices_NoSuchAction", b"{}", {}),
        ("projects_Query", b"{}", {"Authorization": "Bearer u_sk_unknown"}),
        ("projects_Query", b"{}", {"Authorization": "Basic x"}),
        ("devices_GetDetails", b'{"deviceId": "d_aaaaaaaaaaaaaaaaaaaaaa"}', {}),
    ],
    "a device admitted on first sight": [
        ("projects_Create", b'{"organizationId": "%ORG%", "name": "p"}', {}),
        ("projects_CreateDeploymentToken", b'{"projectId": "%projectId%", "name": "t"}', {}),
        ("devices_SetProperty", b'{"deviceId": "d_x", "name": "a", "value": 1}', DEVICE),
        ("actor_GetActor", b"{}", DEVICE),
        ("projects_QueryDevices", b'{"projectId": "%projectId%"}', {}),
    ],
}


Answer = tuple[int, list[tuple[str, str]], bytes]


async def _answers(
    app: ASGIApp, hub: Hub, calls: list[tuple[str, bytes, dict[str, str]]]
) -> list[Answer]:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {hub.admin_token}", "Content-Type": "application/json"}
    answers: list[Answer] = []
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub.test", headers=headers
    ) as http:
        seen = {"ORG": hub.default_organization_id}  # values of earlier answers, by key
        for action, body, extra in calls:
            content, sent = body.decode(), dict(extra)
            for key, value in seen.items():
                content = content.replace(f"%{key}%", value)
                sent = {name: text.replace(f"%{key}%", value) for name, text in sent.items()}
            response = await http.post(ACTION_PATH + action, content=content, headers=sent)
            if response.status_code == 200:
                seen.update((k, v) for k, v in response.json().items() if isinstance(v, str))
            answers.append(
                (response.status_code, sorted(response.headers.items()), response.content)
            )
    return answers


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_the_fast_path_and_the_routed_path_answer_byte_for_byte_alike(scenario: str) -> None:
    fast_hub, routed_hub = Hub(seed=3), Hub(seed=3)
    routed = create_app(routed_hub)
    routed.add_middleware(NoOp)
    calls = SCENARIOS[scenario]
    fast_answers = await _answers(create_app(fast_hub), fast_hub, calls)
    routed_answers = await _answers(routed, routed_hub, calls)
    assert fast_answers == routed_answers
    assert fast_hub.snapshot_json() == routed_hub.snapshot_json()
    assert [entry.status for entry in fast_hub.journal] == [status for status, *_ in fast_answers]
    if scenario == "a device admitted on first sight":
        assert len(fast_hub.devices.query().devices) == 1
