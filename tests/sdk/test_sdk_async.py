"""The official SDK's ``AsyncClient`` against a live fake hub, including concurrent calls."""

from __future__ import annotations

import asyncio

import pytest
from nexigon_hub_sdk import ActionApiError, AsyncClient
from nexigon_hub_sdk.api_types import actor, devices, projects, repositories

pytestmark = pytest.mark.sdk

START = "2026-05-04T07:00:00Z"


def _client(sdk):
    return AsyncClient(sdk.url, token=sdk.admin_token)


@pytest.mark.asyncio
async def test_async_device_lifecycle(sdk):
    async with _client(sdk) as client:
        me = await client.execute(actor.GetActorAction())
        assert isinstance(me.actor, actor.Actor_UserToken)

        created = await client.execute(
            projects.CreateProjectAction(organization_id=sdk.organization_id, name="Async")
        )
        assert isinstance(created, projects.CreateProjectOutput_Created)
        project_id = created.project_id
        device = await client.execute(
            devices.CreateDeviceAction(project_id=project_id, fingerprint=sdk.device_fingerprint(1))
        )
        device_id = device.device_id

        await client.execute(
            devices.RegisterDeviceConnectionAction(
                device_id=device_id, node_id=sdk.node_id(1), connection_id=sdk.connection_id(1)
            )
        )
        first = await client.execute(
            devices.SetDevicePropertyAction(device_id=device_id, name="com.example.mode", value="a")
        )
        assert isinstance(first, devices.SetDevicePropertyOutput_Set)
        conflict = await client.execute(
            devices.SetDevicePropertyAction(
                device_id=device_id, name="com.example.mode", value="b", expected_version=7
            )
        )
        assert isinstance(conflict, devices.SetDevicePropertyOutput_VersionConflict)
        assert conflict.current_version == 1
        sdk.advance(9)

        found = await client.execute(
            devices.GetDevicePropertyAction(device_id=device_id, name="com.example.mode")
        )
        assert isinstance(found, devices.GetDevicePropertyOutput_Found)
        assert (found.value, found.version, found.last_updated) == ("a", 1, START)

        await client.execute(
            devices.PublishDeviceEventsAction(
                device_id=device_id,
                events=[
                    devices.DeviceEvent(
                        event_id=sdk.event_id(1),
                        severity="Error",
                        body={"code": 17},
                        attributes={"unit": "pump"},
                        emitted_at="2026-05-04T07:00:08Z",
                    )
                ],
            )
        )
        (event,) = (
            await client.execute(devices.QueryDeviceEventsAction(device_id=device_id))
        ).events
        assert (event.event_id, event.severity.root, event.body, event.received_at) == (
            sdk.event_id(1),
            "Error",
            {"code": 17},
            "2026-05-04T07:00:09Z",
        )

        (item,) = (
            await client.execute(projects.QueryProjectDevicesAction(project_id=project_id))
        ).devices
        assert (item.device_id, item.status.root, item.current_connection_duration_secs) == (
            device_id,
            "healthy",
            9,
        )

        removed = await client.execute(
            devices.RemoveDevicePropertyAction(device_id=device_id, name="com.example.mode")
        )
        assert isinstance(removed, devices.RemoveDevicePropertyOutput_Removed)
        await client.execute(devices.DeleteDeviceAction(device_id=device_id))
        details = await client.execute(projects.GetProjectDetailsAction(project_id=project_id))
        assert details.device_count == 0


@pytest.mark.asyncio
async def test_async_unknown_device_raises_forbidden_404(sdk):
    unknown = "d_" + "B" * 22
    async with _client(sdk) as client:
        with pytest.raises(ActionApiError) as raised:
            await client.execute(devices.GetDeviceDetailsAction(device_id=unknown))
    assert raised.value.error.kind.root == "Forbidden"
    assert raised.value.status_code == 404
    assert unknown in raised.value.error.message


@pytest.mark.asyncio
async def test_async_concurrent_compare_and_swap_has_exactly_one_winner(sdk):
    device_id = sdk.create_device(sdk.create_project())
    async with _client(sdk) as client:
        await client.execute(
            devices.SetDevicePropertyAction(device_id=device_id, name="com.example.lock", value=0)
        )
        outputs = await asyncio.gather(
            *(
                client.execute(
                    devices.SetDevicePropertyAction(
                        device_id=device_id,
                        name="com.example.lock",
                        value=n,
                        expected_version=1,
                    )
                )
                for n in range(1, 11)
            )
        )
        winners = [
            n
            for n, output in enumerate(outputs, start=1)
            if isinstance(output, devices.SetDevicePropertyOutput_Set)
        ]
        losers = [
            o for o in outputs if isinstance(o, devices.SetDevicePropertyOutput_VersionConflict)
        ]
        assert len(winners) == 1
        assert len(losers) == 9
        assert {loser.current_version for loser in losers} == {2}
        final = await client.execute(
            devices.GetDevicePropertyAction(device_id=device_id, name="com.example.lock")
        )
        assert (final.value, final.version) == (winners[0], 2)


@pytest.mark.asyncio
async def test_async_concurrent_project_setup(sdk):
    project_id = sdk.create_project()
    async with _client(sdk) as client:
        repository = await client.execute(
            repositories.CreateRepositoryAction(organization_id=sdk.organization_id, name="fw")
        )
        await asyncio.gather(
            client.execute(
                projects.CreateDeploymentTokenAction(project_id=project_id, name="factory")
            ),
            client.execute(
                projects.AddProjectRepositoryAction(
                    project_id=project_id, repository_id=repository.repository_id
                )
            ),
            client.execute(
                projects.SetProjectOtlpConfigAction(
                    project_id=project_id,
                    config=projects.ProjectOtlpConfig(
                        enabled=True, endpoint="https://otel.example.com", headers={"K": "v"}
                    ),
                )
            ),
            *(
                client.execute(
                    devices.CreateDeviceAction(
                        project_id=project_id, fingerprint=sdk.device_fingerprint(n)
                    )
                )
                for n in range(5)
            ),
        )
        tokens, linked, otlp, details = await asyncio.gather(
            client.execute(projects.QueryProjectDeploymentTokensAction(project_id=project_id)),
            client.execute(projects.QueryProjectRepositoriesAction(project_id=project_id)),
            client.execute(projects.GetProjectOtlpConfigAction(project_id=project_id)),
            client.execute(projects.GetProjectDetailsAction(project_id=project_id)),
        )
    assert [t.name for t in tokens.tokens] == ["factory"]
    assert [r.repository_id for r in linked.repositories] == [repository.repository_id]
    assert otlp.config.model_dump() == {
        "enabled": True,
        "endpoint": "https://otel.example.com",
        "headers": {"K": "********"},
    }
    assert details.device_count == 5
