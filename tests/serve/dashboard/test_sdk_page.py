"""A property set through the official SDK, as a device sees it on the dashboard."""

from __future__ import annotations

import pytest
from nexigon_hub_sdk import Client
from nexigon_hub_sdk.api_types import devices
from playwright.sync_api import Page, expect

from nexigon_fake.testing.plugin.server import NexigonServer
from tests.serve.dashboard import hub_setup


@pytest.mark.sdk
def test_device_page_shows_a_property_set_through_the_sdk(
    page: Page, server: NexigonServer
) -> None:
    device_id = hub_setup.device(server.hub, hub_setup.project(server.hub), 1)
    with Client(server.url, token=server.admin_token) as client:
        output = client.execute(
            devices.SetDevicePropertyAction(
                device_id=device_id, name="app.version", value={"channel": "beta", "build": 42}
            )
        )
    assert isinstance(output, devices.SetDevicePropertyOutput_Set)
    page.goto(f"/_fake/ui/devices/{device_id}")
    row = page.locator("#properties tbody tr", has_text="app.version")
    expect(row).to_have_count(1)
    expect(row.locator("pre")).to_contain_text('"channel": "beta"')
    expect(row.locator("pre")).to_contain_text('"build": 42')
    expect(row.locator("td").nth(2)).to_have_text("1")  # its version
